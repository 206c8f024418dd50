"""Quiz answers per Bitrix24 field type: converted, or reported and left out."""
import pytest

from service.delivery.convert import convert, email, phone, readable

ENUM = {"field_name": "UF_E", "field_type": "enumeration", "multiple": False,
        "items": [{"id": "31", "value": "Квиз"}, {"id": "32", "value": "Опрос"}]}


def f(kind, multiple=False):
    return {"field_name": f"UF_{kind.upper()}", "field_type": kind, "multiple": multiple, "items": []}


@pytest.mark.parametrize("value,field,expected", [
    ("  квиз ", ENUM, 31),
    (["Квиз", "опрос"], {**ENUM, "multiple": True}, [31, 32]),
    (True, f("boolean"), 1), ("нет", f("boolean"), 0), ("Yes", f("boolean"), 1),
    ("12", f("integer"), 12), (12.0, f("integer"), 12), ("1 500", f("integer"), 1500),
    ("2,5", f("double"), 2.5), (3, f("double"), 3),
    ("1500", f("money"), "1500|RUB"),
    ("05.06.2026", f("datetime"), "2026-06-05"), ("2026-06-05T10:30", f("datetime"), "2026-06-05T10:30:00"),
    (["a", "b"], f("string"), "a, b"), (7, f("string"), "7"), (False, f("string"), "Нет"),
    (["a", "b"], f("string", multiple=True), ["a", "b"]),
    (["3"], f("integer"), 3),
    ("https://x.example", f("url"), "https://x.example"),
])
def test_converted(value, field, expected):
    assert convert(value, field) == (expected, None)


@pytest.mark.parametrize("value,field,reason", [
    ("Тест", ENUM, "not one of the field's options"),
    (["Квиз", "Опрос"], ENUM, "2 options for a single-choice field"),
    ("может быть", f("boolean"), "not yes or no"),
    ("двенадцать", f("integer"), "not a number"),
    ("1.5", f("integer"), "not a whole number"),
    (True, f("double"), "yes/no is not a number"),
    ("вчера", f("datetime"), "not a date"),
    (["1", "2"], f("integer"), "2 options for a single integer field"),
    ("x", f("file"), "cannot take a quiz answer"),
    ("x", f("crm"), "cannot take a quiz answer"),
])
def test_reported_not_sent(value, field, reason):
    converted, problem = convert(value, field)
    assert converted is None and problem.startswith(field["field_name"]) and reason in problem


def test_contacts_are_normalised():
    assert phone("8 (916) 123-45-67") == "+79161234567"
    assert phone("+7 916 123 45 67") == "+79161234567"
    assert phone("+44 20 7946 0958") == "+442079460958"
    assert phone("") == ""
    assert email("  Anna@Example.COM ") == "anna@example.com"
    assert readable(1.0) == "1"
