from service import sync
from storage import accounts, users


def list_users(user, page, size, search=None):
    return users.page(accounts.connected_member_id(user), page, size, search)


def sync_users(ctx, user):
    return sync.request(ctx, user, "users")
