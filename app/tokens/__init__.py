"""Links without an account (/track, /wo, /r, /c): one token service for every domain.

A token is a secret of at least 128 random bits in a URL; the database keeps only its
SHA-256, so a copy of the database opens no page. Each token has a purpose (a domain's
name for the page it opens, e.g. "track") and the record it opens. A token can expire
(`expires_in`), be revoked, or be renewed (revoke the purpose's tokens of the record,
issue a new one).

Two kinds, chosen per call:
- random (default): 128 random bits as lower-case hex; exists only in the mail that
  carried it. Used where each mail gets its own link and all stay valid.
- recoverable: derived as HMAC-SHA256(SECRET_KEY, "<purpose>:<salt>") from a random
  128-bit salt; the salt and the hash are stored, so later mails can carry the link the
  recipient already has (`token_for`) while the database alone still opens nothing.
  Rotating SECRET_KEY turns every recoverable link off (renew them).
"""
from .models import LinkToken  # noqa: F401
from .service import current, find, is_active, issue, renew, revoke, token_for  # noqa: F401
