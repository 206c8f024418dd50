from service import sync
from storage import accounts, pipelines


def list_pipelines(user, page, size, entity_type_id=None):
    return pipelines.page(accounts.connected_member_id(user), page, size, entity_type_id)


def sync_pipelines(ctx, user):
    return sync.request(ctx, user, "pipelines")
