from service import sync
from storage import accounts, fields


def list_fields(user, page, size):
    return fields.page(accounts.connected_member_id(user), page, size)


def sync_fields(ctx, user):
    return sync.request(ctx, user, "fields")
