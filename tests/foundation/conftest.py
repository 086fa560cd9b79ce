"""Fixtures of the foundation tests."""
import pytest


@pytest.fixture
def gadget_labels():
    """Words for the test record type, as a domain registers them; taken away afterwards."""
    from app.audit import labels

    saved = [dict(table) for table in (labels.RECORD_LABELS, labels.ACTION_LABELS,
                                       labels.FIELD_LABELS, labels.VALUE_LABELS)]
    labels.register_labels(records={"Gadget": "Apparaatje"},
                           actions={"repair": "Gerepareerd"},
                           fields={("Gadget", "name"): "Benaming",
                                   ("Gadget", "state"): "Toestand"},
                           values={("Gadget", "state"): {"broken": "Kapot", "fixed": "Hersteld"}})
    yield
    for table, before in zip((labels.RECORD_LABELS, labels.ACTION_LABELS,
                              labels.FIELD_LABELS, labels.VALUE_LABELS), saved, strict=False):
        table.clear()
        table.update(before)
