from service import sync
from storage import accounts, steps


def list_steps(user, page, size):
    return steps.page(accounts.connected_member_id(user), page, size)


def sync_steps(ctx, user):
    return sync.request(ctx, user, "steps")
