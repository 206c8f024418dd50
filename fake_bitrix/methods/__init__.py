"""REST methods of the fake portal; importing this package registers them all."""
from . import batch, catalog, crm_mode, duplicates, entities, events, userfields, users  # noqa: F401  (registration)
from .registry import METHODS, Call, invoke

__all__ = ["METHODS", "Call", "invoke"]
