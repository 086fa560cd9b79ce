"""One masking function for link tokens, for everything that is kept: request logs,
access logs, the audit trail's endpoint, error messages.

A link token is the only key to a page without an account (/track/<token>,
/wo/<token>, …) and to a request's reply address (aanvragen+<token>@…). Kept in
clear anywhere, a copy of that log or table opens the page. `redact(text)` keeps
the route and masks the token:

    /wo/Zk3…Q/photo/ab12      → /wo/…/photo/ab12
    aanvragen+5f0c…e1@example.org → aanvragen+…@example.org

Token routes are found, not listed: every URL rule with a `<token>` argument
(`register_token_routes(app)`, called once by create_app). As a backstop, any
run of 32+ URL-safe characters mixing letters and digits is masked too (a token
in a place no rule describes: a query string, a mail's text).
"""
import logging
import re

MASK = "…"
_token_prefixes = set()
_pattern = None

_LONG_RANDOM = r"(?<![A-Za-z0-9_-])(?=[A-Za-z0-9_-]*[0-9])(?=[A-Za-z0-9_-]*[A-Za-z])" \
               r"[A-Za-z0-9_-]{32,}(?![A-Za-z0-9_-])"
_PLUS_ADDRESS = r"(?<=[A-Za-z0-9])\+[^@\s<>\"',;]+(?=@)"


def register_token_route(prefix):
    """Mask the path segment after `prefix` (e.g. "/wo/") wherever it appears."""
    global _pattern
    _token_prefixes.add(prefix if prefix.endswith("/") else prefix + "/")
    _pattern = None


def register_token_routes(app):
    """Every rule with a `<token>` argument: the static part before it is a token route."""
    for rule in app.url_map.iter_rules():
        if "token" in rule.arguments:
            prefix = rule.rule.split("<", 1)[0]
            if rule.rule[len(prefix):].startswith(("<token>", "<string:token>")):
                register_token_route(prefix)


def _compiled():
    global _pattern
    if _pattern is None:
        routes = "|".join(re.escape(p) for p in sorted(_token_prefixes, key=len, reverse=True))
        parts = [f"(?P<route>{routes})[A-Za-z0-9_%-]+"] if routes else []
        parts += [f"(?P<plus>{_PLUS_ADDRESS})", f"(?P<random>{_LONG_RANDOM})"]
        _pattern = re.compile("|".join(parts))
    return _pattern


def _replace(match):
    if match.group("plus"):
        return "+" + MASK
    if match.groupdict().get("route"):
        return match.group("route") + MASK
    return MASK


def redact(text):
    """`text` with every link token masked; None and "" pass through."""
    if not text:
        return text
    return _compiled().sub(_replace, str(text))


class RedactingFilter(logging.Filter):
    """A logging filter that masks link tokens in the finished message (access lines
    of Werkzeug's dev server and gunicorn, our own warnings and errors)."""

    def filter(self, record):
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: leave it to the handler to report
            return True
        masked = redact(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error", "flask_appbuilder")


def install_log_redaction(app):
    """Every log line of the app, the dev server and gunicorn goes out masked."""
    redacting = RedactingFilter()
    for name in (*LOGGERS, app.logger.name):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactingFilter) for f in logger.filters):
            logger.addFilter(redacting)
