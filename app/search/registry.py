"""What the domains register: which records are found, by what text, for whom."""
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Source:
    """kind: a stable name stored with each row ("servicerequest").
    model: the ORM class of the record. text(record) -> the searchable text.
    parents: {ChildModel: child -> record}: a change to a child re-indexes its record.
    shared: {Model: obj -> select of record ids}: records whose text shows this object
    (a location's name in every report there); a change to it re-indexes them all.
    permission: (action, resource) the user needs to see these results at all.
    describe(ids) -> [(id, title, detail, url)] for the result list, in one query.
    label: the heading of these results.
    load: loader options for what text() reads beyond the record (its location, its
    orders), so a rebuild of the index reads them per batch, not per record.
    """

    kind: str
    model: Any
    text: Callable[[Any], str]
    permission: tuple
    describe: Callable[[list], list]
    label: Any
    parents: dict = field(default_factory=dict)
    shared: dict = field(default_factory=dict)
    load: tuple = ()


_SOURCES = {}


def register(source):
    _SOURCES[source.kind] = source


def sources():
    return list(_SOURCES.values())


def source_for_model(model):
    return next((s for s in _SOURCES.values() if s.model is model), None)


def parent_getters(model):
    return [(s, s.parents[model]) for s in _SOURCES.values() if model in s.parents]


def shared_getters(model):
    return [(s, s.shared[model]) for s in _SOURCES.values() if model in s.shared]
