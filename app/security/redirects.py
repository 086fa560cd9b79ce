"""One check for every `next` we redirect to: a path on this site, or the fallback.

Browsers drop tabs and line breaks from a URL and read a backslash as a slash, so
"/\t/evil.example" and "/\\evil.example" both mean "//evil.example" to them: another
site. A target is accepted only when, read the way a browser reads it, it is a path
with no scheme and no host.
"""
import re
from urllib.parse import urlsplit

_DROPPED_BY_BROWSERS = re.compile(r"[\t\n\r]")


def is_local_path(target):
    if not target or not isinstance(target, str):
        return False
    seen = _DROPPED_BY_BROWSERS.sub("", target).replace("\\", "/")
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in seen):
        return False
    if not seen.startswith("/") or seen.startswith("//"):
        return False
    parts = urlsplit(seen)
    return not parts.scheme and not parts.netloc


def safe_next(target, fallback):
    """`target` when it is a path on this site, else `fallback`."""
    return target if is_local_path(target) else fallback
