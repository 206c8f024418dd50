"""The users' search column as reconcile writes it."""
import random

from storage import db, users
from storage.reconcile import reconcile


def user(bitrix_id, **values):
    return {"bitrix_id": bitrix_id, "name": "", "last_name": "", "second_name": "", "title": "", "email": "",
            "departments": [], "work_position": "", "active": True, **values}


def test_a_user_with_huge_names_is_synced_and_found_by_their_start(database_url):
    # 4 x 255 characters of 3 bytes would pass PostgreSQL's limit for one index entry (2,704
    # bytes), and the sync would fail on that user. Random, and each its own: it compresses repeats.
    def huge():
        return "".join(chr(random.randint(0x4E00, 0x9FFF)) for _ in range(255))
    with db.connection():
        reconcile("users", "portal-a", [user("1", name="Ёжик" + huge(), last_name=huge(), email=huge(),
                                             work_position=huge()), user("2", name="Ежевика")])
        found = users.page("portal-a", 1, 25, search="ЕЖИК")
    assert [item["bitrixUserID"] for item in found["items"]] == ["1"] and found["count"] == 1
