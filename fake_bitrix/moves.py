"""A portal's old address after it moved: every request is answered with a redirect to the new one.

The docs (``settings/how-to-call-rest-api/change-domen.md``) say the old address answers with 301
or 302 and a ``Location`` on the new address; the path and query string are kept.
"""
from .server import Request, Response


def redirect_app(portal, status: int = 302):
    """``app(request)`` for the old listener of ``portal``."""
    def redirect(request: Request) -> Response:
        portal.counters.bump("redirected")
        location = portal.url + request.path + (f"?{request.query}" if request.query else "")
        return Response(status, b"", "text/html; charset=utf-8", {"Location": location})
    return redirect
