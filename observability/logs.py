"""Logging setup: plain or JSON lines, each carrying the request id of the request it serves."""
import contextvars
import json
import logging
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


def configure(fmt: str = "text", level: str = "INFO") -> None:
    """Root logging for a process of the service (API or worker)."""
    handler = logging.StreamHandler()
    handler.addFilter(_RequestId())
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    for old in list(root.handlers):
        if getattr(old, "_service_handler", False):
            root.removeHandler(old)
    handler._service_handler = True
    root.addHandler(handler)
    root.setLevel(level)
    # Peewee's DEBUG lines are SQL with parameters: personal data and encrypted tokens. Never log them.
    logging.getLogger("peewee").setLevel(max(logging.INFO, logging.getLevelName(level)))
