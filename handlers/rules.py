from errors import NotImplementedYet
from storage import accounts, rules


def get_rule(user, quiz_id):
    return rules.get(accounts.connected_member_id(user), quiz_id)


def create_rule(user, quiz_id, body):
    accounts.connected_member_id(user)
    raise NotImplementedYet("creating rules is not implemented yet")


def replace_rule(user, quiz_id, body):
    accounts.connected_member_id(user)
    raise NotImplementedYet("changing rules is not implemented yet")
