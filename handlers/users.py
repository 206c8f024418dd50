from errors import NotImplementedYet
from storage import accounts, users


def list_users(user, page, size):
    return users.page(accounts.connected_member_id(user), page, size)


def sync_users(user):
    accounts.connected_member_id(user)
    raise NotImplementedYet("syncing users is not implemented yet")
