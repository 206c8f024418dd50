"""The account's connection: read and soft delete."""
from storage import db
from storage.models import Account
from tests import factories
from tests.conftest import auth


def test_no_account_is_404(client):
    response = client.get("/bitrix/account", headers=auth())
    assert response.status_code == 404
    assert response.json() == "account not found"


def test_connected_account_shape(client, connected):
    member_id = connected()
    body = client.get("/bitrix/account", headers=auth()).json()
    assert body["bitrixID"] == member_id and body["stale"] is False and body["deleted"] is False
    assert body["subdomain"] == member_id[:8] and body["createdAt"].endswith("Z")


def test_delete_hides_the_portal_data_from_the_account(client, connected):
    member_id = connected()
    factories.users(member_id, 3)
    factories.rule(member_id, 7)
    assert client.delete("/bitrix/account", headers=auth()).status_code == 200
    assert client.get("/bitrix/account", headers=auth()).status_code == 404
    assert client.get("/bitrix/users", headers=auth()).status_code == 404
    assert client.get("/bitrix/rules/7", headers=auth()).status_code == 404
    with db.connection():
        assert Account.get(Account.member_id == member_id).deleted is True


def test_delete_without_account_is_404(client):
    assert client.delete("/bitrix/account", headers=auth()).status_code == 404


def test_delete_leaves_other_accounts_of_the_same_portal_working(client, connected):
    member_id = connected("account-1")
    connected("account-2", member_id=member_id)
    factories.users(member_id, 2)
    client.delete("/bitrix/account", headers=auth("account-1"))
    assert client.get("/bitrix/users", headers=auth("account-2")).json()["count"] == 2
