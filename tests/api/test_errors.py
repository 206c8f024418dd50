"""Errors in the spec's format (a JSON string) from every layer, and the served documents."""
from tests import factories
from tests.conftest import auth


def test_unknown_path_is_404_json_string(client):
    response = client.get("/nothing-here", headers=auth())
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == "Not Found"


def test_wrong_method_is_405_with_allow(client):
    response = client.put("/bitrix", headers=auth())
    assert response.status_code == 405
    assert response.json() == "Method Not Allowed"
    assert "GET" in response.headers["allow"]


def test_non_integer_quiz_id_is_400(client, connected):
    connected()
    for quiz in ("abc", "0", "-3", "99999999999"):
        response = client.get(f"/bitrix/rules/{quiz}", headers=auth())
        assert response.status_code == 400, quiz
        assert isinstance(response.json(), str)


def test_invalid_utf8_body_is_400(client, connected):
    connected()
    response = client.post("/bitrix/account", content=b'{"client_bitrix_url": "\xff\xfe"}',
                           headers={**auth(), "Content-Type": "application/json"})
    assert response.status_code == 400
    assert isinstance(response.json(), str)


def test_rule_of_the_portal_is_served(client, connected):
    member_id = connected()
    factories.rule(member_id, 12)
    body = client.get("/bitrix/rules/12", headers=auth()).json()
    assert body["QuizID"] == 12 and body["accountID"] == member_id
    assert body["FieldsRule"] == {"deal": {"QuestionID": {"1": "UF_CRM_1700000000"}}}
    assert client.get("/bitrix/rules/13", headers=auth()).status_code == 404


def test_spec_and_swagger_ui_are_served(client):
    spec = client.get("/openapi.json").json()
    assert spec["paths"]["/bitrix/users"]["get"]["operationId"] == "listUsers"
    ui = client.get("/ui/")
    assert ui.status_code == 200 and "swagger" in ui.text.lower()
