"""What the service keeps of a portal's own data, deleted when the administrator asks for it."""
from storage.models import Field, Pipeline, PortalUser, Rule, Step

PORTAL_DATA = (PortalUser, Step, Pipeline, Field, Rule)


def delete_all(member_id: str) -> dict:
    """Delete the portal's synced rows and rules; {table: rows deleted}."""
    return {model._meta.table_name: model.delete().where(model.member_id == member_id).execute()
            for model in PORTAL_DATA}
