"""Flask-Babel finds the translations anew for every string it translates: the domain,
the request's namespace and the locale each through `g`, and the locale's name built
again as the key of its cache (some 10 µs a string). A list page translates about 300
strings (labels, statuses, FAB's buttons on every row). Here the translations found are
remembered on the request's namespace beside the locale object they were found for:
`flask_babel.refresh()` (a language switched mid-request) drops that locale, so the
next string looks them up again."""
import flask_babel
from flask_babel import Domain

_FOUND = "translations_found"


def install():
    if getattr(Domain, "_translations_remembered", False):
        return
    find = Domain.get_translations

    def get_translations(self):
        context = flask_babel._get_current_context()
        if context is None:
            return find(self)
        found = getattr(context, _FOUND, None)
        if found is not None and found[1] is self and found[0] is getattr(
                context, "babel_locale", None):
            return found[2]
        translations = find(self)
        locale = getattr(context, "babel_locale", None)  # find() chose it
        if locale is not None:
            setattr(context, _FOUND, (locale, self, translations))
        return translations

    Domain.get_translations = get_translations
    Domain._translations_remembered = True
