"""A faithful fake Bitrix24 (OAuth server and portals) serving real HTTP on loopback.

Where the real API is not documented the fake picks one behaviour and makes it switchable:
insufficient_scope answers 401 (``portal.scope_error_status``), PORTAL_DELETED 410
(``portal.deleted_status``), a batch of more than 50 commands fails whole with 400
(``portal.batch_overflow = "command"`` fails only the surplus), an unknown client_id gets
400 invalid_client (``FakeBitrix(unknown_client_error="wrong_client")`` answers 200), and
``crm.status.list`` / ``crm.*.userfield.list`` page by 50 like every other list. Also
switchable: the status of each unusable portal's error (``portal.overload_status`` 503,
``blocked_status`` 403, ...), what pairs killed by an uninstall get (``portal.uninstalled_rest_error``,
``fake.uninstalled_refresh_error``), whether events carry ``event_handler_id``
(``portal.send_event_handler_id``), and an OAuth server that refuses POST (``oauth_host.refuse_post``).
``docs/bitrix24.md`` lists every behaviour with its source.
"""
from .fake import FakeBitrix
from .portal import Portal

__all__ = ["FakeBitrix", "Portal"]
