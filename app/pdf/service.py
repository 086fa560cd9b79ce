"""Jinja template → PDF (xhtml2pdf), fetching nothing from outside.

xhtml2pdf would otherwise open any `src`/`href` it meets: local files
(file:///etc/passwd) and network URLs. Two locks: the link callback only lets
through `data:` URIs (embedded QR codes and photos) and files inside our static
folder; and xhtml2pdf's own resource policy (which also covers fonts and the
call sites that bypass the callback) forbids the network and confines local
reads to the static folder, whatever the working directory of the process.
"""
import io
import logging
from pathlib import Path
from urllib.parse import unquote, urlparse

from flask import current_app, make_response, render_template

log = logging.getLogger(__name__)
# What a refused link becomes. Not "": xhtml2pdf treats a falsy answer of the
# link callback as "no rewrite" and would load the original URI.
REFUSED = "data:,"


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
        return REFUSED
    path = unquote(parsed.path)
    static_url = current_app.static_url_path.rstrip("/") + "/"
    if path.startswith(static_url):
        candidate = (_static_root() / path[len(static_url):]).resolve()
        if candidate.is_relative_to(_static_root()) and candidate.is_file():
            return str(candidate)
    log.warning("PDF resource refused: %s", uri[:200])
    return REFUSED


def render_pdf(template, **context):
    """Render `template` with `context` and return the PDF bytes."""
    # Imported here: xhtml2pdf and reportlab take 1.5 s to import, which every web and
    # CLI process would pay at start-up for the few pages and the worker that make PDFs.
    from xhtml2pdf import pisa
    from xhtml2pdf.config.resources import ResourceAccessPolicy

    html = render_template(template, **context)
    out = io.BytesIO()
    policy = ResourceAccessPolicy.server(base_dir=_static_root(), allow_remote=False)
    result = pisa.CreatePDF(html, dest=out, link_callback=_safe_link, encoding="utf-8",
                            resource_policy=policy)
    if result.err:
        raise PdfError(f"PDF rendering failed for {template}: {result.err} errors")
    return out.getvalue()


def pdf_response(data, filename, download=False):
    """PDF bytes as a response the browser shows (or saves, with download=True)."""
    response = make_response(data)
    response.headers["Content-Type"] = "application/pdf"
    disposition = "attachment" if download else "inline"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response
