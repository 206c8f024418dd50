"""The portal's browser side: ``/oauth/authorize/`` redirects to the app, or shows an error page."""
from urllib.parse import parse_qsl, urlencode

from .server import Request, Response, html_response

_ERROR_PAGE = """<!DOCTYPE html>
<html lang="ru"><head><meta charset="utf-8"><title>Ошибка авторизации</title></head>
<body><h1>Приложение не найдено</h1>
<p>Приложение не установлено на портале или указан неверный client_id.</p></body></html>"""


def redirect_location(redirect_uri: str, answer: dict) -> str:
    """The app's redirect URI with the approval parameters appended."""
    separator = "&" if "?" in redirect_uri else "?"
    return f"{redirect_uri}{separator}{urlencode(answer)}"


def authorize(portal, request: Request) -> Response:
    """302 to the app's redirect URI with a fresh code; the portal's own error page otherwise."""
    params = dict(parse_qsl(request.query, keep_blank_values=True))
    portal.counters.bump("authorize")
    if params.get("client_id") != portal.fake.client_id or portal.state == "deleted":
        return html_response(200, _ERROR_PAGE)
    answer = portal.approve(params.get("state"))
    location = redirect_location(portal.fake.redirect_uri, answer)
    return Response(302, b"", "text/html; charset=utf-8", {"Location": location})
