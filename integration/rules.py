"""Rules per quiz, validated against the portal's synced dictionaries before they are stored."""
from integration import rule_checks
from storage import accounts, rules


def _with_problems(member_id: str, row) -> dict:
    answer = rules.as_dict(row)
    problems = rule_checks.reference_problems(member_id, rules.as_request(row))
    if problems:
        answer["problems"] = problems
    return answer


def get(account_id: str, quiz_id: int) -> dict:
    member_id = accounts.connected_member_id(account_id)
    return _with_problems(member_id, rules.get(member_id, quiz_id))


def create(account_id: str, quiz_id: int, body: dict) -> dict:
    member_id = accounts.connected_member_id(account_id)
    rule_checks.check(member_id, body)
    return rules.as_dict(rules.create(member_id, account_id, quiz_id, body))


def replace(account_id: str, quiz_id: int, body: dict) -> dict:
    member_id = accounts.connected_member_id(account_id)
    rules.get(member_id, quiz_id)  # a missing rule is a 404 before any validation message
    rule_checks.check(member_id, body)
    return rules.as_dict(rules.replace(member_id, quiz_id, body))


def delete(account_id: str, quiz_id: int) -> None:
    rules.delete(accounts.connected_member_id(account_id), quiz_id)
