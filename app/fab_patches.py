"""Small corrections to Flask-AppBuilder's widgets, applied once in create_app()."""


class BlankChoiceAsDash:
    """FAB's select box for an optional relation (QuerySelectField, allow_blank) offers a
    blank choice with value "__None" and an empty label; WTForms 3.3 shows an empty label
    as the value, so people read "__None". Show it as "—" instead (Select2Widget only)."""

    @staticmethod
    def install():
        from flask_appbuilder.fieldwidgets import Select2Widget

        if getattr(Select2Widget, "_blank_choice_as_dash", False):
            return
        wtforms_render_option = Select2Widget.render_option

        def render_option(cls, choice, **kwargs):
            if choice.value == "__None" and not choice.label:
                choice = choice._replace(label="—")
            return wtforms_render_option(choice, **kwargs)

        Select2Widget.render_option = classmethod(render_option)
        Select2Widget._blank_choice_as_dash = True


def apply():
    BlankChoiceAsDash.install()
