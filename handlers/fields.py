from errors import NotImplementedYet
from storage import accounts, fields


def list_fields(user, page, size):
    return fields.page(accounts.connected_member_id(user), page, size)


def sync_fields(user):
    accounts.connected_member_id(user)
    raise NotImplementedYet("syncing fields is not implemented yet")
