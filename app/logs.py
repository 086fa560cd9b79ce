"""Where the app's log lines go, and in what shape: one line each on stderr, JSON when
LOG_FORMAT=json (for a log collector), plain text otherwise. gunicorn, systemd and
`make run` pass stderr on as it is.

Fields given with `extra={"fields": {...}}` come out as JSON keys (or key=value at the
end of a plain line). Link tokens are masked in every message (redact.py); the request
line (request_log.py) masks its path itself and keeps its request id as given.
"""
import json
import logging
import sys
from datetime import UTC, datetime

from .security.redact import RedactingFilter

HANDLER_NAME = "backoffice"


class _Stderr(logging.StreamHandler):
    """stderr as it is when a line is written (a test runner swaps it)."""

    def __init__(self):
        super().__init__()
        self.set_name(HANDLER_NAME)

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value):
        pass


class _Redact(RedactingFilter):
    def filter(self, record):
        if getattr(record, "masked", False):
            return True
        return super().filter(record)


def _fields(record):
    return getattr(record, "fields", None) or {}


class JsonFormatter(logging.Formatter):
    def format(self, record):
        line = {"ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
                "level": record.levelname, "logger": record.name,
                "message": record.getMessage()}
        line.update(_fields(record))
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exception"] = record.exc_text
        return json.dumps(line, ensure_ascii=False, default=str)


class PlainFormatter(logging.Formatter):
    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def format(self, record):
        text = super().format(record)
        fields = _fields(record)
        if not fields:
            return text
        first, _, rest = text.partition("\n")
        extra = " ".join(f"{key}={value}" for key, value in fields.items())
        return f"{first} [{extra}]" + (f"\n{rest}" if rest else "")


def configure_logging(app):
    """The app's loggers (`app.*`) at LOG_LEVEL on one stderr handler; made once per
    process however many apps are built."""
    logger = logging.getLogger("app")
    handler = next((h for h in logger.handlers if h.get_name() == HANDLER_NAME), None)
    if handler is None:
        handler = _Stderr()
        handler.addFilter(_Redact())
        logger.addHandler(handler)
    handler.setFormatter(JsonFormatter() if app.config.get("LOG_FORMAT") == "json"
                         else PlainFormatter())
    logger.setLevel(app.config.get("LOG_LEVEL", "INFO"))
    from flask.logging import default_handler

    logger.removeHandler(default_handler)  # ours says the same, in the chosen shape
