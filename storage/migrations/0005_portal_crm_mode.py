"""The portal's CRM mode (crm.settings.mode.get): 1 classic, with leads; 2 simple, without leads."""
from peewee import IntegerField


def up(migrator, db):
    migrator.migrate(migrator.add_column("portal", "crm_mode", IntegerField(default=1)))
