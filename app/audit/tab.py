"""The one renderer behind every record's "Audit" tab: entries → rows of words.

Domains register how to read their fields (registration.py): `register_names(fields,
load)` for ids of other records — `load(ids)` answers {id: name} for all of a tab's ids at
once, so a tab costs one query per kind of record, never one per entry — and
`register_format(fields, fmt)` for stored values that need more than a code table
(amounts in the domain's currency). Everything else reads through audit.labels.
"""
import re
from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import InvalidOperation

from ..formatting import format_datetime
from .labels import action_label, actor_label, field_label, record_label, value_label

NAMES = {}    # field → load(ids) -> {id: name}
FORMATS = {}  # field → fmt(stored text) -> text
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def register_names(fields, load):
    for field in fields:
        NAMES[field] = load


def register_format(fields, fmt):
    for field in fields:
        FORMATS[field] = fmt


def _load_names(entries):
    wanted = defaultdict(set)
    for entry in entries:
        load = NAMES.get(entry.field)
        if load is not None:
            wanted[load] |= {int(v) for v in (entry.old_value, entry.new_value)
                             if v and v.isdigit()}
    return {load: load(sorted(ids)) for load, ids in wanted.items() if ids}


def _value(entry, value, names, domain):
    if value in (None, "", "None"):
        return ""
    field = entry.field
    try:
        if field in NAMES and value.isdigit():
            return str(names.get(NAMES[field], {}).get(int(value), f"#{value}"))
        if field in FORMATS:
            return FORMATS[field](value)
        if field.endswith("_at"):
            moment = datetime.fromisoformat(value)
            return format_datetime(moment if moment.tzinfo else moment.replace(tzinfo=UTC), domain)
        if _DATE.match(value):
            return date.fromisoformat(value).strftime("%d-%m-%Y")
    except (ValueError, InvalidOperation):
        return value
    return value_label(entry.entity_type, field, value)


def tab_rows(entries, domain=None):
    """One dict per entry (times in the domain's zone): at, who (name and kind of actor), ip, action, record, field,
    old, new — every code, id and timestamp in words. An entry without a field shows its
    note (e.g. the address a mail went to) as the new value."""
    entries = list(entries)
    names = _load_names(entries)
    return [{
        "at": format_datetime(e.at, domain),
        "who": e.actor_name, "actor": actor_label(e.actor_type),
        "ip": e.ip_address or "", "action": action_label(e.action),
        "record": record_label(e.entity_type),
        "field": field_label(e.entity_type, e.field) if e.field else "",
        "old": _value(e, e.old_value, names, domain) if e.field else "",
        "new": _value(e, e.new_value, names, domain) if e.field else (e.new_value or ""),
    } for e in entries]
