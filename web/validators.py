"""Connexion's request validators, with what they miss.

- JSON bodies: Python's parser refuses an integer of more than 4,300 digits (a ValueError that is
  not a JSON syntax error) and raises RecursionError for arrays nested some thousand levels deep;
  Connexion catches neither, so both became 500s. They are 400s here.
- Form bodies (only Bitrix24's events): unknown keys are not refused (`web/event_forms.py`).
- Speed: Connexion builds a new jsonschema validator for every parameter and every body it checks,
  on every request; here each schema's validator is built once (`_compiled`) and kept, and a
  request goes to it only when the schema's compiled check (`web.schema_check`) refuses it, to have
  the refusal worded.
- Parameters: Connexion words a failure as the value and the rule, without the parameter
  ("'99…9' is greater than the maximum of 1000000"); here it names the parameter in the form
  `web.validation_messages` reads ("page: is greater than the maximum of 1000000").
"""
from connexion.datastructures import MediaTypeDict
from connexion.exceptions import BadRequestProblem
from connexion.json_schema import Draft4RequestValidator
from connexion.utils import is_null, is_nullable
from connexion.validators import VALIDATOR_MAP, JSONRequestBodyValidator, ParameterValidator
from jsonschema import Draft4Validator, ValidationError

from web.event_forms import FORM, EventFormValidator
from web.schema_check import compile_schema

NESTED_TOO_DEEPLY = "body: is nested too deeply"
NUMBER_TOO_LONG = "body: has a number of too many digits"


# The spec's schema objects live as long as the app; what is built from one is kept (by identity).
_kept: dict[tuple, tuple[dict, object]] = {}


def _built(schema: dict, build, *args):
    """`build(schema, *args)`, made once per schema object."""
    key = (id(schema), build, args)
    held = _kept.get(key)
    if held is None or held[0] is not schema:
        held = _kept[key] = (schema, build(schema, *args))
    return held[1]


def _validator(schema: dict, kind):
    return kind(schema, format_checker=Draft4Validator.FORMAT_CHECKER)


def _compiled(schema: dict, kind):
    return _built(schema, _validator, kind)


def _passes(schema: dict, value, nullable: bool) -> bool:
    """Whether the schema's compiled check accepts `value` (False also where there is no such check)."""
    check = _built(schema, compile_schema, nullable)
    return check is not None and check(value)


class JSONBody(JSONRequestBodyValidator):
    @property
    def _validator(self):
        return _compiled(self._schema, Draft4RequestValidator)

    def _validate(self, body):
        if body is not None and _passes(self._schema, body, nullable=True):
            return None
        return super()._validate(body)

    async def _parse(self, stream, scope):
        try:
            return await super()._parse(stream, scope)
        except RecursionError:
            raise BadRequestProblem(detail=NESTED_TOO_DEEPLY) from None
        except UnicodeDecodeError:
            raise  # web.error_bodies answers it
        except ValueError:
            # Syntax errors are JSONDecodeError, which Connexion answers; what is left is int()'s limit.
            raise BadRequestProblem(detail=NUMBER_TOO_LONG) from None


class Parameters(ParameterValidator):
    def validate_parameter(self, parameter_type, value, param, param_name=None):
        """Connexion's check of one parameter, with a kept validator and the parameter named."""
        if is_nullable(param) and is_null(value):
            return None
        if value is None:
            return f"Missing {parameter_type} parameter '{param['name']}'" if param.get("required") else None
        schema = param.get("schema", param)
        if _passes(schema, value, nullable=False):
            return None
        try:
            _compiled(schema, Draft4Validator).validate(value)
        except ValidationError as exception:
            # jsonschema's text: the message, then (after a blank line) the schema it quotes.
            return f"{str(exception).split(chr(10) * 2)[0]} - '{param['name']}'"
        return None


def validator_map() -> dict:
    """Connexion's validators with `JSONBody`, `EventFormValidator` and `Parameters`."""
    return {"parameter": Parameters,
            "body": MediaTypeDict({**VALIDATOR_MAP["body"], "*/*json": JSONBody, FORM: EventFormValidator})}
