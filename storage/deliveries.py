"""Deliveries of quiz results: one per (account, resultID), with what became of it."""
import dataclasses
from datetime import datetime

from errors import Conflict, NotFound
from storage.columns import utcnow
from storage.db import insert_sql, run
from storage.listing import MAX_PAGE_SIZE, rfc3339
from storage.models import Delivery, DeliveryStatus
from storage.records import Delivery as DeliveryRecord
from storage.records import from_row

QUEUED, SENDING, DELIVERED, FAILED, HELD = (DeliveryStatus.QUEUED, DeliveryStatus.SENDING,
                                            DeliveryStatus.DELIVERED, DeliveryStatus.FAILED, DeliveryStatus.HELD)
PENDING = DeliveryStatus.PENDING
#: the columns a list shows: a result's payload may be hundreds of kilobytes, and a page holds 100
LISTED = [field for field in Delivery._meta.sorted_fields if field.name != "payload"]


def as_dict(row) -> dict:
    """A delivery (record or row) as the API shows it."""
    return {
        "resultID": row.result_id, "quizID": row.quiz_id, "status": row.status, "attempts": row.attempts,
        "leadID": row.lead_id, "dealID": row.deal_id, "contactID": row.contact_id, "companyID": row.company_id,
        "lastError": row.last_error, "problems": row.problems or [],
        "createdAt": rfc3339(row.created_at), "updatedAt": rfc3339(row.updated_at),
        "deliveredAt": rfc3339(row.delivered_at) if row.delivered_at else None,
    }


# Every submitted result: written out (storage/db.py `run`); a repeat of a resultID inserts nothing.
_NEW = ("account_id", "member_id", "quiz_id", "result_id", "payload", "status", "attempts", "problems",
        "next_attempt_at", "created_at", "updated_at")
INSERT_SQL = insert_sql("delivery", _NEW) + ' ON CONFLICT ("account_id", "result_id") DO NOTHING RETURNING "id"'


def submit(account_id: str, member_id: str, quiz_id: int, result_id: str, payload: dict,
           status: str = QUEUED) -> tuple[DeliveryRecord, bool]:
    """Store a result to deliver; (the existing delivery, False) when this resultID was submitted before."""
    now = utcnow()
    new = DeliveryRecord(id=0, account_id=account_id, member_id=member_id, quiz_id=quiz_id, result_id=result_id,
                         payload=payload, status=status, attempts=0, lead_id=None, deal_id=None, contact_id=None,
                         company_id=None, last_error=None, problems=[], next_attempt_at=now, created_at=now,
                         updated_at=now, delivered_at=None)
    inserted = run(INSERT_SQL, [getattr(Delivery, name).db_value(getattr(new, name)) for name in _NEW]).fetchone()
    if inserted is None:
        return get(account_id, result_id), False
    return dataclasses.replace(new, id=inserted[0]), True


def _row(account_id: str, result_id: str) -> Delivery:
    row = Delivery.get_or_none(Delivery.account_id == account_id, Delivery.result_id == result_id)
    if row is None:
        raise NotFound("result not found")
    return row


def get(account_id: str, result_id: str) -> DeliveryRecord:
    """The account's delivery of that result; NotFound when there is none."""
    return from_row(DeliveryRecord, _row(account_id, result_id))


def page(account_id: str, number: int, size: int, status: str | None = None,
         quiz_id: int | None = None) -> dict:
    """The account's delivery log, newest first, without the stored results (a page never needs them)."""
    query = Delivery.select(*LISTED).where(Delivery.account_id == account_id)
    if status:
        query = query.where(Delivery.status == status)
    if quiz_id:
        query = query.where(Delivery.quiz_id == quiz_id)
    size = min(size, MAX_PAGE_SIZE)
    rows = query.order_by(Delivery.id.desc()).offset((number - 1) * size).limit(size)
    return {"count": query.count(), "items": [as_dict(row) for row in rows]}


def due(member_id: str, limit: int) -> list[DeliveryRecord]:
    """The portal's deliveries waiting to be sent now, oldest first."""
    return [from_row(DeliveryRecord, row) for row in
            Delivery.select().where(Delivery.member_id == member_id, Delivery.status.in_(PENDING),
                                    Delivery.next_attempt_at <= utcnow())
            .order_by(Delivery.id).limit(limit)]


def next_due_at(member_id: str) -> datetime | None:
    """When the portal's earliest waiting delivery is due, or None when nothing waits."""
    row = (Delivery.select(Delivery.next_attempt_at)
           .where(Delivery.member_id == member_id, Delivery.status.in_(PENDING))
           .order_by(Delivery.next_attempt_at).first())
    return row.next_attempt_at if row else None


def portals_with_due() -> list[str]:
    """Every portal with deliveries due now."""
    return [row.member_id for row in
            Delivery.select(Delivery.member_id).distinct()
            .where(Delivery.status.in_(list(PENDING)), Delivery.next_attempt_at <= utcnow())]


def update(delivery_id: int, **values) -> None:
    """Record progress of one delivery (ids found or created, status, error)."""
    values["updated_at"] = utcnow()
    Delivery.update(**values).where(Delivery.id == delivery_id).execute()


def move_all(member_id: str, from_states, to_state: str, reason: str | None = None) -> int:
    """Move every delivery of a portal in `from_states` to `to_state` (held, released)."""
    values = {"status": to_state, "updated_at": utcnow()}
    if reason is not None:
        values["last_error"] = reason
    if to_state == QUEUED:
        values["next_attempt_at"] = utcnow()
    return (Delivery.update(**values)
            .where(Delivery.member_id == member_id, Delivery.status.in_(list(from_states))).execute())


def requeue_failed(account_id: str, result_id: str) -> DeliveryRecord:
    """A failed delivery, queued again with fresh attempts; Conflict when it is not failed."""
    row = _row(account_id, result_id)
    if row.status != FAILED:
        raise Conflict(f"only a failed delivery can be retried; this one is {row.status}")
    update(row.id, status=QUEUED, attempts=0, next_attempt_at=utcnow())
    return get(account_id, result_id)
