"""A compiled yes-or-no for the spec's JSON schemas: a valid request does not wait on jsonschema.

jsonschema interprets a schema afresh on every call, keyword by keyword through generators: on a
submitted quiz result that was a fifth of the request's CPU. `compile_schema` turns a schema into
nested closures once. What they accept is valid; what they refuse is handed to jsonschema, which
decides again and words the error, so every refusal reads as before.

Only the keywords below are compiled, each with the meaning Draft 4 gives it in jsonschema (the
draft Connexion validates requests with), plus Connexion's `nullable` where Connexion honours it
(`type` and `enum` of a body). A schema holding any other keyword, or a `$ref`, is not compiled
(None): jsonschema alone decides it. tests/web/test_schema_check.py holds both to one verdict.
"""
import numbers
import re
from collections.abc import Callable

from jsonschema import Draft4Validator

Check = Callable[[object], bool]

# Keywords that say nothing about validity (OpenAPI's among them), and extensions (x-...). Connexion
# hangs the spec's `components` on every body schema, for `$ref`s to point into; they are not compiled.
_ANNOTATIONS = frozenset({"description", "title", "example", "examples", "default", "readOnly", "writeOnly",
                          "deprecated", "externalDocs", "xml", "discriminator", "nullable", "components",
                          "definitions"})


def _is_integer(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, (int, float)) or isinstance(value, numbers.Number)  # the ABC's check is slow


_TYPES: dict[str, Check] = {  # Draft 4's types: an integer is an int (1.0 is not), a bool is no number
    "string": lambda value: isinstance(value, str),
    "integer": _is_integer,
    "number": _is_number,
    "boolean": lambda value: isinstance(value, bool),
    "object": lambda value: isinstance(value, dict),
    "array": lambda value: isinstance(value, list),
    "null": lambda value: value is None,
}


class NotCompiled(Exception):
    """The schema uses a keyword (or a form of one) that is left to jsonschema."""


def compile_schema(schema: dict, nullable: bool = False) -> Check | None:
    """A check deciding `schema` as jsonschema's Draft 4 does, or None where it would not be sure.

    `nullable`: honour OpenAPI's `nullable: true` (and `x-nullable`) as Connexion's request body
    validator does, letting None past `type` and `enum`; its parameter validator does not.
    """
    try:
        return _Compiler(nullable).compile(schema)
    except (NotCompiled, re.error):  # a pattern Python cannot read: jsonschema will say so
        return None


class _Compiler:
    def __init__(self, nullable: bool):
        self.nullable = nullable

    def compile(self, schema) -> Check:
        if not isinstance(schema, dict):
            raise NotCompiled(schema)
        allow_null = self.nullable and (schema.get("x-nullable") is True or bool(schema.get("nullable")))
        checks = []
        for keyword, value in schema.items():
            if keyword in _ANNOTATIONS or keyword.startswith("x-") or keyword in _PAIRED:
                continue
            build = getattr(self, "keyword_" + keyword, None)
            if build is None:
                raise NotCompiled(keyword)
            check = build(value, schema)
            if check is not None:
                if allow_null and keyword in ("type", "enum"):
                    check = _or_none(check)
                checks.append(check)
        return _all(checks)

    # keyword_<name> builds the check of keyword <name> from its value and the whole schema (None:
    # nothing to check); a keyword with no such method is not compiled.

    def keyword_type(self, names, schema):
        names = [names] if isinstance(names, str) else names
        if not isinstance(names, list) or not names or any(name not in _TYPES for name in names):
            raise NotCompiled("type")
        tests = [_TYPES[name] for name in names]
        return tests[0] if len(tests) == 1 else lambda value: any(test(value) for test in tests)

    def keyword_enum(self, values, schema):
        # Plain choices only. jsonschema holds True apart from 1 (Python does not): a bool is never
        # one of them here, as none of them is a bool.
        if not isinstance(values, list) or any(
                isinstance(value, bool) or not (value is None or isinstance(value, (str, int, float)))
                for value in values):
            raise NotCompiled("enum")
        return lambda value: not isinstance(value, bool) and value in values

    def keyword_properties(self, properties, schema):
        named = [(name, self.compile(sub)) for name, sub in properties.items()]
        def check(value):
            if isinstance(value, dict):
                for name, sub in named:
                    if name in value and not sub(value[name]):
                        return False
            return True
        return check

    def keyword_patternProperties(self, patterns, schema):
        compiled = [(re.compile(pattern), self.compile(sub)) for pattern, sub in patterns.items()]
        def check(value):
            if isinstance(value, dict):
                for pattern, sub in compiled:
                    for key, item in value.items():
                        if pattern.search(key) and not sub(item):
                            return False
            return True
        return check

    def keyword_additionalProperties(self, allowed, schema):
        if allowed is True or allowed == {}:
            return None
        named = frozenset(schema.get("properties", {}))
        patterns = "|".join(schema.get("patternProperties", {}))
        matched = re.compile(patterns).search if patterns else lambda key: False
        sub = self.compile(allowed) if isinstance(allowed, dict) else None
        if sub is None and allowed is not False:
            raise NotCompiled("additionalProperties")
        def check(value):
            if isinstance(value, dict):
                for key, item in value.items():
                    if key not in named and not matched(key) and (sub is None or not sub(item)):
                        return False
            return True
        return check

    def keyword_required(self, names, schema):
        if not isinstance(names, list):
            raise NotCompiled("required")
        return lambda value: not isinstance(value, dict) or all(name in value for name in names)

    def keyword_maxProperties(self, most, schema):
        return lambda value: not isinstance(value, dict) or len(value) <= most

    def keyword_minProperties(self, least, schema):
        return lambda value: not isinstance(value, dict) or len(value) >= least

    def keyword_items(self, items, schema):
        if not isinstance(items, dict):  # Draft 4's tuple form: left to jsonschema
            raise NotCompiled("items")
        sub = self.compile(items)
        return lambda value: not isinstance(value, list) or all(sub(item) for item in value)

    def keyword_maxItems(self, most, schema):
        return lambda value: not isinstance(value, list) or len(value) <= most

    def keyword_minItems(self, least, schema):
        return lambda value: not isinstance(value, list) or len(value) >= least

    def keyword_maxLength(self, most, schema):
        return lambda value: not isinstance(value, str) or len(value) <= most

    def keyword_minLength(self, least, schema):
        return lambda value: not isinstance(value, str) or len(value) >= least

    def keyword_pattern(self, pattern, schema):
        search = re.compile(pattern).search
        return lambda value: not isinstance(value, str) or search(value) is not None

    def keyword_format(self, name, schema):
        if name not in Draft4Validator.FORMAT_CHECKER.checkers:
            return None  # a format jsonschema does not check (int32, date-time without its extra...)
        conforms = Draft4Validator.FORMAT_CHECKER.conforms
        return lambda value: conforms(value, name)

    def keyword_minimum(self, least, schema):
        if schema.get("exclusiveMinimum", False):
            return lambda value: not _is_number(value) or value > least
        return lambda value: not _is_number(value) or value >= least

    def keyword_maximum(self, most, schema):
        if schema.get("exclusiveMaximum", False):
            return lambda value: not _is_number(value) or value < most
        return lambda value: not _is_number(value) or value <= most

    def keyword_anyOf(self, schemas, schema):
        subs = [self.compile(sub) for sub in schemas]
        return lambda value: any(sub(value) for sub in subs)

    def keyword_allOf(self, schemas, schema):
        return _all([self.compile(sub) for sub in schemas])

    def keyword_not(self, sub, schema):
        sub = self.compile(sub)
        return lambda value: not sub(value)


# Read by their partners' builders (minimum, maximum), never alone.
_PAIRED = frozenset({"exclusiveMinimum", "exclusiveMaximum"})


def _all(checks: list[Check]) -> Check:
    if not checks:
        return lambda value: True
    if len(checks) == 1:
        return checks[0]
    def check(value):
        for each in checks:
            if not each(value):
                return False
        return True
    return check


def _or_none(check: Check) -> Check:
    return lambda value: value is None or check(value)
