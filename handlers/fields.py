from service import sync
from storage import accounts, fields


def list_fields(user, page, size, entity_id=None, field_type=None):
    return fields.page(accounts.connected_member_id(user), page, size, entity_id, field_type)


def sync_fields(ctx, user):
    return sync.request(ctx, user, "fields")
