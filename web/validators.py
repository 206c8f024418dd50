"""Connexion's request validators, with what they miss.

- JSON bodies: Python's parser refuses an integer of more than 4,300 digits (a ValueError that is
  not a JSON syntax error) and raises RecursionError for arrays nested some thousand levels deep;
  Connexion catches neither, so both became 500s. They are 400s here.
- Form bodies (only Bitrix24's events): unknown keys are not refused (`web/event_forms.py`).
- Parameters: Connexion words a failure as the value and the rule, without the parameter
  ("'99…9' is greater than the maximum of 1000000"); here it names the parameter in the form
  `web.validation_messages` reads ("page: is greater than the maximum of 1000000").
"""
from connexion.datastructures import MediaTypeDict
from connexion.exceptions import BadRequestProblem
from connexion.validators import VALIDATOR_MAP, JSONRequestBodyValidator, ParameterValidator

from web.event_forms import FORM, EventFormValidator

NESTED_TOO_DEEPLY = "body: is nested too deeply"
NUMBER_TOO_LONG = "body: has a number of too many digits"


class JSONBody(JSONRequestBodyValidator):
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
    @staticmethod
    def validate_parameter(parameter_type, value, param, param_name=None):
        error = ParameterValidator.validate_parameter(parameter_type, value, param, param_name)
        if error is None or error.startswith("Missing "):
            return error
        # jsonschema's text: the message, then (after a blank line) the schema it quotes.
        return f"{error.split(chr(10) * 2)[0]} - '{param['name']}'"


def validator_map() -> dict:
    """Connexion's validators with `JSONBody`, `EventFormValidator` and `Parameters`."""
    return {"parameter": Parameters,
            "body": MediaTypeDict({**VALIDATOR_MAP["body"], "*/*json": JSONBody, FORM: EventFormValidator})}
