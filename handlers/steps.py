from service import sync
from storage import accounts, steps


def list_steps(user, page, size, entity_id=None, pipeline_id=None):
    return steps.page(accounts.connected_member_id(user), page, size, entity_id, pipeline_id)


def sync_steps(ctx, user):
    return sync.request(ctx, user, "steps")
