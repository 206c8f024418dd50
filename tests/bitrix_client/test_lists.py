"""Reading whole lists: every item exactly once, for the number of requests the technique promises."""
import math

import pytest

from bitrix_client import fetch_all

SIZES = [0, 1, 50, 51, 2501]


@pytest.fixture
def portal_of(fake_bitrix):
    def make(users):
        portal = fake_bitrix.add_portal(users=users)
        portal.set_limits(bucket=10_000, drain=10_000.0)
        return portal
    return make


def ids(items):
    return [int(item["ID"]) for item in items]


def assert_every_user_once(items, portal):
    assert sorted(ids(items)) == sorted(int(user["ID"]) for user in portal.data.users)
    assert len(set(ids(items))) == len(items)


@pytest.mark.parametrize("size", SIZES)
def test_iter_list_follows_next_page_by_page(size, portal_of, make_client):
    portal = portal_of(size)
    client = make_client(portal)
    assert_every_user_once(list(client.iter_list("user.get")), portal)
    assert portal.stats["requests"] == max(1, math.ceil(size / 50))


def test_iter_list_is_lazy(portal_of, make_client):
    portal = portal_of(120)
    users = make_client(portal).iter_list("user.get")
    assert [next(users) for _ in range(50)] and portal.stats["requests"] == 1
    next(users)
    assert portal.stats["requests"] == 2


@pytest.mark.parametrize("size", SIZES)
def test_fetch_all_packs_the_pages_after_the_first_into_batches(size, portal_of, make_client):
    portal = portal_of(size)
    client = make_client(portal)
    items = client.fetch_all("user.get", {"ORDER": "DESC", "SORT": "ID"})
    assert_every_user_once(items, portal)
    assert ids(items) == sorted(ids(items), reverse=True)  # the caller's order is kept
    pages = max(1, math.ceil(size / 50))
    assert portal.stats["requests"] == 1 + math.ceil((pages - 1) / 50)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("batched", [True, False])
def test_fetch_all_by_id_scans_without_counting(size, batched, portal_of, make_client):
    portal = portal_of(size)
    client = make_client(portal)
    items = client.fetch_all_by_id("user.get", {"filter": {"ACTIVE": True}}, batched=batched)
    active = [int(user["ID"]) for user in portal.data.users if user["ACTIVE"]]
    assert ids(items) == active  # ascending, each once, the caller's filter kept
    pages = math.ceil((len(active) + 1) / 50)  # the scan stops at the first page that is not full
    expected = 1 + scan_batches(pages - 1) if batched else pages
    assert portal.stats["requests"] == expected
    scans = [entry for entry in portal.requests if entry["method"] == "user.get"]
    assert all(entry["params"]["start"] in (-1, "-1") for entry in scans)


def scan_batches(pages: int) -> int:
    """Batches the scan needs for `pages` pages after the first: 10 pages, then 50 a batch."""
    return 0 if pages <= 0 else 1 + math.ceil(max(0, pages - 10) / 50)


@pytest.mark.parametrize("size, requests, sub_calls", [(60, 2, 10), (549, 2, 10), (551, 3, 60)])
def test_the_scan_speculates_little_until_pages_keep_coming_back_full(size, requests, sub_calls, portal_of,
                                                                     make_client):
    portal = portal_of(size)
    items = make_client(portal).fetch_all_by_id("user.get")
    assert len(items) == size
    assert portal.stats["requests"] == requests
    assert portal.stats["batch_commands"] == sub_calls  # 50 a batch before: 50, 50 and 100


def test_fetch_all_switches_to_the_id_scan_for_large_lists(portal_of, make_client):
    portal = portal_of(2501)
    client = make_client(portal)
    items = client.fetch_all("user.get", {"ORDER": "DESC", "SORT": "ID"}, scan_above=1000)
    assert ids(items) == sorted(int(user["ID"]) for user in portal.data.users)
    assert portal.stats["requests"] == 1 + 1 + 2  # the counted first page, one page, batches of 10 and 50


class AddsALeadAfterTheFirstPage:
    """The real client, with someone creating a lead on the portal right after the first page."""

    def __init__(self, client, portal):
        self.client, self.portal, self.pages = client, portal, 0

    def request(self, method, params=None, **options):
        answer = self.client.request(method, params, **options)
        self.pages += 1
        if self.pages == 1:
            self.portal.data.add_entity("lead", {"TITLE": "late"})
        return answer

    def batch(self, commands, **options):
        return self.client.batch(commands, **options)


def test_fetch_all_picks_up_rows_added_while_it_reads(client, portal):
    for number in range(100):
        portal.data.add_entity("lead", {"TITLE": f"lead {number}"})
    reader = AddsALeadAfterTheFirstPage(client, portal)
    items = fetch_all(reader, "crm.lead.list", {"select": ["ID", "TITLE"]})
    assert len(items) == 101 and items[-1]["TITLE"] == "late"
    assert portal.stats["requests"] == 3  # first page, one batch, the page the count did not know


def test_wrapped_lists_are_unwrapped_by_key_or_by_their_single_entry(client, portal):
    by_key = client.fetch_all("crm.category.list", {"entityTypeId": 2}, key="categories")
    guessed = list(client.iter_list("crm.category.list", {"entityTypeId": 2}))
    assert by_key == guessed and {category["id"] for category in by_key} >= {0}
