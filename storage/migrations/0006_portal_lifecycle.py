"""What a portal's life in Bitrix24 needs kept: the OAuth server that serves it, the application
token its events carry (as a keyed hash), and the event handler bound on it."""
from peewee import CharField


def up(migrator, db):
    migrator.migrate(
        # NULL: the first entry of BITRIX_OAUTH_SERVERS (portals connected before the column existed).
        migrator.add_column("portal", "oauth_server", CharField(max_length=512, null=True)),
        migrator.add_column("portal", "application_token", CharField(max_length=128, null=True)),
        migrator.add_column("portal", "event_handler", CharField(max_length=1024, null=True)),
    )
