"""Form bodies, which here are only the events Bitrix24 posts, validated without refusing unknown keys.

Connexion's strict validation refuses a form key the spec does not declare. Bitrix24 adds keys to
its events as it likes (`event_handler_id` is on some events and not others, install events carry
tokens, uninstall events do not), so an event must not be refused for a key we do not read. The
keys we do read are declared in the spec and validated as usual. Should a form body of our own
API ever be added, it would be lenient too: validate its keys in its schema (`additionalProperties`).
"""
from connexion.validators import FormDataValidator

FORM = "application/x-www-form-urlencoded"


class EventFormValidator(FormDataValidator):
    def _validate_params_strictly(self, data: dict) -> None:
        pass

