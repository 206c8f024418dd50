from integration import connection, runtime
from storage import accounts


def health_check(user):
    return "OK"


def get_account(user):
    return accounts.describe(user)


def connect_account(user, body):
    return connection.start(user, body["client_bitrix_url"], runtime.settings())


def delete_account(user):
    accounts.soft_delete(user)
    return "OK"
