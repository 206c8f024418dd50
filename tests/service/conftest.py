"""Fixtures of the service tests."""
import pytest

from service import sync
from storage import db


@pytest.fixture
def portal(bound_portal, worker):
    """The fake portal connected to account-1 and synced."""
    with db.connection():
        sync.queue(bound_portal.member_id)
    worker.drain()
    return bound_portal
