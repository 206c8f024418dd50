"""How the service talks to Bitrix24: OAuth, tokens, one `_call` per request, limits, lists, batch."""

from .batch import BatchResult, php_query
from .client import BitrixClient
from .errors import (
    ApiError,
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
    PortalUnpaid,
    RateLimited,
    ServerError,
    TransportError,
    error_for,
)
from .limiter import LeakyBucket, limiter_for
from .lists import fetch_all, iter_list
from .oauth import OAuthClient, TokenSet
from .retry import RetryPolicy, backoff
from .scan import fetch_all_by_id
from .tokens import TokenHolder

__all__ = [
    "ApiError", "BatchResult", "BitrixClient", "BitrixError", "ExpiredToken", "InsecureEndpoint",
    "InsufficientScope", "InvalidClient", "InvalidGrant", "InvalidToken", "LeakyBucket",
    "MethodNotFound", "NotFound", "OAuthClient", "OperationTimeLimit", "PortalGone", "PortalMoved",
    "PortalUnpaid", "RateLimited", "RetryPolicy", "ServerError", "TokenHolder", "TokenSet",
    "TransportError", "backoff", "error_for", "fetch_all", "fetch_all_by_id", "iter_list", "limiter_for",
    "php_query",
]
