from errors import NotImplementedYet
from storage import accounts, steps


def list_steps(user, page, size):
    return steps.page(accounts.connected_member_id(user), page, size)


def sync_steps(user):
    accounts.connected_member_id(user)
    raise NotImplementedYet("syncing steps is not implemented yet")
