"""Security headers on every response, set in one place.

- nosniff: a browser takes our Content-Type at its word (uploads, JSON).
- Framing only by our own pages (X-Frame-Options for old browsers, CSP
  frame-ancestors for the rest): no clickjacking of the back office or the
  public forms.
- Referrer-Policy same-origin: a public page's URL carries its token
  (/r/<token>); a link from it to another site must not hand that URL over.
  Not no-referrer: over HTTPS Flask-WTF's CSRF check wants a same-origin Referer.
- HSTS only when the request came in over HTTPS (behind a proxy: PROXY_COUNT).

A view that sets its own value keeps it (files set a sandboxing CSP); a CSP
without frame-ancestors gets it added.
"""
from flask import request

DEFAULTS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "SAMEORIGIN",
    "Referrer-Policy": "same-origin",
}
FRAME_ANCESTORS = "frame-ancestors 'self'"
CSP = f"{FRAME_ANCESTORS}; base-uri 'self'"
HSTS = "max-age=31536000"


def set_security_headers(response):
    for name, value in DEFAULTS.items():
        response.headers.setdefault(name, value)
    csp = response.headers.get("Content-Security-Policy")
    if not csp:
        response.headers["Content-Security-Policy"] = CSP
    elif "frame-ancestors" not in csp:
        response.headers["Content-Security-Policy"] = f"{csp.rstrip('; ')}; {FRAME_ANCESTORS}"
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def register_security_headers(app):
    app.after_request(set_security_headers)
