"""The compiled schema checks (web/schema_check.py) decide as jsonschema does, on every request schema.

A request they accept skips jsonschema, so accepting what jsonschema refuses would let a bad
request in: each check is held to jsonschema's verdict on values near and across every rule of
its schema, and on arbitrary JSON.
"""
import math

import pytest
from connexion.json_schema import Draft4RequestValidator, resolve_refs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft4Validator

from web.schema_check import compile_schema
from web.served_spec import read_spec


def request_schemas():
    """(name, schema, nullable) of every body and parameter Connexion validates, as it sees them."""
    spec = resolve_refs(read_spec())
    found = []
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            for parameter in operation.get("parameters", []) + item.get("parameters", []):
                found.append((f"{method} {path} {parameter['name']}", parameter["schema"], False))
            for media, content in operation.get("requestBody", {}).get("content", {}).items():
                # Connexion hangs the components on a body's schema (OpenAPIOperation.with_definitions).
                schema = {**content["schema"], "components": spec["components"]}
                found.append((f"{method} {path} {media}", schema, True))
    return found


SCHEMAS = request_schemas()


def jsonschema_verdict(schema, nullable):
    """What Connexion asks of jsonschema: Draft 4, formats checked, `nullable` honoured on bodies."""
    kind = Draft4RequestValidator if nullable else Draft4Validator
    return kind(schema, format_checker=Draft4Validator.FORMAT_CHECKER).is_valid


def test_every_request_schema_of_the_spec_is_compiled():
    assert [name for name, schema, nullable in SCHEMAS if compile_schema(schema, nullable) is None] == []


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8)


def near(schema: dict) -> st.SearchStrategy:
    """Values at and just across each rule of `schema` (and now and then anything at all)."""
    options = [json_values]
    kinds = schema.get("type")
    kinds = [kinds] if isinstance(kinds, str) else kinds or []
    if "enum" in schema:
        options.append(st.sampled_from(schema["enum"]))
    for sub in schema.get("anyOf", []):
        options.append(near(sub))
    if "string" in kinds:
        most, least = schema.get("maxLength", 8), schema.get("minLength", 0)
        lengths = st.sampled_from(sorted({max(least - 1, 0), least, most, most + 1}))
        text = lengths.flatmap(lambda n: st.text(st.characters(codec="utf-8"), min_size=n, max_size=n))
        options.append(text)
        if "pattern" in schema:
            options.append(st.from_regex(schema["pattern"]))
        if schema.get("format") == "email":
            options.append(st.sampled_from(["a@b", "ab", "@", ""]))
    if "integer" in kinds or "number" in kinds:
        edges = [schema.get(key) for key in ("minimum", "maximum") if key in schema] or [0]
        options.append(st.sampled_from(edges).flatmap(lambda edge: st.sampled_from(
            [edge - 1, edge, edge + 1, float(edge), edge + 0.5, True, str(edge)])))
    if "array" in kinds:
        most = schema.get("maxItems", 3)
        item = near(schema.get("items", {}))
        options.append(st.lists(item, min_size=max(most - 1, 0), max_size=most + 1))
    if "object" in kinds or "properties" in schema:
        properties = schema.get("properties", {})
        known = st.fixed_dictionaries({}, optional={name: near(sub) for name, sub in properties.items()})
        extra = st.dictionaries(st.sampled_from(["1", "zz", "0", "12345678901"]), json_values, max_size=2)
        options.append(st.tuples(known, extra).map(lambda pair: {**pair[0], **pair[1]}))
        options.append(known)
        if isinstance(schema.get("additionalProperties"), dict):
            options.append(st.dictionaries(st.sampled_from(["1", "2", "x", ""]),
                                           near(schema["additionalProperties"]), max_size=3))
    if schema.get("nullable"):
        options.append(st.none())
    return st.one_of(options)


@pytest.mark.parametrize(("name", "schema", "nullable"), SCHEMAS, ids=[name for name, _, _ in SCHEMAS])
def test_the_compiled_check_and_jsonschema_agree(name, schema, nullable):
    check, valid = compile_schema(schema, nullable), jsonschema_verdict(schema, nullable)

    @settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(near(schema))
    def agree(value):
        assert check(value) == valid(value), value

    agree()


@pytest.mark.parametrize(("schema", "values"), [
    ({"type": "integer"}, [1, 1.0, True, "1", None, 2 ** 80]),
    ({"type": "number", "minimum": 0, "maximum": 1}, [0, 1, 1.0000001, -0.0, False, math.inf, None]),
    ({"type": "number", "minimum": 0, "exclusiveMinimum": True}, [0, 0.0, 1e-9]),
    ({"type": "string", "maxLength": 2}, ["ab", "abc", "𝄞𝄞", "𝄞𝄞𝄞", 12]),
    ({"type": "string", "nullable": True, "enum": ["a", "b"]}, ["a", "c", None, 1]),
    ({"type": "integer", "enum": [1, 2]}, [1, 1.0, True, 3, "1", None]),
    ({"type": "object", "properties": {"a": {"type": "string"}}, "additionalProperties": False,
      "required": ["a"]}, [{"a": "x"}, {"a": 1}, {}, {"a": "x", "b": 1}, [], None]),
    ({"type": "object", "additionalProperties": {"type": "integer"}, "maxProperties": 1},
     [{}, {"x": 1}, {"x": "1"}, {"x": 1, "y": 2}]),
    ({"type": "string", "pattern": "^[0-9]+$", "format": "email"}, ["12", "1@2", "a", ""]),
    ({"type": "array", "items": {"type": "string"}, "maxItems": 1}, [[], ["a"], ["a", "b"], [1], {}]),
    ({"anyOf": [{"type": "string"}, {"type": "boolean"}]}, ["x", True, 0, None]),
])
def test_draft_4_corners(schema, values):
    for nullable in (True, False):
        check, valid = compile_schema(schema, nullable), jsonschema_verdict(schema, nullable)
        assert [check(value) for value in values] == [valid(value) for value in values]


@pytest.mark.parametrize("schema", [
    {"$ref": "#/components/schemas/X"},
    {"type": "array", "uniqueItems": True},
    {"type": "array", "items": [{"type": "string"}]},
    {"enum": [True, 1]},
    {"type": "integer", "multipleOf": 2},
    {"type": "string", "pattern": "(?<!"},
])
def test_what_is_not_compiled_is_left_to_jsonschema(schema):
    assert compile_schema(schema) is None
