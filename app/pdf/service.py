"""Jinja template → PDF (xhtml2pdf), fetching nothing from outside.

xhtml2pdf would otherwise open any `src`/`href` it meets: local files
(file:///etc/passwd) and network URLs. The link callback only lets through
`data:` URIs (embedded QR codes and photos) and files inside our static folder.
"""
import io
import logging
from pathlib import Path
from urllib.parse import unquote, urlparse

from flask import current_app, render_template
from xhtml2pdf import pisa

log = logging.getLogger(__name__)


class PdfError(RuntimeError):
    pass


def _static_root():
    return Path(current_app.static_folder).resolve()


def _safe_link(uri, rel=None):
    """Map a resource link to something xhtml2pdf may load, or refuse it."""
    if uri.startswith("data:"):
        return uri
    parsed = urlparse(uri)
    if parsed.scheme or parsed.netloc:
        log.warning("PDF resource refused: %s", uri[:200])
        return ""
    path = unquote(parsed.path)
    static_url = current_app.static_url_path.rstrip("/") + "/"
    if path.startswith(static_url):
        candidate = (_static_root() / path[len(static_url):]).resolve()
        if candidate.is_relative_to(_static_root()) and candidate.is_file():
            return str(candidate)
    log.warning("PDF resource refused: %s", uri[:200])
    return ""


def render_pdf(template, **context):
    """Render `template` with `context` and return the PDF bytes."""
    html = render_template(template, **context)
    out = io.BytesIO()
    result = pisa.CreatePDF(html, dest=out, link_callback=_safe_link, encoding="utf-8")
    if result.err:
        raise PdfError(f"PDF rendering failed for {template}: {result.err} errors")
    return out.getvalue()
