"""Small pieces for WTForms fields that both domains use."""
from wtforms.fields.choices import SelectChoice


def select_choices(items):
    """[(code, label), ...] or a {code: label} dict → SelectField choices (WTForms 3.4
    drops plain tuples)."""
    items = items.items() if isinstance(items, dict) else items
    return [SelectChoice(value, label) for value, label in items]
