from service import connection
from storage import accounts


def health_check(user):
    return "OK"


def get_account(user):
    return accounts.describe(user)


def connect_account(ctx, user, body):
    return connection.start(ctx, user, body["client_bitrix_url"])


def delete_account(user):
    accounts.soft_delete(user)
    return "OK"
