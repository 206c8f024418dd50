"""Deliveries of quiz results: one row per (account, resultID), the state of its delivery."""
from peewee import BigAutoField, BigIntegerField, CharField, DateTimeField, IntegerField, Model, TextField

from storage.columns import JSONField, utcnow


def up(migrator, db):
    class Delivery(Model):
        id = BigAutoField()
        account_id = CharField(max_length=255)
        member_id = CharField(max_length=64)
        quiz_id = IntegerField()
        result_id = CharField(max_length=128)
        payload = JSONField()
        status = CharField(max_length=16, default="queued")
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
            database = db
            table_name = "delivery"
            indexes = ((("account_id", "result_id"), True), (("account_id", "id"), False),
                       (("member_id", "status", "next_attempt_at", "id"), False))

    db.create_tables([Delivery])
