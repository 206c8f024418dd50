"""The OAuth state: only ours, only once, only in time, only for the account it was issued to."""
import pytest

from errors import BadRequest
from service.oauth_state import LIFETIME, StateSigner
from storage import db
from tests.conftest import TEST_SECRET_KEY


class Clock:
    def __init__(self):
        self.now = 1_800_000_000.0

    def __call__(self):
        return self.now


@pytest.fixture
def signer(database_url):
    clock = Clock()
    with db.connection():
        yield StateSigner(TEST_SECRET_KEY, clock=clock), clock


def test_issued_state_is_consumed_once(signer):
    states, _ = signer
    state = states.issue("account-1", "https://acme.bitrix24.ru")
    pending = states.consume(state)
    assert (pending.account_id, pending.portal_url) == ("account-1", "https://acme.bitrix24.ru")
    with pytest.raises(BadRequest, match="already used"):
        states.consume(state)


def test_expired_state_is_refused(signer):
    states, clock = signer
    state = states.issue("account-1", "https://acme.bitrix24.ru")
    clock.now += LIFETIME + 1
    with pytest.raises(BadRequest, match="expired"):
        states.consume(state)


def test_state_signed_with_another_key_is_refused(signer):
    states, _ = signer
    forged = StateSigner("another-secret-key").issue("account-1", "https://acme.bitrix24.ru")
    with pytest.raises(BadRequest, match="invalid state"):
        states.consume(forged)


@pytest.mark.parametrize("garbage", ["", "abc", "a.b.c", "e30.AAAA", "%%%.###"])
def test_garbage_is_refused(signer, garbage):
    states, _ = signer
    with pytest.raises(BadRequest):
        states.consume(garbage)


def test_state_moved_to_another_account_is_refused(signer):
    states, _ = signer
    import base64
    import json
    state = states.issue("account-1", "https://acme.bitrix24.ru")
    body, mac = state.split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    claims["a"] = "account-2"
    tampered = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    with pytest.raises(BadRequest):
        states.consume(f"{tampered}.{mac}")


def test_newer_request_replaces_the_pending_one(signer):
    states, _ = signer
    first = states.issue("account-1", "https://one.bitrix24.ru")
    second = states.issue("account-1", "https://two.bitrix24.ru")
    with pytest.raises(BadRequest, match="replaced"):
        states.consume(first)
    assert states.consume(second).portal_url == "https://two.bitrix24.ru"


def test_other_accounts_states_are_independent(signer):
    states, _ = signer
    mine = states.issue("account-1", "https://one.bitrix24.ru")
    states.issue("account-2", "https://two.bitrix24.ru")
    assert states.consume(mine).account_id == "account-1"
