"""Headers every answer carries, and redirects that go only where the service itself says.

- `X-Content-Type-Options: nosniff` on every answer: a browser takes a JSON body for JSON only.
- `/ui/` may not be framed by another site (`X-Frame-Options` and CSP `frame-ancestors`).
- Answers of `/bitrix...` and `/webhook...` carry account data or an OAuth flow: `no-store`.
- The router's trailing-slash redirect (307/308) built its `Location` from the Host header and
  kept the query string (the OAuth callback's `code` included): it becomes the bare path. No
  handler answers 307 or 308 (the OAuth callback's 302 goes to the configured URL, untouched).
"""
from urllib.parse import urlsplit

from starlette.datastructures import MutableHeaders

PRIVATE_PREFIXES = ("/bitrix", "/webhook")


def _is_ui(path: str) -> bool:
    return path == "/ui" or path.startswith("/ui/")


def local_location(location: str) -> str:
    """The path of `location` alone, never readable as another host (`//host/...`)."""
    return "/" + urlsplit(location).path.lstrip("/")


def add_headers(path: str, start: dict) -> None:
    """Add the service's headers to an `http.response.start` message for `path` (web/access_log.py)."""
    headers = MutableHeaders(raw=start["headers"])
    headers["X-Content-Type-Options"] = "nosniff"
    if _is_ui(path):
        headers["X-Frame-Options"] = "DENY"
        headers["Content-Security-Policy"] = "frame-ancestors 'none'"
    if path.startswith(PRIVATE_PREFIXES):
        headers["Cache-Control"] = "no-store"
    if start["status"] in (307, 308) and "location" in headers:
        headers["Location"] = local_location(headers["location"])
