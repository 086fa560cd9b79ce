"""Security headers on every response, set in one place.

- nosniff: a browser takes our Content-Type at its word (uploads, JSON).
- Framing only by our own pages (X-Frame-Options for old browsers, CSP
  frame-ancestors for the rest): no clickjacking of the back office or the
  public forms.
- Referrer-Policy same-origin: a public page's URL carries its token
  (/r/<token>); a link from it to another site must not hand that URL over.
  Not no-referrer: over HTTPS Flask-WTF's CSRF check wants a same-origin Referer.
- HSTS only when the request came in over HTTPS (behind a proxy: PROXY_COUNT).
- Cache-Control: no-store on everything but static assets: back-office pages, token
  pages and stored files (ID-card scans) carry personal data, and must not stay in
  the cache of a shared counter PC or a proxy.
- X-Robots-Tag: noindex on everything: nothing here belongs in a search engine, least
  of all a token page whose URL leaked.
- CSP script-src 'self' plus a per-response nonce: FAB's templates put
  `nonce="{{ csp_nonce() }}"` on their inline scripts (ours do too), so an injected
  <script> or on...= handler does not run. Styles stay 'unsafe-inline' (FAB's
  widgets use style attributes); images may be data: (QR codes) and blob: (the
  photo preview on the report form).

A view that sets its own CSP keeps it (files set a sandboxing one); a CSP without
frame-ancestors gets it added.
"""
import secrets

from flask import g, request

DEFAULTS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "SAMEORIGIN",
    "Referrer-Policy": "same-origin",
}
FRAME_ANCESTORS = "frame-ancestors 'self'"
CSP = ("default-src 'self'; script-src 'self'{nonce}; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data: blob:; object-src 'none'; base-uri 'self'; form-action 'self'; "
       f"{FRAME_ANCESTORS}")
HSTS = "max-age=31536000"


def csp_nonce():
    """The nonce of this response's inline scripts (FAB's templates call this)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def _static(endpoint):
    return endpoint is not None and (endpoint == "static" or endpoint.endswith(".static"))


def set_security_headers(response):
    for name, value in DEFAULTS.items():
        response.headers.setdefault(name, value)
    if not _static(request.endpoint):
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
    csp = response.headers.get("Content-Security-Policy")
    if not csp:
        nonce = f" 'nonce-{g.csp_nonce}'" if "csp_nonce" in g else ""
        response.headers["Content-Security-Policy"] = CSP.format(nonce=nonce)
    elif "frame-ancestors" not in csp:
        response.headers["Content-Security-Policy"] = f"{csp.rstrip('; ')}; {FRAME_ANCESTORS}"
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def register_security_headers(app):
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.after_request(set_security_headers)
