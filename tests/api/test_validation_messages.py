"""400 answers name the field and the rule, not the value (which may be huge or personal)."""
import pytest

from tests.conftest import auth
from web.validation_messages import field_and_rule


@pytest.mark.parametrize("detail,expected", [
    ("'" + "ж" * 5000 + "' is too long - 'answers.12'", "answers.12: is too long"),
    ("{'1': 'a', '2': 'b'} has too many properties - 'answers'", "answers: has too many properties"),
    ("'+7 916 123-45-67' is not of type 'integer' - 'quizID'", "quizID: is not of type 'integer'"),
    ("'http://x' does not match '^https://x$' - 'client_bitrix_url'",
     "client_bitrix_url: does not match '^https://x$'"),
    ("-1 is less than the minimum of 0 - 'PipelineID'", "PipelineID: is less than the minimum of 0"),
    ("'' should be non-empty - 'PerformerID'", "PerformerID: should be non-empty"),
    ("[1] is not valid under any of the given schemas - 'answers.3'",
     "answers.3: is not valid under any of the given schemas"),
    ("'LeadFlag' is a required property", "'LeadFlag' is a required property"),
    ("Extra query parameter(s) x not in spec", "Extra query parameter(s) x not in spec"),
])
def test_detail_keeps_field_and_rule(detail, expected):
    assert field_and_rule(detail) == expected


def test_unexpected_names_are_cut_short():
    huge = "k" * 10_000
    message = field_and_rule(f"Additional properties are not allowed ('{huge}' was unexpected) - 'contact'")
    assert message.startswith("contact: unexpected properties ('kkk") and len(message) < 140


def test_a_huge_invalid_value_is_not_echoed(client, connected):
    connected()
    response = client.post("/bitrix/account", json={"client_bitrix_url": "h" * 1_000_000}, headers=auth())
    assert response.status_code == 400
    assert response.json() == "client_bitrix_url: is too long"


@pytest.mark.parametrize("query,message", [
    ("/bitrix/users?page=0", "page: is less than the minimum of 1"),
    ("/bitrix/users?size=abc", "size: is not of type 'integer'"),
    ("/bitrix/rules/0", "quizID: is less than the minimum of 1"),
])
def test_a_bad_parameter_is_named(client, connected, query, message):
    connected()
    response = client.get(query, headers=auth())
    assert response.status_code == 400 and response.json() == message
