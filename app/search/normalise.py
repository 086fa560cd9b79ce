"""The one normalisation of stored text and of queries: both sides must agree."""
import re
import unicodedata

MIN_TERM = 3  # a trigram index needs three characters to look anything up
_SPACE = re.compile(r"\s+")


def normalise(text):
    """'Zoë  ÅNGSTRÖM' → 'zoe angstrom'."""
    decomposed = unicodedata.normalize("NFKD", str(text or ""))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACE.sub(" ", plain.casefold()).strip()


def terms(query):
    """The words of a query; empty unless one of them has three characters or more (a
    shorter word narrows what the longer ones found, it cannot be looked up alone)."""
    words = [word for word in normalise(query).split(" ") if word][:8]
    return words if any(len(word) >= MIN_TERM for word in words) else []
