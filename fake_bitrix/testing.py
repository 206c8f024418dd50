"""Pytest fixtures: ``fake_bitrix`` (a started FakeBitrix) and ``fake_portal`` (one small seeded portal).

Use them from a conftest.py: ``from fake_bitrix.testing import fake_bitrix, fake_portal  # noqa: F401``.
"""
import pytest

from .fake import FakeBitrix

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
