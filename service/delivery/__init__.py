"""Delivering quiz results into Bitrix24 by the quiz's rule, once each, through the job queue."""
from errors import BadRequest, NotFound
from service import portal_client
from service.delivery.send import deliver_chunk
from service.quiz_keys import QUESTION_ID, is_question_id, shown
from storage import accounts, deliveries, job_queue, portals, rules
from storage.columns import utcnow
from storage.db import transaction

JOB_KIND = "deliver"
# Before the other kinds (100): a person waits for a result, while a list re-sync can wait.
JOB_PRIORITY = 50


def queue(member_id: str, run_after=None) -> bool:
    """Queue the portal's `deliver` job (coalescing with a queued one); True when added."""
    return job_queue.enqueue(member_id, JOB_KIND, priority=JOB_PRIORITY, run_after=run_after)


def submit(ctx, account_id: str, body: dict) -> tuple[dict, int]:
    """Store a result and queue its delivery: (record, 202), or (existing record, 200) for a repeat."""
    member_id = accounts.connected_member_id(account_id)
    quiz_id = body["quizID"]
    if not rules.has_live(member_id, quiz_id):
        raise NotFound(f"quiz {quiz_id} has no rule: nothing to deliver")
    for question in body.get("answers") or {}:
        if not is_question_id(question):
            raise BadRequest(f"answers: key {shown(question)} is not {QUESTION_ID}")
    status = deliveries.QUEUED if portals.is_usable(member_id) else deliveries.HELD
    delivery, created = deliveries.submit(account_id, member_id, quiz_id, body["resultID"], body, status)
    if created:
        # Not in one transaction with the insert, on purpose (it saves two statements on the busiest
        # path): should the process die in between, the worker's duties queue the job within 30 s.
        queue(member_id)
    return deliveries.as_dict(delivery), 202 if created else 200


def get(account_id: str, result_id: str) -> dict:
    return deliveries.as_dict(deliveries.get(account_id, result_id))


def results_page(account_id: str, page: int, size: int, status=None, quiz_id=None) -> dict:
    """A page of the account's deliveries, newest first."""
    return deliveries.page(account_id, page, size, status, quiz_id)


def retry(account_id: str, result_id: str) -> dict:
    """Queue a failed delivery again."""
    with transaction():
        delivery = deliveries.requeue_failed(account_id, result_id)
        queue(delivery.member_id)
    return deliveries.as_dict(delivery)


def run_job(ctx, job) -> None:
    """The `deliver` job: send one chunk of what is due for the portal, and come back for the rest.

    More due now: queued again as due now, so behind every job that was already waiting; portals
    with a backlog take turns, and one result of another portal waits for one chunk, not a backlog.
    """
    client = portal_client.client_for(ctx, job.member_id)
    # Results held while the portal refused work for now (OVERLOAD_LIMIT) are tried again with this run.
    deliveries.move_all(job.member_id, [deliveries.HELD], deliveries.QUEUED)
    deliver_chunk(ctx, client, job.member_id)
    later = deliveries.next_due_at(job.member_id)
    if later is not None:
        queue(job.member_id, run_after=max(later, utcnow()))


def hold(job, reason: str) -> None:
    """The portal cannot be used: its waiting deliveries are held until it is connected again."""
    hold_portal(job.member_id, reason)


def hold_portal(member_id: str, reason: str) -> None:
    deliveries.move_all(member_id, deliveries.PENDING, deliveries.HELD, reason)


def release(member_id: str) -> None:
    """The portal was connected again: held deliveries go out."""
    if deliveries.move_all(member_id, [deliveries.HELD], deliveries.QUEUED):
        queue(member_id)
