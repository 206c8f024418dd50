"""A failed validation as the field and the rule it broke, never the value that broke it.

Connexion words a body's failure as jsonschema's message and the path ("'ж…ж' is too long -
'answers.12'"), and jsonschema's message begins with the offending value: it may be a megabyte
long, or a phone number. What a client needs is which field broke which rule.
"""
import re

_WITH_PATH = re.compile(r"^(?P<message>.*) - '(?P<path>[^']*)'$", re.S)
# jsonschema's wording of each rule, which follows the offending value; where it ends in a space,
# a bound, type or pattern from the spec (not from the request) comes after it.
_RULES = ("is too long", "is too short", "has too many properties", "has not enough properties",
          "should be non-empty", "is expected to be empty", "has non-unique elements",
          "is not valid under any of the given schemas", "is valid under each of ",
          "is not of type ", "is not one of ", "does not match ", "is not a multiple of ",
          "is greater than the maximum of ", "is less than the minimum of ",
          "is greater than or equal to the maximum of ", "is less than or equal to the minimum of ")
_UNEXPECTED = re.compile(r"^Additional properties are not allowed \((?P<names>.*) (was|were) unexpected\)$", re.S)
MAX_NAMES = 80


def field_and_rule(detail: str) -> str:
    """`detail` of a validation failure with the offending value left out (when it is recognised)."""
    match = _WITH_PATH.match(detail)
    message, path = (match["message"], match["path"]) if match else (detail, "")
    rule = _rule(message)
    if rule is None:
        return detail
    return f"{path}: {rule}" if path else rule


def _rule(message: str) -> str | None:
    unexpected = _UNEXPECTED.match(message)
    if unexpected:
        names = unexpected["names"]
        shown = names if len(names) <= MAX_NAMES else names[:MAX_NAMES] + "..."
        return f"unexpected properties ({shown})"
    ends = [(message.rfind(" " + rule), rule) for rule in _RULES]
    at, rule = max(ends)
    if at < 0:
        return None
    return message[at + 1:]

