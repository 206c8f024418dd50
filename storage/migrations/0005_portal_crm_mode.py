"""The portal's CRM mode (crm.settings.mode.get): 1 classic, with leads; 2 simple, without leads."""
from peewee import SQL, IntegerField


def up(migrator, db):
    # A default in the database too, so rows written by plain SQL (tools, seeds) get classic CRM.
    migrator.migrate(migrator.add_column("portal", "crm_mode",
                                         IntegerField(default=1, constraints=[SQL("DEFAULT 1")])))
