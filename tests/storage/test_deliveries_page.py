"""A page of the delivery log never reads the stored results: they may be hundreds of kilobytes each."""
from peewee import Value

from storage import db, deliveries
from storage.models import Delivery


def test_a_page_is_served_without_reading_the_stored_results(connected):
    member_id = connected()
    with db.connection():
        for n in range(3):
            deliveries.submit("account-1", member_id, 1, f"r-{n}", {"answers": {"1": "ж" * 2000}})
        # A payload no reader could parse: a page that read it would fail.
        # (A Value: the raw text, not the JSONField's encoding of it.)
        Delivery.update({Delivery.payload: Value("{not json")}).where(Delivery.result_id == "r-1").execute()
        page = deliveries.page("account-1", 1, 10)
    assert page["count"] == 3
    assert [item["resultID"] for item in page["items"]] == ["r-2", "r-1", "r-0"]
