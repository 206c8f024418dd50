"""Tables of the service. Every portal-owned row carries the portal's member_id.

Only `storage/` imports these classes: the rest of the service gets plain records
(`storage/records.py`) and changes rows through storage functions.
"""
from peewee import (
    SQL,
    BigAutoField,
    BigIntegerField,
    BooleanField,
    CharField,
    DateTimeField,
    IntegerField,
    Model,
    TextField,
)

from storage.columns import JSONField, utcnow
from storage.db import database


class CrmMode:
    """`crm.settings.mode.get`: classic CRM has leads; simple CRM turns each new lead into a deal at once."""
    CLASSIC, SIMPLE = 1, 2


class JobState:
    """The life of a job (storage/job_queue.py)."""
    QUEUED, RUNNING, DONE, FAILED, HELD = "queued", "running", "done", "failed", "held"


class DeliveryStatus:
    """The life of a delivery (storage/deliveries.py); the spec's `DeliveryStatus` enum."""
    QUEUED, SENDING, DELIVERED, FAILED, HELD = "queued", "sending", "delivered", "failed", "held"
    PENDING = (QUEUED, SENDING)


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class Portal(BaseModel):
    """A Bitrix24 portal the application is installed on, with its (encrypted) OAuth tokens."""
    id = BigAutoField()
    member_id = CharField(max_length=64, unique=True)
    domain = CharField(max_length=255)
    client_endpoint = CharField(max_length=512)
    # Fernet tokens (storage/crypto.py): the plain tokens never reach the database.
    access_token = TextField(null=True)
    refresh_token = TextField(null=True)
    expires_at = BigIntegerField(default=0)
    stale = BooleanField(default=False)
    stale_reason = TextField(null=True)
    refreshed_at = DateTimeField(null=True)
    created_at = DateTimeField(default=utcnow)
    crm_mode = IntegerField(default=CrmMode.CLASSIC, constraints=[SQL("DEFAULT 1")])  # read by pipelines syncs
    oauth_server = CharField(max_length=512, null=True)  # NULL: the first of BITRIX_OAUTH_SERVERS
    # HMAC of the application_token events carry (storage/crypto.py): recognised, never kept in clear.
    application_token = CharField(max_length=128, null=True)
    event_handler = CharField(max_length=1024, null=True)  # the ONAPPUNINSTALL handler bound on it


class Account(BaseModel):
    """A platform account's connection to a portal (pending until the OAuth callback binds it)."""
    id = BigAutoField()
    account_id = CharField(max_length=255)
    portal_url = CharField(max_length=512)
    member_id = CharField(max_length=64, null=True, index=True)
    subdomain = CharField(max_length=255, null=True)
    deleted = BooleanField(default=False)
    created_at = DateTimeField(default=utcnow)
    connected_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("account_id", "deleted"), False),)


# One live connection per platform account (migration 0002).
Account.add_index(Account.index(Account.account_id, unique=True,
                                name="account_live_account_id").where(SQL("deleted = false")))


class PortalUser(BaseModel):
    id = BigAutoField()
    member_id = CharField(max_length=64)
    bitrix_id = CharField(max_length=64)
    name = TextField(default="")
    last_name = TextField(default="")
    second_name = TextField(default="")
    title = TextField(default="")
    email = TextField(default="")
    departments = JSONField(default=list)
    work_position = TextField(default="")
    active = BooleanField(default=True)
    deleted = BooleanField(default=False)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    # name, last name, e-mail and position folded for search (storage/user_search.py; migration 0007)
    search_text = TextField(default="")

    class Meta:
        indexes = ((("member_id", "bitrix_id"), True), (("member_id", "deleted", "id"), False))


class Pipeline(BaseModel):
    id = BigAutoField()
    member_id = CharField(max_length=64)
    entity_type_id = IntegerField()
    bitrix_id = IntegerField()
    name = TextField(default="")
    sort = IntegerField(default=0)
    is_default = BooleanField(default=False)
    deleted = BooleanField(default=False)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("member_id", "entity_type_id", "bitrix_id"), True),
                   (("member_id", "deleted", "id"), False))


class Step(BaseModel):
    id = BigAutoField()
    member_id = CharField(max_length=64)
    bitrix_id = CharField(max_length=64)
    entity_id = CharField(max_length=128)
    status_id = CharField(max_length=128)
    name = TextField(default="")
    name_init = TextField(default="")
    color = CharField(max_length=32, default="")
    pipeline_id = IntegerField(null=True)
    sort = IntegerField(default=0)
    semantics = CharField(max_length=16, default="")
    deleted = BooleanField(default=False)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("member_id", "bitrix_id"), True), (("member_id", "deleted", "id"), False),
                   (("member_id", "entity_id", "status_id"), False))


class Field(BaseModel):
    id = BigAutoField()
    member_id = CharField(max_length=64)
    bitrix_id = CharField(max_length=64)
    entity_id = CharField(max_length=64)
    field_name = CharField(max_length=128)
    label = TextField(default="")
    field_type = CharField(max_length=64)
    bitrix_type = CharField(max_length=128)
    multiple = BooleanField(default=False)
    mandatory = BooleanField(default=False)
    items = JSONField(default=list)
    deleted = BooleanField(default=False)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("member_id", "bitrix_id"), True), (("member_id", "deleted", "id"), False),
                   (("member_id", "entity_id", "field_name"), False))


class Rule(BaseModel):
    """How a quiz's results become a lead or deal in the portal."""
    id = BigAutoField()
    member_id = CharField(max_length=64)
    account_id = CharField(max_length=255)
    quiz_id = IntegerField()
    lead_flag = BooleanField(default=False)
    performer_id = CharField(max_length=64, default="")
    pipeline_id = IntegerField(default=0)
    type_id = CharField(max_length=128, default="")
    stage_id = CharField(max_length=128, default="")
    source_id = CharField(max_length=128, default="")
    status_id = CharField(max_length=128, default="")
    fields_rule = JSONField(default=dict)
    tags_to_add = JSONField(default=dict)
    deleted = BooleanField(default=False)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)


# One live rule per portal and quiz; deleted rules stay as history and free the slot.
Rule.add_index(Rule.index(Rule.member_id, Rule.quiz_id, unique=True,
                          name="rule_member_quiz_live").where(SQL("deleted = false")))

class OAuthState(BaseModel):
    """An issued OAuth `state`: bound to the account and the portal asked for; single-use."""
    nonce = CharField(max_length=64, primary_key=True)
    account_id = CharField(max_length=255, index=True)
    portal_url = CharField(max_length=512)
    expires_at = BigIntegerField()
    used_at = DateTimeField(null=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "oauth_state"


class Job(BaseModel):
    """A unit of background work for one portal (see storage/job_queue.py for its life cycle)."""
    id = BigAutoField()
    kind = CharField(max_length=32)
    member_id = CharField(max_length=64)
    key = CharField(max_length=128, default="")
    payload = JSONField(null=True)
    state = CharField(max_length=16, default=JobState.QUEUED)
    priority = IntegerField(default=100)
    attempts = IntegerField(default=0)
    run_after = DateTimeField(default=utcnow)
    lease_until = DateTimeField(null=True)
    worker = CharField(max_length=128, null=True)
    last_error = TextField(null=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    finished_at = DateTimeField(null=True)

    class Meta:
        table_name = "job"
        indexes = ((("state", "run_after", "priority", "id"), False),
                   (("member_id", "kind", "state"), False))


class Delivery(BaseModel):
    """A quiz result to deliver into a portal, and what became of it."""
    id = BigAutoField()
    account_id = CharField(max_length=255)
    member_id = CharField(max_length=64)
    quiz_id = IntegerField()
    result_id = CharField(max_length=128)
    payload = JSONField()
    status = CharField(max_length=16, default=DeliveryStatus.QUEUED)
    attempts = IntegerField(default=0)
    next_attempt_at = DateTimeField(default=utcnow)
    lead_id = BigIntegerField(null=True)
    deal_id = BigIntegerField(null=True)
    contact_id = BigIntegerField(null=True)
    company_id = BigIntegerField(null=True)
    last_error = TextField(null=True)
    problems = JSONField(default=list)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    delivered_at = DateTimeField(null=True)

    class Meta:
        table_name = "delivery"
        indexes = ((("account_id", "result_id"), True), (("account_id", "id"), False),
                   (("member_id", "status", "next_attempt_at", "id"), False))


# The queue's rules (migration 0003): one queued job per (portal, kind, key) makes repeated
# requests coalesce; one running job per portal keeps a portal's rate limit whole.
Job.add_index(Job.index(Job.member_id, Job.kind, Job.key, unique=True,
                        name="job_one_queued").where(SQL("state = 'queued'")))
Job.add_index(Job.index(Job.member_id, unique=True,
                        name="job_one_running_per_portal").where(SQL("state = 'running'")))

# The lists' filters (migration 0007): each index starts with the portal's live rows, holds the
# filtered columns and ends in the list's order, so a filtered page and its count are one index scan.
PortalUser.add_index(PortalUser.index(PortalUser.member_id, PortalUser.deleted, PortalUser.id,
                                      PortalUser.search_text, name="portal_user_search"))
Step.add_index(Step.index(Step.member_id, Step.deleted, Step.entity_id, Step.sort, Step.id,
                          name="step_by_entity"))
Step.add_index(Step.index(Step.member_id, Step.deleted, Step.pipeline_id, Step.entity_id, Step.sort, Step.id,
                          name="step_by_pipeline"))
Pipeline.add_index(Pipeline.index(Pipeline.member_id, Pipeline.deleted, Pipeline.entity_type_id, Pipeline.id,
                                  name="pipeline_by_entity_type"))
Field.add_index(Field.index(Field.member_id, Field.deleted, Field.entity_id, Field.field_type, Field.id,
                            name="field_by_entity"))
Field.add_index(Field.index(Field.member_id, Field.deleted, Field.field_type, Field.id, name="field_by_type"))

MODELS = [Portal, Account, PortalUser, Pipeline, Step, Field, Rule, OAuthState, Job, Delivery]
