from errors import NotImplementedYet
from storage import accounts, pipelines


def list_pipelines(user, page, size):
    return pipelines.page(accounts.connected_member_id(user), page, size)


def sync_pipelines(user):
    accounts.connected_member_id(user)
    raise NotImplementedYet("syncing pipelines is not implemented yet")
