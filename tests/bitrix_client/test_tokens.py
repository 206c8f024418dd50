"""Token expiry and rotation: refresh once, persist the new pair before the retry, share it per portal."""
import time

import pytest

from bitrix_client import InvalidGrant, TokenHolder, TokenSet

from .concurrently import run_concurrently


def test_an_expired_token_is_refreshed_before_the_call_and_persisted(make_client, portal, fake_bitrix):
    saved = []
    client = make_client(portal, on_refresh=saved.append)
    first = client.token_holder.tokens
    fake_bitrix.clock.advance(3600)

    assert client.call("user.current")["ID"] == "1"
    assert len(saved) == 1 and saved[0] is client.token_holder.tokens
    assert saved[0].refresh_token != first.refresh_token
    assert portal.stats["errors"] == {}  # the holder saw the expiry coming: no 401 at all


def test_an_expired_token_answer_refreshes_and_retries_once_after_persisting(make_client, portal,
                                                                            fake_bitrix):
    seen_by_portal = []

    def persist(tokens):
        seen_by_portal.append(portal.stats["by_method"].get("user.current", 0))

    # A holder on real time does not know the portal's clock moved: the portal has to tell it.
    client = make_client(portal, on_refresh=persist, clock=time.time)
    fake_bitrix.clock.advance(3600)

    assert client.call("user.current")["ID"] == "1"
    assert portal.stats["errors"] == {"expired_token": 1}
    assert seen_by_portal == [1]  # persisted after the refused call, before the retry
    assert portal.stats["by_method"]["user.current"] == 2


def test_a_refused_refresh_raises_invalid_grant(make_client, portal, fake_bitrix):
    saved = []
    client = make_client(portal, on_refresh=saved.append)
    portal.revoke()
    with pytest.raises(InvalidGrant) as refused:
        client.call("user.current")
    assert refused.value.stale and saved == []


def test_holders_of_one_portal_in_two_threads_spend_the_refresh_token_once(make_client, portal, fake_bitrix):
    tokens = TokenSet.from_answer(portal.issue_tokens(), now=fake_bitrix.clock.now())
    saved = []
    clients = [make_client(portal, tokens=tokens, on_refresh=saved.append) for _ in range(2)]
    fake_bitrix.clock.advance(3600)
    results = run_concurrently(lambda client: client.call("user.current")["ID"], clients)

    assert results == ["1", "1"]
    assert fake_bitrix.stats.get("token_refresh_token") == 1
    assert len(saved) == 1
    assert {client.token_holder.tokens.access_token for client in clients} == {saved[0].access_token}


def test_a_caller_supplied_refresh_strategy_replaces_the_holders_own(make_client, portal, fake_bitrix, oauth):
    asked = []

    def refresh_under_a_lock(stale):
        asked.append(stale.access_token)
        return oauth.refresh(stale.refresh_token)

    client = make_client(portal, refresh=refresh_under_a_lock)
    stale = client.token_holder.tokens
    fake_bitrix.clock.advance(3600)
    assert client.call("user.current")["ID"] == "1"
    assert asked == [stale.access_token]


def test_a_pair_rotated_by_another_holder_is_picked_up_after_invalid_token(make_client, portal, fake_bitrix,
                                                                           oauth):
    # Another process refreshed: our access token died with the rotation; the strategy re-reads
    # the newer pair (here: hands it over) instead of spending our already spent refresh token.
    ours = TokenSet.from_answer(portal.issue_tokens(), now=fake_bitrix.clock.now())
    theirs = oauth.refresh(ours.refresh_token)
    client = make_client(portal, tokens=ours, refresh=lambda stale: theirs)
    assert client.call("user.current")["ID"] == "1"
    assert portal.stats["errors"] == {"invalid_token": 1}
    assert client.token_holder.tokens == theirs


def test_a_holder_needs_a_way_to_refresh(portal):
    with pytest.raises(ValueError):
        TokenHolder(TokenSet.from_answer(portal.issue_tokens()), None)
