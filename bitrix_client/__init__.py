"""How the service talks to Bitrix24: OAuth, tokens, one `_call` per request, limits, lists, batch."""

from .batch import BatchResult, php_query
from .client import BitrixClient
from .error_table import error_for
from .errors import (
    ApiError,
    AppUninstalled,
    BitrixError,
    ExpiredToken,
    InsecureEndpoint,
    InsufficientScope,
    InvalidClient,
    InvalidGrant,
    InvalidToken,
    MethodNotFound,
    NotFound,
    OperationTimeLimit,
    PortalGone,
    PortalMoved,
    PortalOverloaded,
    PortalUnpaid,
    RateLimited,
    ServerError,
    TransportError,
    UnknownOAuthServer,
    UserDeactivated,
)
from .events import AppEvent, parse_event
from .limiter import LeakyBucket, limiter_for
from .lists import fetch_all, iter_list
from .oauth import OAuthClient, TokenSet
from .oauth_servers import DEFAULT_SERVERS, OAuthServers
from .operating import OperatingBudget, budget_for
from .retry import RetryPolicy, backoff
from .scan import fetch_all_by_id
from .tokens import TokenHolder

__all__ = [
    "DEFAULT_SERVERS", "ApiError", "AppEvent", "AppUninstalled", "BatchResult", "BitrixClient", "BitrixError",
    "ExpiredToken", "InsecureEndpoint", "InsufficientScope", "InvalidClient", "InvalidGrant", "InvalidToken",
    "LeakyBucket", "MethodNotFound", "NotFound", "OAuthClient", "OAuthServers", "OperatingBudget",
    "OperationTimeLimit", "PortalGone", "PortalMoved", "PortalOverloaded", "PortalUnpaid", "RateLimited",
    "RetryPolicy", "ServerError", "TokenHolder", "TokenSet", "TransportError", "UnknownOAuthServer",
    "UserDeactivated", "backoff", "budget_for", "error_for", "fetch_all", "fetch_all_by_id", "iter_list",
    "limiter_for", "parse_event", "php_query",
]
