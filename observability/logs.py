"""Logging setup: plain or JSON lines, each carrying the request id of the request it serves."""
import contextvars
import json
import logging
import re
import time

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")


class _RequestId(logging.Filter):
    def filter(self, record):
        record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line; a record's `fields` (a dict) are merged in as keys."""

    def format(self, record):
        line = {"ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
                "level": record.levelname, "logger": record.name, "message": record.getMessage()}
        if getattr(record, "request_id", ""):
            line["request_id"] = record.request_id
        line.update(getattr(record, "fields", None) or {})
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


_CONTROL = re.compile(r"[\x00-\x1f\x7f\x80-\x9f\u2028\u2029]")


def escape_controls(text: str) -> str:
    """`text` with every control character written as an escape (`\\r`, `\\n`, `\\x1b`, ...)."""
    return _CONTROL.sub(lambda m: m[0].encode("unicode_escape").decode("ascii"), text)


class TextFormatter(logging.Formatter):
    """One record, one line: what a request put into a message (a path with %0D%0A) cannot start a line.

    A traceback keeps its lines, each indented and escaped, so it cannot pass for a record either.
    """

    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def formatMessage(self, record):
        return escape_controls(super().formatMessage(record))

    def formatException(self, exc_info):
        return "\n".join("    " + escape_controls(line) for line in super().formatException(exc_info).split("\n"))

    def formatStack(self, stack_info):
        return "\n".join("    " + escape_controls(line) for line in stack_info.split("\n"))


def configure(fmt: str = "text", level: str = "INFO") -> None:
    """Root logging for a process of the service (API or worker)."""
    handler = logging.StreamHandler()
    handler.addFilter(_RequestId())
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(TextFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        if getattr(old, "_service_handler", False):
            root.removeHandler(old)
    handler._service_handler = True
    root.addHandler(handler)
    root.setLevel(level)
    # Peewee's DEBUG lines are SQL with parameters: personal data and encrypted tokens. Never log them.
    logging.getLogger("peewee").setLevel(max(logging.INFO, logging.getLevelName(level)))
    # Connexion's validators log the offending value (a megabyte, a phone number); web.error_bodies
    # logs the field and the rule instead.
    logging.getLogger("connexion.validators").setLevel(logging.CRITICAL)
