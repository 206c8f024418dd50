"""Delivering quiz results into Bitrix24 by the quiz's rule, once each, through the job queue."""
from errors import BadRequest, NotFound
from service import portal_client
from service.delivery.send import deliver_pending
from service.quiz_keys import QUESTION_ID, is_question_id, shown
from storage import accounts, deliveries, job_queue, portals, rules
from storage.db import transaction

JOB_KIND = "deliver"


def submit(ctx, account_id: str, body: dict) -> tuple[dict, int]:
    """Store a result and queue its delivery: (record, 202), or (existing record, 200) for a repeat."""
    member_id = accounts.connected_member_id(account_id)
    quiz_id = body["quizID"]
    if rules.live(member_id, quiz_id) is None:
        raise NotFound(f"quiz {quiz_id} has no rule: nothing to deliver")
    for question in body.get("answers") or {}:
        if not is_question_id(question):
            raise BadRequest(f"answers: key {shown(question)} is not {QUESTION_ID}")
    status = deliveries.QUEUED if portals.is_usable(ctx.cipher, member_id) else deliveries.HELD
    with transaction():
        delivery, created = deliveries.submit(account_id, member_id, quiz_id, body["resultID"], body, status)
        if created:
            job_queue.enqueue(member_id, JOB_KIND)
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
        job_queue.enqueue(delivery.member_id, JOB_KIND)
    return deliveries.as_dict(delivery)


def run_job(ctx, job) -> None:
    """The `deliver` job: send what is due for the portal, and come back when the rest is due."""
    client = portal_client.client_for(ctx, job.member_id)
    # Results held while the portal refused work for now (OVERLOAD_LIMIT) are tried again with this run.
    deliveries.move_all(job.member_id, [deliveries.HELD], deliveries.QUEUED)
    deliver_pending(ctx, client, job.member_id)
    later = deliveries.next_due_at(job.member_id)
    if later is not None:
        job_queue.enqueue(job.member_id, JOB_KIND, run_after=later)


def hold(job, reason: str) -> None:
    """The portal cannot be used: its waiting deliveries are held until it is connected again."""
    hold_portal(job.member_id, reason)


def hold_portal(member_id: str, reason: str) -> None:
    deliveries.move_all(member_id, deliveries.PENDING, deliveries.HELD, reason)


def release(member_id: str) -> None:
    """The portal was connected again: held deliveries go out."""
    if deliveries.move_all(member_id, [deliveries.HELD], deliveries.QUEUED):
        job_queue.enqueue(member_id, JOB_KIND)
