from service import rules


def get_rule(user, quiz_id):
    return rules.get(user, quiz_id)


def create_rule(user, quiz_id, body):
    return rules.create(user, quiz_id, body)


def replace_rule(user, quiz_id, body):
    return rules.replace(user, quiz_id, body)


def delete_rule(user, quiz_id):
    rules.delete(user, quiz_id)
    return "OK"
