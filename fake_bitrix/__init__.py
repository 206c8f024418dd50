"""A faithful fake Bitrix24 (OAuth server and portals) serving real HTTP on loopback.

Where the real API is not documented the fake picks one behaviour and makes it switchable:
insufficient_scope answers 401 (``portal.scope_error_status``), PORTAL_DELETED 410
(``portal.deleted_status``), a batch of more than 50 commands fails whole with 400
(``portal.batch_overflow = "command"`` fails only the surplus), an unknown client_id gets
400 invalid_client (``FakeBitrix(unknown_client_error="wrong_client")`` answers 200), and
``crm.status.list`` / ``crm.*.userfield.list`` page by 50 like every other list, a link to an item
that does not exist is stored (``portal.link_check = "read"`` refuses it), and in simple CRM mode a
converted lead cannot be read back (``portal.converted_leads = "visible"`` lets it be read). Also
switchable: the status of each unusable portal's error (``portal.overload_status`` 503,
``blocked_status`` 403, ...), what pairs killed by an uninstall get (``portal.uninstalled_rest_error``,
``fake.uninstalled_refresh_error``), whether events carry ``event_handler_id``
(``portal.send_event_handler_id``), and an OAuth server that refuses POST (``oauth_host.refuse_post``).

Per portal, tests can also set a latency (``set_latency``), the CRM mode (``set_crm_mode``), limits
(``set_limits``) and failures (``fail``, ``refuse``, ``lose_answer``: see ``faults.py``). What the
fake imitates, with its sources, is written down in docs/bitrix24.md.
"""
from .fake import FakeBitrix
from .portal import Portal

__all__ = ["FakeBitrix", "Portal"]
