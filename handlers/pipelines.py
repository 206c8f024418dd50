from service import sync
from storage import accounts, pipelines


def list_pipelines(user, page, size):
    return pipelines.page(accounts.connected_member_id(user), page, size)


def sync_pipelines(ctx, user):
    return sync.request(ctx, user, "pipelines")
