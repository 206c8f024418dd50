"""A portal that changed its address: refresh through the holder's strategy, repeat once at the new one."""
import dataclasses

import pytest

from bitrix_client import PortalMoved


def leads(portal):
    return portal.data.rows("lead")


def test_a_write_reaches_the_new_address_once_with_its_whole_body(make_client, portal, oauth):
    stored = []

    def refresh_and_store(stale):
        fresh = oauth.refresh(stale.refresh_token)
        stored.append(fresh)
        return fresh

    client = make_client(portal, refresh=refresh_and_store)
    old_endpoint = client.token_holder.tokens.client_endpoint
    portal.move()

    fields = {"TITLE": "Quiz #7", "PHONE": [{"VALUE": "+7 900 000-00-07", "VALUE_TYPE": "WORK"}]}
    new_id = client.call("crm.lead.add", {"fields": fields}, write=True)

    assert [lead["ID"] for lead in leads(portal)] == [str(new_id)]
    assert leads(portal)[0]["PHONE"][0]["VALUE"] == "+7 900 000-00-07"
    assert portal.stats["redirected"] == 1  # the old address was asked once, never followed
    assert portal.stats["by_method"]["crm.lead.add"] == 1
    assert len(stored) == 1 and stored[0].client_endpoint == portal.client_endpoint != old_endpoint
    assert client.call("user.current")["ID"] == "1" and portal.stats["redirected"] == 1


def test_a_batch_is_repeated_at_the_new_address_too(make_client, portal):
    client = make_client(portal)
    portal.move(status=301)
    result = client.batch({"a": ("crm.lead.add", {"fields": {"TITLE": "a"}}),
                           "b": ("crm.lead.add", {"fields": {"TITLE": "b"}})}, write=True)
    assert result.errors == {} and sorted(lead["TITLE"] for lead in leads(portal)) == ["a", "b"]


def test_when_the_refresh_does_not_bring_a_new_address_the_move_is_raised_retryable(make_client, portal, oauth):
    def refresh_to_the_old_address(stale):
        fresh = oauth.refresh(stale.refresh_token)
        return dataclasses.replace(fresh, client_endpoint=stale.client_endpoint)

    client = make_client(portal, refresh=refresh_to_the_old_address)
    portal.move()
    with pytest.raises(PortalMoved) as moved:
        client.call("crm.lead.add", {"fields": {"TITLE": "x"}}, write=True)
    assert moved.value.retryable and not moved.value.request_may_have_run
    assert moved.value.location.startswith(portal.url)
    assert leads(portal) == [] and portal.stats["redirected"] == 1
