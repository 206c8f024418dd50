"""Pending OAuth authorisations (one row per issued `state`, consumed once by the callback),
and at most one live connection per platform account."""
from peewee import BigIntegerField, CharField, DateTimeField, Model

from storage.columns import utcnow


def up(migrator, db):
    class OAuthState(Model):
        nonce = CharField(max_length=64, primary_key=True)
        account_id = CharField(max_length=255, index=True)
        portal_url = CharField(max_length=512)
        expires_at = BigIntegerField()
        used_at = DateTimeField(null=True)
        created_at = DateTimeField(default=utcnow)

        class Meta:
            database = db
            table_name = "oauth_state"

    db.create_tables([OAuthState])
    # One live connection per platform account, even when two requests race to create it.
    db.execute_sql("CREATE UNIQUE INDEX account_live_account_id ON account (account_id) "
                   "WHERE deleted = false")
