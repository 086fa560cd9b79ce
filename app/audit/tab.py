"""The one renderer behind every record's "Audit" tab: entries → rows of words.

Domains register how to read their fields (registration.py): `register_names(fields,
names_loader(Model, name_of), record=...)` for ids of other records — the loader answers
{id: name} for all of a page's ids at once, so a tab or a page of the audit log costs one
query per kind of record, never one per entry — and `register_format(fields, fmt)` (or
`register_money(fields, domain)`) for stored values that need more than a code table.
Everything else reads through audit.labels. The shared audit log screen (views.py) reads
its entries through the same functions: `page_names`, `describe`, `subject_name`.
"""
import re
from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import select

from ..extensions import db
from ..formatting import format_datetime
from ..money import format_money
from .labels import action_label, actor_label, field_label, record_label, value_label

NAMES = {}         # field → load(ids) -> {id: name}
RECORD_NAMES = {}  # record type → load(ids) -> {id: name} (the record an entry belongs to)
FORMATS = {}       # field → fmt(stored text) -> text
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def names_loader(model, name_of=str, options=()):
    """load(ids) -> {id: name_of(record)} for many ids of `model` in one query
    (`options`: loader options for what name_of reads of related records)."""
    def load(ids):
        query = select(model).where(model.id.in_(ids)).options(*options)
        return {row.id: name_of(row) for row in db.session.scalars(query)}
    return load


def register_names(fields, load, record=None):
    """Ids stored in `fields` are read through `load`; `record`: the record type whose
    ids it names, for "belongs to" on the audit log (one loader serves both)."""
    for field in fields:
        NAMES[field] = load
    if record is not None:
        RECORD_NAMES[record] = load


def register_format(fields, fmt):
    for field in fields:
        FORMATS[field] = fmt


def register_money(fields, domain):
    """Amounts stored in `fields`, shown in the domain's currency."""
    register_format(fields, lambda value: format_money(Decimal(value), domain))


def _ids(*values):
    return {int(v) for v in values if v and str(v).isdigit()}


def page_names(entries, subjects=True):
    """Every name a page of entries shows — ids in their fields and (subjects=True) the
    records they belong to — loaded with one query per kind of record."""
    wanted = defaultdict(set)
    for entry in entries:
        load = NAMES.get(entry.field)
        if load is not None:
            wanted[load] |= _ids(entry.old_value, entry.new_value)
        load = RECORD_NAMES.get(entry.subject_type) if subjects else None
        if load is not None:
            wanted[load] |= _ids(entry.subject_id)
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
    names = page_names(entries, subjects=False)  # a record's own tab: its subject is known
    return [{
        "at": format_datetime(e.at, domain),
        "who": e.actor_name, "actor": actor_label(e.actor_type),
        "ip": e.ip_address or "", "action": action_label(e.action),
        "record": record_label(e.entity_type),
        "field": field_label(e.entity_type, e.field) if e.field else "",
        "old": _value(e, e.old_value, names, domain) if e.field else "",
        "new": _value(e, e.new_value, names, domain) if e.field else (e.new_value or ""),
    } for e in entries]


def describe(entry, names, domain=None):
    """'Product: — → Hypothecair uittreksel' for one entry, ids as names (`names` from
    page_names); '' when the entry names no field."""
    if not entry.field:
        return ""
    old = _value(entry, entry.old_value, names, domain) or "—"
    new = _value(entry, entry.new_value, names, domain) or "—"
    return f"{field_label(entry.entity_type, entry.field)}: {old} → {new}"


def subject_name(entry, names):
    """The name of the record an entry belongs to ('2026-000013'), or '#13' for a record
    type no domain names."""
    value = entry.subject_id
    if not value:
        return ""
    load = RECORD_NAMES.get(entry.subject_type)
    if load is not None and str(value).isdigit():
        return str(names.get(load, {}).get(int(value), f"#{value}"))
    return f"#{value}"
