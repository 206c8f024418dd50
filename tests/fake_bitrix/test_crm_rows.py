"""Leads, deals, contacts and companies: add, read back, update, list, and find duplicates."""
import pytest


def test_add_returns_an_integer_and_get_reads_strings(rest):
    new_id = rest.result("crm.lead.add", fields={
        "TITLE": "Квиз: расчёт стоимости", "NAME": "Анна", "ASSIGNED_BY_ID": 3, "OPPORTUNITY": 1500,
        "ORIGINATOR_ID": "quiz-platform", "ORIGIN_ID": "answer-42", "UF_CRM_PENA_TAG": ["весна", "скидка"],
        "PHONE": [{"VALUE": "+7 (900) 123-45-67", "VALUE_TYPE": "MOBILE"}],
        "EMAIL": [{"VALUE": "anna@example.ru"}]}, params={"REGISTER_SONET_EVENT": "Y"})

    assert isinstance(new_id, int)
    lead = rest.result("crm.lead.get", id=new_id)
    assert lead["ID"] == str(new_id)
    assert (lead["ASSIGNED_BY_ID"], lead["OPPORTUNITY"], lead["STATUS_ID"]) == ("3", "1500", "NEW")
    assert (lead["ORIGINATOR_ID"], lead["ORIGIN_ID"]) == ("quiz-platform", "answer-42")
    assert lead["UF_CRM_PENA_TAG"] == ["весна", "скидка"]
    assert lead["PHONE"][0] | {"ID": "x"} == {"ID": "x", "VALUE": "+7 (900) 123-45-67",
                                              "VALUE_TYPE": "MOBILE", "TYPE_ID": "PHONE"}
    assert lead["EMAIL"][0]["VALUE_TYPE"] == "WORK" and lead["HAS_EMAIL"] == "Y"
    assert lead["CREATED_BY_ID"] == "1" and lead["DATE_CREATE"].endswith("+03:00")


def test_deal_lands_on_the_first_stage_of_its_pipeline(rest):
    category = rest.portal.data.categories[2][1]["id"]

    default = rest.result("crm.deal.get", id=rest.result("crm.deal.add", fields={"TITLE": "a"}))
    other = rest.result("crm.deal.get", id=rest.result("crm.deal.add", fields={"TITLE": "b",
                                                                              "CATEGORY_ID": category}))

    assert (default["CATEGORY_ID"], default["STAGE_ID"]) == ("0", "NEW")
    assert (other["CATEGORY_ID"], other["STAGE_ID"]) == (str(category), f"C{category}:NEW")


@pytest.mark.parametrize("method", ["crm.lead.get", "crm.deal.get", "crm.contact.get", "crm.company.get"])
def test_legacy_not_found(rest, method):
    missing = rest.post(method, id=424242)
    assert (missing.status_code, missing.json()) == (400, {"error": "", "error_description": "Not found"})
    assert rest.post(method).json()["error_description"] == "ID is not defined or invalid."


def test_add_without_fields_is_refused_legacy_style(rest):
    refused = rest.post("crm.contact.add", fields="nope")
    assert (refused.status_code, refused.json()["error"]) == (400, "")


def test_update_changes_fields_and_multi_fields(rest):
    contact_id = rest.result("crm.contact.add", fields={"NAME": "Олег", "PHONE": [{"VALUE": "89001112233"}]})
    phone_id = rest.result("crm.contact.get", id=contact_id)["PHONE"][0]["ID"]

    phones = [{"ID": phone_id, "DELETE": "Y"}, {"VALUE": "+7 901 000-00-00"}]
    changes = {"POST": "Директор", "PHONE": phones}
    assert rest.result("crm.contact.update", id=contact_id, fields=changes) is True

    contact = rest.result("crm.contact.get", id=contact_id)
    assert contact["POST"] == "Директор"
    assert [phone["VALUE"] for phone in contact["PHONE"]] == ["+7 901 000-00-00"]


def test_list_by_origin_with_select(rest):
    for origin in ("q-1", "q-2", "q-1"):
        rest.result("crm.deal.add", fields={"TITLE": origin, "ORIGINATOR_ID": "quiz", "ORIGIN_ID": origin,
                                            "UF_CRM_PENA_TAG": "t"})

    body = rest.post("crm.deal.list", filter={"ORIGINATOR_ID": "quiz", "ORIGIN_ID": "q-1"},
                     select=["ID", "TITLE", "UF_*"]).json()

    assert body["total"] == 2
    assert body["result"][0] == {"ID": "1", "TITLE": "q-1", "UF_CRM_PENA_TAG": "t"}


def test_find_duplicates_by_phone_digits_and_email(rest):
    lead = rest.result("crm.lead.add", fields={"PHONE": [{"VALUE": "+7 (900) 123-45-67 доб. 12"}]})
    contact = rest.result("crm.contact.add", fields={"PHONE": [{"VALUE": "79001234567"}],
                                                      "EMAIL": [{"VALUE": "Ivan@Example.ru"}]})

    by_phone = rest.result("crm.duplicate.findbycomm", type="PHONE", values=["+7 900 123 45 67"])
    by_email = rest.result("crm.duplicate.findbycomm", type="EMAIL", values=["ivan@example.ru"],
                           entity_type="CONTACT")
    nothing = rest.result("crm.duplicate.findbycomm", type="EMAIL", values=["nobody@example.ru"])

    assert by_phone == {"LEAD": [lead], "CONTACT": [contact]}
    assert by_email == {"CONTACT": [contact]}
    assert nothing == []


def test_find_duplicates_refuses_bad_requests(rest):
    too_many = rest.post("crm.duplicate.findbycomm", type="EMAIL", values=[f"{n}@x.ru" for n in range(21)])
    no_type = rest.post("crm.duplicate.findbycomm", values=["a@b.ru"])

    assert too_many.status_code == 400 and no_type.status_code == 400
    assert no_type.json()["error_description"] == "Communication type is not defined."
