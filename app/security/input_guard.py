"""One check at the edge for what no form or API of ours can use.

Every request passes here before any view (FAB's screens and APIs, the public
pages, the token pages), so no view has to remember it:

- Text with NUL or another control character (tab, line feed and carriage
  return excepted), or half a UTF-16 surrogate pair, in the path, the query
  string, a form field, an uploaded file's name or a JSON string: 400 with the
  field named. PostgreSQL cannot store NUL at all and a driver cannot encode a
  lone surrogate, so without this such input was a 500.
- A JSON body: at most MAX_CONTENT_LENGTH (413), nested at most
  JSON_MAX_DEPTH deep (400 — the parser recurses, 3,000 levels was a
  RecursionError), valid JSON without NaN/Infinity (400). Checked before FAB's
  `@safe`, which turns any of these into a 500.
- Ids in URLs: `<int:…>` accepts only what fits the database's integer column
  (a 20-digit id is a 404, not an overflow error).
"""
import json
import re

from flask import abort, current_app, request
from flask_babel import gettext
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

# C0 controls but \t \n \r, DEL, and UTF-16 surrogates (never valid on their own).
CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
JSON_MAX_DEPTH = 32
# Integer primary keys and foreign keys are 32-bit on PostgreSQL.
MAX_ID = 2**31 - 1


class BadInput(BadRequest):
    """400 whose description names the field and says what to change."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


def has_control_chars(value):
    return isinstance(value, str) and CONTROL_CHARS.search(value) is not None


def strip_control_chars(value):
    """For text we do not refuse but must store (a browser's User-Agent header)."""
    return CONTROL_CHARS.sub("", value) if isinstance(value, str) else value


def _refuse_control_chars(field):
    raise BadInput(gettext(
        "The field “%(field)s” contains a character that is not allowed (a control character "
        "such as NUL). Remove it and try again.", field=field[:80]), field=field)


def _check_text(field, value):
    if has_control_chars(value):
        _refuse_control_chars(field)


class BoundedIntConverter(IntegerConverter):
    """`<int:pk>` that matches only ids the database can hold; a bigger one is a 404."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def parse_id(value):
    """A form or query value as a database id, or None when it cannot be one."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        number = int(value.strip())
    else:
        return None
    return number if 1 <= number <= MAX_ID else None


def json_depth_exceeds(raw, limit):
    """True when brackets in the JSON text nest deeper than `limit` (strings skipped);
    counted without recursion, before any parser sees it."""
    depth = 0
    in_string = escaped = False
    for char in raw:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


def _refuse_constant(name):
    raise ValueError(name)


def _walk_json(value, path=""):
    """Every string (keys too) in a parsed JSON value, checked; iterative, depth is bounded."""
    stack = [(path, value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, str):
            _check_text(where, item)
        elif isinstance(item, dict):
            for key, child in item.items():
                name = f"{where}.{key}" if where else str(key)
                _check_text(name[:200], key)
                stack.append((name[:200], child))
        elif isinstance(item, list):
            stack.extend((f"{where}[{i}]", child) for i, child in enumerate(item))


def _check_json_body():
    raw = request.get_data(cache=True)  # over MAX_CONTENT_LENGTH: RequestEntityTooLarge, 413
    if not raw.strip():
        return
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadInput(gettext("The body is not valid UTF-8 JSON.")) from None
    limit = current_app.config.get("JSON_MAX_DEPTH", JSON_MAX_DEPTH)
    if json_depth_exceeds(text, limit):
        raise BadInput(gettext("The JSON is nested too deeply (at most %(n)s levels).", n=limit))
    try:
        data = json.loads(text, parse_constant=_refuse_constant)
    except ValueError:
        raise BadInput(gettext("The body is not valid JSON (NaN and Infinity are not numbers "
                               "here).")) from None
    _walk_json(data)


def check_request():
    """The before_request hook: refuse hostile input before any view sees it."""
    length = request.content_length
    maximum = current_app.config.get("MAX_CONTENT_LENGTH")
    if maximum and length is not None and length > maximum:
        abort(413)
    _check_text(gettext("address"), request.path)
    for key, value in request.args.items(multi=True):
        _check_text(key, key)
        _check_text(key, value)
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if request.is_json:
        _check_json_body()
        return
    for key, value in request.form.items(multi=True):  # parsing: over the limit is 413
        _check_text(key, key)
        _check_text(key, value)
    for key, upload in request.files.items(multi=True):
        _check_text(key, upload.filename or "")


def install_converters(app):
    """Before any route is added: `<int:…>` bounded to what the database holds."""
    app.url_map.converters["int"] = BoundedIntConverter


def register_input_guard(app):
    # First of all before_request hooks (CSRF, FAB's login) so they never meet such input.
    app.before_request_funcs.setdefault(None, []).insert(0, check_request)
