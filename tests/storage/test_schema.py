"""The schema as migrations build it: idempotent, natural keys unique, portals isolated."""
import pytest
from peewee import IntegrityError

from storage import db, users
from storage.models import PortalUser, Rule
from tests import factories


def test_migrations_are_idempotent(database_url):
    assert db.migrate() == []
    names = [m.name for m in db.status()]
    assert names == sorted(names) and all(m.applied for m in db.status())


def test_a_portal_has_one_row_per_bitrix_id(database_url):
    factories.users("portal-a", 1)
    factories.users("portal-b", 1)  # the same Bitrix id on another portal is another row
    with db.connection(), pytest.raises(IntegrityError), db.database.atomic():
        PortalUser.create(member_id="portal-a", bitrix_id="1")


def test_one_live_rule_per_portal_and_quiz(database_url):
    factories.rule("portal-a", 5)
    factories.rule("portal-b", 5)
    with pytest.raises(IntegrityError):
        factories.rule("portal-a", 5)
    with db.connection():
        Rule.update(deleted=True).where(Rule.member_id == "portal-a").execute()
    factories.rule("portal-a", 5)  # a deleted rule frees its quiz


def test_queries_never_return_another_portals_rows(database_url):
    factories.users("portal-a", 3)
    factories.users("portal-b", 4, start=10)
    with db.connection():
        page = users.page("portal-a", 1, 100)
    assert page["count"] == 3 and {u["accountID"] for u in page["items"]} == {"portal-a"}
