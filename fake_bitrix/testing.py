"""Pytest fixtures: ``fake_bitrix`` (a started FakeBitrix), ``fake_portal`` (one small seeded portal)
and ``event_sink`` (a loopback URL recording what the portal posts to it).

Use them from a conftest.py: ``from fake_bitrix.testing import fake_bitrix, fake_portal  # noqa: F401``.
"""
from urllib.parse import parse_qsl

import pytest

from .fake import FakeBitrix
from .server import Listener, Request, Response

CLIENT_ID = "local.test.app"
CLIENT_SECRET = "test-secret"
REDIRECT_URI = "http://127.0.0.1:8080/webhook/create"


@pytest.fixture
def fake_bitrix():
    """A started FakeBitrix on free loopback ports, stopped after the test."""
    with FakeBitrix(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, redirect_uri=REDIRECT_URI) as fake:
        yield fake


@pytest.fixture
def fake_portal(fake_bitrix):
    """One portal with a small realistic seed: 30 users, three deal pipelines, every user field type."""
    return fake_bitrix.add_portal(users=30, seed=1)


class EventSink:
    """An event handler on loopback: records each posted form (flat keys) and answers ``status``."""

    def __init__(self):
        self.received: list[dict] = []
        self.content_types: list[str] = []
        self.status = 200
        self.listener = Listener(self._serve)

    @property
    def url(self) -> str:
        return f"{self.listener.url}/handler/"

    def _serve(self, request: Request) -> Response:
        self.content_types.append(request.content_type)
        self.received.append(dict(parse_qsl(request.body.decode(), keep_blank_values=True)))
        return Response(self.status, b"OK", "text/plain")


@pytest.fixture
def event_sink():
    """A started ``EventSink``, stopped after the test."""
    sink = EventSink()
    sink.listener.start()
    yield sink
    sink.listener.stop()
