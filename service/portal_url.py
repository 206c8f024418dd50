"""What a portal address may be, and its one spelling."""
from urllib.parse import urlsplit

from errors import BadRequest


def normalise(url: str, allow_http: bool = False) -> str:
    """`scheme://host[:port]` of a portal, lower-cased; BadRequest naming what is wrong."""
    text = (url or "").strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise BadRequest("client_bitrix_url is not a valid URL") from None
    schemes = ("https", "http") if allow_http else ("https",)
    if parts.scheme.lower() not in schemes:
        raise BadRequest("client_bitrix_url must be an absolute https:// URL of the portal")
    host = (parts.hostname or "").rstrip(".")
    if not host or any(c in host for c in "\\ \t%"):
        raise BadRequest("client_bitrix_url has no valid host")
    if parts.username or parts.password:
        raise BadRequest("client_bitrix_url must not contain credentials")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise BadRequest("client_bitrix_url must be the portal address only, without path, query or fragment")
    if len(host) > 253:
        raise BadRequest("client_bitrix_url host is too long")
    netloc = host.lower() if port is None else f"{host.lower()}:{port}"
    return f"{parts.scheme.lower()}://{netloc}"


def subdomain(portal_url: str) -> str:
    """The first label of the portal host (`acme` of `https://acme.bitrix24.ru`)."""
    host = urlsplit(portal_url).hostname or ""
    return host.split(".")[0] if not host.replace(".", "").isdigit() else host


def origin(endpoint: str) -> str:
    """`scheme://host[:port]` of a REST endpoint (`https://acme.bitrix24.ru/rest/`), lower-cased."""
    parts = urlsplit(endpoint)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def secure_endpoint(endpoint: str, allow_http: bool) -> bool:
    """Whether tokens may be used at `endpoint`: https, or http where BITRIX_ALLOW_HTTP allows it."""
    scheme = urlsplit(endpoint).scheme
    return scheme == "https" or (allow_http and scheme == "http")


def same_portal(portal_url: str, address: str) -> bool:
    """Whether a portal URL and an address (a URL, or a callback's `host[:port]` domain) name the
    same host and port; a scheme's default port counts as no port."""
    ours = _host_port(portal_url)
    return ours is not None and ours == _host_port(address if "://" in address else f"//{address}")


def _host_port(url: str) -> tuple[str, int | None] | None:
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if port == {"https": 443, "http": 80}.get(parts.scheme.lower()):
        port = None
    return ((parts.hostname or "").rstrip(".").lower(), port) if parts.hostname else None
