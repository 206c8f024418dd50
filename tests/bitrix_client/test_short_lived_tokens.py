"""Tokens the portal rejected, and pairs that live less than the refresh leeway (2 s, over HTTP)."""
import pytest

from bitrix_client import InvalidGrant, TokenSet


def refreshes(fake_bitrix) -> int:
    return fake_bitrix.stats.get("token_refresh_token", 0)


def refused_tokens(portal) -> list:
    return [entry["error"] for entry in portal.requests if entry["error"] in ("invalid_token", "expired_token")]


@pytest.fixture
def short_lived(portal):
    portal.token_lifetime = 2
    return portal


def test_tokens_shorter_than_the_leeway_are_used_not_refreshed_in_a_loop(make_client, short_lived, fake_bitrix):
    client = make_client(short_lived)  # leeway 30 s, tokens live 2 s
    for _ in range(5):
        assert client.call("user.current")["ID"] == "1"
    assert refreshes(fake_bitrix) == 0

    fake_bitrix.clock.advance(1.5)  # past half its life: renewed before the portal refuses it
    for _ in range(5):
        assert client.call("user.current")["ID"] == "1"
    assert refreshes(fake_bitrix) == 1 and refused_tokens(short_lived) == []


def test_after_a_refresh_the_rejected_token_is_never_sent_again(make_client, portal, fake_bitrix):
    saved = []
    client = make_client(portal, on_refresh=saved.append)
    first = client.token_holder.tokens  # lives an hour
    portal.token_lifetime = 2  # the pair issued next expires long before the first one would
    portal.fail("user.current", status=401, error="expired_token", description="The access token provided has expired.")

    for _ in range(4):
        assert client.call("user.current")["ID"] == "1"

    assert refreshes(fake_bitrix) == 1 and len(saved) == 1
    assert client.token_holder.tokens == saved[0] and saved[0].expires_at < first.expires_at
    assert refused_tokens(portal) == ["expired_token"]  # the first pair died with the refresh; never tried again


def test_a_pair_issued_later_wins_though_it_expires_sooner(make_client, portal, fake_bitrix, oauth):
    older = TokenSet.from_answer(portal.issue_tokens(), now=fake_bitrix.clock.now())
    ours = make_client(portal, tokens=older)
    portal.token_lifetime = 2
    fake_bitrix.clock.advance(0.2)
    newer = oauth.refresh(older.refresh_token)  # another worker refreshed: the older pair is dead
    make_client(portal, tokens=newer)  # ... and handed its pair to this process

    assert ours.call("user.current")["ID"] == "1"
    assert ours.token_holder.tokens == newer
    assert refreshes(fake_bitrix) == 1  # only the other worker's: ours took its pair
    assert refused_tokens(portal) == []  # the older pair was never sent


@pytest.mark.parametrize("expired", [True, False])
def test_a_refused_refresh_surfaces_at_once_as_stale(make_client, short_lived, fake_bitrix, expired):
    client = make_client(short_lived)
    assert client.call("user.current")["ID"] == "1"
    short_lived.revoke()  # the refresh token dies with the access token
    if expired:
        fake_bitrix.clock.advance(3)

    with pytest.raises(InvalidGrant) as refused:
        client.call("user.current")
    assert refused.value.stale and refused.value.reason
    assert refreshes(fake_bitrix) == 1
    assert short_lived.stats["by_method"]["user.current"] == (1 if expired else 2)
