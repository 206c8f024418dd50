"""Durable background jobs (syncs, token refreshes, deliveries).

Two partial unique indexes carry the queue's rules: one queued job per (portal, kind, key) makes
repeated requests coalesce, and one running job per portal keeps a portal's rate limit whole
however many workers there are.
"""
from peewee import BigAutoField, CharField, DateTimeField, IntegerField, Model, TextField

from storage.columns import JSONField, utcnow


def up(migrator, db):
    class Job(Model):
        id = BigAutoField()
        kind = CharField(max_length=32)
        member_id = CharField(max_length=64)
        key = CharField(max_length=128, default="")
        payload = JSONField(null=True)
        state = CharField(max_length=16, default="queued")
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
            database = db
            table_name = "job"
            indexes = ((("state", "run_after", "priority", "id"), False),
                       (("member_id", "kind", "state"), False))

    db.create_tables([Job])
    db.execute_sql("CREATE UNIQUE INDEX job_one_queued ON job (member_id, kind, key) "
                   "WHERE state = 'queued'")
    db.execute_sql("CREATE UNIQUE INDEX job_one_running_per_portal ON job (member_id) "
                   "WHERE state = 'running'")
