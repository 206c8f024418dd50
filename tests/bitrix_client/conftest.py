"""Clients wired to the fake portal over real HTTP, with fast retries and a roomy limiter by default."""
import pytest

from bitrix_client import (
    BitrixClient,
    LeakyBucket,
    OAuthClient,
    OperatingBudget,
    RetryPolicy,
    TokenHolder,
    TokenSet,
)
from fake_bitrix import testing

# The fake's own fixtures, under their own names (an import would be shadowed by the arguments).
fake_bitrix = testing.fake_bitrix
fake_portal = testing.fake_portal
event_sink = testing.event_sink

FAST_RETRY = RetryPolicy(read_attempts=3, rate_limit_budget=20.0, base_delay=0.01, max_delay=0.2)


@pytest.fixture
def oauth(fake_bitrix):
    # Token answers are stamped on the fake clock, as the holders that use them read it.
    return OAuthClient(fake_bitrix.oauth_url, fake_bitrix.client_id, fake_bitrix.client_secret,
                       clock=fake_bitrix.clock.now)


@pytest.fixture
def portal(fake_portal):
    """The seeded portal with its bucket opened wide: tests about limits narrow it themselves."""
    fake_portal.set_limits(bucket=10_000, drain=10_000.0)
    return fake_portal


@pytest.fixture
def make_client(fake_bitrix, oauth):
    """`make_client(portal, ...)`: a client with tokens issued for that portal."""
    def make(portal, *, tokens=None, on_refresh=None, clock=None, limiter=None, refresh=None, **options):
        tokens = tokens or TokenSet.from_answer(portal.issue_tokens(), now=fake_bitrix.clock.now())
        holder = TokenHolder(tokens, oauth, on_refresh=on_refresh, refresh=refresh,
                             clock=clock or fake_bitrix.clock.now)
        options.setdefault("retry", FAST_RETRY)
        # The portal's reset times are on the fake clock: the budget must read the same clock.
        options.setdefault("operating", OperatingBudget(clock=fake_bitrix.clock.now))
        limiter = limiter or LeakyBucket(10_000, 10_000.0)
        return BitrixClient(holder, limiter=limiter, allow_http=True, **options)
    return make


@pytest.fixture
def client(make_client, portal):
    return make_client(portal)
