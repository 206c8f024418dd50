"""Pages of 50, ``start``, ``total``, ``next``, ``start=-1`` and the ``>ID`` fast scan."""
import pytest
import requests


def fill_leads(portal, count: int) -> None:
    portal.data.entities["lead"].clear()
    for number in range(count):
        source = "WEB" if number % 2 else "CALL"
        portal.data.add_entity("lead", {"TITLE": f"Лид {number}", "SOURCE_ID": source})


@pytest.mark.parametrize(("count", "first_page", "next_start"), [(0, 0, None), (1, 1, None), (50, 50, None),
                                                                  (51, 50, 50)])
def test_first_page_at_the_edges(rest, count, first_page, next_start):
    fill_leads(rest.portal, count)

    body = rest.post("crm.lead.list", start=0).json()

    assert len(body["result"]) == first_page
    assert body["total"] == count
    assert body.get("next") == next_start
    assert ("next" in body) == (next_start is not None)


def test_walking_2501_rows_by_next(rest):
    rest.portal.set_limits(enabled=False)
    fill_leads(rest.portal, 2501)
    seen, start, pages = [], 0, 0

    while start is not None:
        body = rest.post("crm.lead.list", start=start, select=["ID"]).json()
        assert body["total"] == 2501
        seen += [int(row["ID"]) for row in body["result"]]
        start, pages = body.get("next"), pages + 1

    assert pages == 51
    assert len(body["result"]) == 1
    assert seen == sorted(set(seen)) and len(seen) == 2501


def test_start_minus_one_does_not_count(rest):
    fill_leads(rest.portal, 120)

    body = rest.post("crm.lead.list", start=-1, order={"ID": "ASC"}, filter={">ID": 30}).json()

    assert body["total"] == 0 and "next" not in body
    assert [row["ID"] for row in body["result"]] == [str(n) for n in range(31, 81)]


def test_fast_scan_by_id_reaches_every_user(fake_bitrix):
    portal = fake_bitrix.add_portal(users=1234, seed=3)
    portal.set_limits(enabled=False)
    token = portal.issue_tokens()["access_token"]
    session, last, seen = requests.Session(), 0, 0

    while True:
        body = session.post(f"{portal.client_endpoint}user.get", timeout=5, json={
            "auth": token, "SORT": "ID", "ORDER": "ASC", "FILTER": {">ID": last}, "start": -1}).json()
        seen += len(body["result"])
        if len(body["result"]) < 50:
            break
        last = int(body["result"][-1]["ID"])

    assert seen == 1234


def test_user_get_filters_fired_users_only_when_asked(rest):
    everyone = rest.post("user.get").json()
    active = rest.post("user.get", FILTER={"ACTIVE": True}).json()
    top_level = rest.get("user.get", "ACTIVE=true").json()

    fired = [user for user in everyone["result"] if user["ACTIVE"] is False]
    assert fired, "the seed has fired users"
    assert active["total"] == everyone["total"] - len(fired) == top_level["total"]
    assert all(user["ACTIVE"] is True for user in active["result"])


def test_user_get_sort_and_order(rest):
    body = rest.post("user.get", sort="ID", order="DESC").json()

    ids = [int(user["ID"]) for user in body["result"]]
    assert ids == sorted(ids, reverse=True) and ids[0] == 30


def test_filter_and_order_on_crm_rows(rest):
    fill_leads(rest.portal, 10)

    body = rest.post("crm.lead.list", filter={"SOURCE_ID": "WEB", "<=ID": 8}, order={"ID": "DESC"}).json()

    assert [row["ID"] for row in body["result"]] == ["8", "6", "4", "2"]
    assert body["total"] == 4


def test_user_get_order_alone_sorts_by_id(rest):
    ids = [int(user["ID"]) for user in rest.get("user.get", "ORDER=DESC").json()["result"]]
    assert ids == sorted(ids, reverse=True)
