"""`batch`: sub-calls encoded as PHP query strings, results and errors handed back per command key."""
import pytest

from bitrix_client import MethodNotFound, NotFound, php_query


def test_params_are_encoded_as_php_bracket_query_strings():
    query = php_query({"filter": {">ID": 5, "ACTIVE": True}, "select": ["ID", "NAME"],
                       "fields": {"PHONE": [{"VALUE": "+1 555", "VALUE_TYPE": "WORK"}]},
                       "ID": "$result[u][0][ID]", "empty": None})
    assert query == ("filter[%3EID]=5&filter[ACTIVE]=1&select[]=ID&select[]=NAME"
                     "&fields[PHONE][0][VALUE]=%2B1%20555&fields[PHONE][0][VALUE_TYPE]=WORK"
                     "&ID=$result[u][0][ID]&empty=")


def test_each_command_gets_its_own_result_or_error(client, portal):
    result = client.batch({
        "user": ("user.get", {"filter": {">ID": 5}, "select": ["ID"]}),
        "deal": ("crm.deal.get", {"id": 999_999}),
        "typo": ("crm.nothing.here", None),
        "same": ("user.get", {"ID": "$result[user][0][ID]"}),
    })
    assert result.results["user"][0]["ID"] == "6" and result.results["same"][0]["ID"] == "6"
    assert result.totals["user"] == len(portal.data.users) - 5 and result.nexts == {}
    assert set(result.errors) == {"deal", "typo"}
    assert isinstance(result.errors["deal"], NotFound) and result.errors["deal"].method == "crm.deal.get"
    assert isinstance(result.errors["typo"], MethodNotFound)
    with pytest.raises(NotFound):
        result.value("deal")
    assert portal.stats["requests"] == 1


def test_a_batch_without_failures_has_empty_maps(client):
    result = client.batch({"me": ("user.current", {}), "app": ("app.info", {})})
    assert result.errors == {} and result.totals == {} and result.nexts == {}
    assert result.value("me")["ID"] == "1"
    result.raise_first()


def test_numeric_keys_come_back_under_the_callers_keys(client):
    result = client.batch({0: ("user.get", {"ID": 1}), 1: ("user.get", {"ID": 2})})
    assert result.results[0][0]["ID"] == "1" and result.results[1][0]["ID"] == "2"


def test_halt_stops_at_the_first_failure(client):
    result = client.batch({"bad": ("crm.deal.get", {"id": 0}), "next": ("user.current", {})}, halt=True)
    assert set(result.errors) == {"bad"} and result.results == {}


def test_more_than_50_commands_are_refused_before_sending(client, portal):
    with pytest.raises(ValueError):
        client.batch({index: ("user.current", {}) for index in range(51)})
    assert portal.stats["requests"] == 0
