"""A portal's data, in the shapes the REST API answers with; tests may read and change it freely.

Keep ``users`` in ID order (append users with higher IDs): list methods rely on it for fast scans.
"""
import threading
from dataclasses import dataclass, field

from .envelope import iso

ENTITY_TYPES = ("lead", "deal", "contact", "company")
MULTI_FIELDS = ("PHONE", "EMAIL", "WEB", "IM", "LINK")


@dataclass
class PortalData:
    users: list = field(default_factory=list)
    departments: list = field(default_factory=list)
    categories: dict = field(default_factory=dict)  # entityTypeId -> [category]
    statuses: list = field(default_factory=list)
    userfields: dict = field(default_factory=dict)  # "lead" -> [userfield], labels as {lang: text}
    entities: dict = field(default_factory=lambda: {name: {} for name in ENTITY_TYPES})  # "lead" -> {id: row}
    app: dict = field(default_factory=dict)  # what app.info answers
    _next_ids: dict = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def user(self, user_id) -> dict | None:
        """The user with that ID, or None."""
        wanted = str(user_id)
        return next((user for user in self.users if user["ID"] == wanted), None)

    def deal_stages(self, category_id) -> list:
        """Stages of one deal pipeline, in order."""
        entity = "DEAL_STAGE" if str(category_id) == "0" else f"DEAL_STAGE_{category_id}"
        stages = [status for status in self.statuses if status["ENTITY_ID"] == entity]
        return sorted(stages, key=lambda status: int(status["SORT"]))

    def add_entity(self, entity: str, fields: dict, user_id: int = 1, when: float = 0.0) -> int:
        """Store a new lead/deal/contact/company as ``crm.*.add`` would; returns the new ID."""
        with self._lock:
            new_id = self._take_id(entity)
            row = {"ID": str(new_id)}
            row.update(_defaults(self, entity, fields, user_id, when))
            for name, value in fields.items():
                if name.upper() in MULTI_FIELDS:
                    row[name.upper()] = self._multi(name.upper(), value or [])
                elif name.upper() != "ID":
                    row[name.upper()] = _as_string(value)
            if entity != "deal":
                _mark_communications(row)
            self.entities[entity][new_id] = row
        return new_id

    def rows(self, entity: str) -> list:
        """A snapshot of one entity type's rows, in ID order."""
        with self._lock:
            return list(self.entities[entity].values())

    def delete_entity(self, entity: str, row_id: int) -> None:
        with self._lock:
            self.entities[entity].pop(row_id, None)

    def update_entity(self, entity: str, row: dict, fields: dict, user_id: int, when: float) -> None:
        """Apply ``crm.*.update`` fields; multi-field entries with an ID change it, DELETE=Y drops it."""
        with self._lock:
            for name, value in fields.items():
                name = name.upper()
                if name in MULTI_FIELDS:
                    row[name] = self._merge_multi(name, row.get(name, []), value or [])
                elif name != "ID":
                    row[name] = _as_string(value)
            row["DATE_MODIFY"], row["MODIFY_BY_ID"] = iso(when), str(user_id)
            if entity != "deal":
                _mark_communications(row)

    def _take_id(self, kind: str) -> int:
        self._next_ids[kind] = self._next_ids.get(kind, 0) + 1
        return self._next_ids[kind]

    def _multi(self, type_id: str, values) -> list:
        entries = values if isinstance(values, list) else list(values.values())
        return [{"ID": str(self._take_id("multifield")), "VALUE_TYPE": entry.get("VALUE_TYPE") or "WORK",
                 "VALUE": str(entry["VALUE"]), "TYPE_ID": type_id}
                for entry in entries if isinstance(entry, dict) and entry.get("VALUE")]

    def _merge_multi(self, type_id: str, current: list, changes) -> list:
        merged = {entry["ID"]: entry for entry in current}
        for change in changes if isinstance(changes, list) else list(changes.values()):
            known = merged.get(str(change.get("ID", "")))
            if known is None:
                merged.update({entry["ID"]: entry for entry in self._multi(type_id, [change])})
            elif str(change.get("DELETE", "")).upper() == "Y" or not change.get("VALUE", known["VALUE"]):
                del merged[known["ID"]]
            else:
                known.update(VALUE=str(change.get("VALUE", known["VALUE"])),
                             VALUE_TYPE=change.get("VALUE_TYPE", known["VALUE_TYPE"]))
        return list(merged.values())


def _mark_communications(row: dict) -> None:
    for name in ("PHONE", "EMAIL"):
        row[f"HAS_{name}"] = "Y" if row.get(name) else "N"


def _as_string(value):
    """Legacy CRM answers numbers as strings."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        return [_as_string(item) for item in value]
    return value


def _defaults(data: PortalData, entity: str, fields: dict, user_id: int, when: float) -> dict:
    stamp, user = iso(when), str(user_id)
    row = {"DATE_CREATE": stamp, "DATE_MODIFY": stamp, "CREATED_BY_ID": user, "MODIFY_BY_ID": user,
           "ASSIGNED_BY_ID": user, "OPENED": "Y", "COMMENTS": None, "ORIGIN_ID": None, "ORIGINATOR_ID": None,
           "SOURCE_ID": None, "UTM_SOURCE": None, "UTM_MEDIUM": None, "UTM_CAMPAIGN": None,
           "UTM_CONTENT": None, "UTM_TERM": None}
    if entity in ("lead", "deal"):
        row.update(TITLE=None, OPPORTUNITY="0.00", CURRENCY_ID="RUB", IS_RETURN_CUSTOMER="N")
    if entity == "lead":
        row.update(NAME=None, SECOND_NAME=None, LAST_NAME=None, STATUS_ID="NEW", STATUS_SEMANTIC_ID="P")
    elif entity == "deal":
        category = str(fields.get("CATEGORY_ID", "0") or "0")
        stages = data.deal_stages(category)
        row.update(CATEGORY_ID=category, STAGE_ID=stages[0]["STATUS_ID"] if stages else "NEW", TYPE_ID="SALE",
                   STAGE_SEMANTIC_ID="P", CLOSED="N", CONTACT_ID=None, COMPANY_ID=None)
    elif entity == "contact":
        row.update(NAME=None, SECOND_NAME=None, LAST_NAME=None, TYPE_ID="CLIENT", POST=None, COMPANY_ID=None)
    else:
        row.update(TITLE=None, COMPANY_TYPE="CUSTOMER", INDUSTRY=None, EMPLOYEES=None, CURRENCY_ID="RUB")
    return row
