from errors import NotImplementedYet
from storage import accounts


def health_check(user):
    return "OK"


def get_account(user):
    return accounts.describe(user)


def connect_account(user, body):
    raise NotImplementedYet("connecting a portal is not implemented yet")


def delete_account(user):
    accounts.soft_delete(user)
    return "OK"
