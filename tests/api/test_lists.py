"""Paginated lists of the portal's synced rows."""
import pytest

from storage import db
from storage.models import PortalUser
from tests import factories
from tests.conftest import auth

LISTS = ["/bitrix/users", "/bitrix/steps", "/bitrix/pipelines", "/bitrix/fields"]


def test_pages_are_stable_complete_and_counted(client, connected):
    member_id = connected()
    factories.users(member_id, 60)
    seen = []
    for page in (1, 2, 3):
        body = client.get(f"/bitrix/users?page={page}&size=25", headers=auth()).json()
        assert body["count"] == 60
        seen += [item["bitrixUserID"] for item in body["items"]]
    assert seen == [str(n) for n in range(1, 61)]
    assert client.get("/bitrix/users?page=4&size=25", headers=auth()).json()["items"] == []


def test_default_page_is_first_25(client, connected):
    factories.users(connected(), 30)
    body = client.get("/bitrix/users", headers=auth()).json()
    assert len(body["items"]) == 25 and body["items"][0]["bitrixUserID"] == "1"


def test_size_above_maximum_is_clamped(client, connected):
    factories.users(connected(), 120)
    body = client.get("/bitrix/users?size=1000", headers=auth()).json()
    assert len(body["items"]) == 100 and body["count"] == 120


def test_deleted_rows_are_hidden_and_not_counted(client, connected):
    member_id = connected()
    factories.users(member_id, 3)
    with db.connection():
        PortalUser.update(deleted=True).where(PortalUser.bitrix_id == "2").execute()
    body = client.get("/bitrix/users", headers=auth()).json()
    assert body["count"] == 2
    assert [u["bitrixUserID"] for u in body["items"]] == ["1", "3"]


def test_user_shape(client, connected):
    member_id = connected()
    factories.users(member_id, 1)
    user = client.get("/bitrix/users", headers=auth()).json()["items"][0]
    assert user["accountID"] == member_id
    assert user["name"] == "Иван1" and user["uf_department"] == [1]
    assert user["createdAt"].endswith("Z") and user["deleted"] is False


def test_each_list_serves_the_portal_rows(client, connected):
    member_id = connected()
    factories.pipelines(member_id)
    factories.steps(member_id)
    factories.fields(member_id)
    pipelines = client.get("/bitrix/pipelines", headers=auth()).json()
    assert [p["bitrixID"] for p in pipelines["items"]] == [0, 3]
    assert isinstance(pipelines["items"][0]["createdAt"], int)
    steps = client.get("/bitrix/steps", headers=auth()).json()["items"]
    assert steps[0]["pipelineID"] == 0 and "pipelineID" not in steps[1]
    field = client.get("/bitrix/fields", headers=auth()).json()["items"][0]
    assert field["fieldName"] == "UF_CRM_1700000000" and field["fieldType"] == "string"
    assert field["entityID"] == "CRM_DEAL" and field["editFromLabel"] == "Бюджет"


def test_lists_never_show_another_portal(client, connected):
    factories.users(connected("account-1"), 2)
    factories.users(connected("account-2"), 5, start=100)
    body = client.get("/bitrix/users", headers=auth("account-1")).json()
    assert body["count"] == 2 and {u["bitrixUserID"] for u in body["items"]} == {"1", "2"}


@pytest.mark.parametrize("path", LISTS)
def test_list_without_connected_portal_is_404(client, path):
    response = client.get(path, headers=auth())
    assert response.status_code == 404
    assert response.json() == "no connected Bitrix24 portal for this account"


@pytest.mark.parametrize("query", ["page=0", "size=0", "page=abc", "size=-1", "page=1000001",
                                   "unknown=1"])
def test_bad_paging_parameters_are_400(client, connected, query):
    connected()
    response = client.get(f"/bitrix/users?{query}", headers=auth())
    assert response.status_code == 400
    assert isinstance(response.json(), str) and "schema" not in response.json()
