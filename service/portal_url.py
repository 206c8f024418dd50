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
