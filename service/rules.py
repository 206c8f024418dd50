"""Rules per quiz, validated against the portal's synced dictionaries before they are stored."""
from service import rule_checks
from storage import accounts, rules
from storage.records import Rule


def _with_problems(rule: Rule) -> dict:
    answer = rules.as_dict(rule)
    problems = rule_checks.reference_problems(rule.member_id, rule.request)
    if problems:
        answer["problems"] = problems
    return answer


def get(account_id: str, quiz_id: int) -> dict:
    member_id = accounts.connected_member_id(account_id)
    return _with_problems(rules.get(member_id, quiz_id))


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
