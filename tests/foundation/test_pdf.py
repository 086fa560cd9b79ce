"""PDF rendering loads data: URIs and our own static files, and nothing else."""
import base64
import io
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from jinja2 import DictLoader
from PIL import Image
from pypdf import PdfReader
from xhtml2pdf import pisa
from xhtml2pdf.config.resources import PERMISSIVE_POLICY

from app.pdf import render_pdf


def _png(color="blue"):
    buf = io.BytesIO()
    Image.new("RGB", (30, 30), color).save(buf, "PNG")
    return buf.getvalue()


class _Recorder(BaseHTTPRequestHandler):
    requests = []

    def do_GET(self):  # noqa: N802
        type(self).requests.append(self.path)
        body = _png()
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def http_server():
    _Recorder.requests = []
    server = HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Recorder.requests
    server.shutdown()
    server.server_close()


@pytest.fixture
def templates(app):
    """Test templates beside the app's, removed afterwards."""
    loader = DictLoader({})
    app.jinja_loader.loaders.append(loader)
    yield loader.mapping
    app.jinja_loader.loaders.remove(loader)


HOSTILE = """<html><head>
<link rel="stylesheet" href="{{ base }}/style.css">
<link rel="stylesheet" href="file:///etc/passwd">
<style>@import url("{{ base }}/import.css"); .x { background-image: url("{{ base }}/bg.png"); }</style>
</head><body>
<h1>Werkbon {{ number }}</h1>
<img src="file:///etc/passwd">
<img src="/etc/hostname">
<img src="../../config.py">
<img src="{{ base }}/x.png">
<img src="//127.0.0.1:{{ port }}/y.png">
<div class="x">achtergrond</div>
</body></html>"""


def _images(pdf):
    return [image for page in PdfReader(io.BytesIO(pdf)).pages for image in page.images]


def test_local_files_and_network_are_refused(app, templates, http_server):
    base, requests = http_server
    templates["t/hostile.html"] = HOSTILE
    with app.test_request_context():
        pdf = render_pdf("t/hostile.html", base=base, port=base.rsplit(":", 1)[1],
                         number="KH-OC-001488")
    assert pdf.startswith(b"%PDF-")
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Werkbon KH-OC-001488" in text
    assert "root:" not in text
    assert requests == []
    assert _images(pdf) == []


def test_the_test_server_would_see_an_unguarded_fetch(http_server):
    """Control: xhtml2pdf without our guards does fetch, so the test above can fail."""
    base, requests = http_server
    pisa.CreatePDF(f'<img src="{base}/x.png">', dest=io.BytesIO(),
                   resource_policy=PERMISSIVE_POLICY)
    assert requests == ["/x.png"]


def test_data_uri_and_static_images_are_embedded(app, templates, tmp_path):
    static = tmp_path / "static"
    (static / "img").mkdir(parents=True)
    (static / "img" / "logo.png").write_bytes(_png("green"))  # differs: no dedup
    templates["t/images.html"] = (
        '<html><body><p>QR</p><img src="{{ qr }}" width="60" height="60">'
        '<img src="/static/img/logo.png" width="60" height="60">'
        '<img src="/static/../../../etc/passwd"></body></html>')
    old_static = app.static_folder
    app.static_folder = str(static)
    try:
        with app.test_request_context():
            qr = "data:image/png;base64," + base64.b64encode(_png()).decode()
            pdf = render_pdf("t/images.html", qr=qr)
    finally:
        app.static_folder = old_static
    assert len(_images(pdf)) == 2


def test_render_pdf_works_outside_a_request(app, templates):
    """Workers and CLI commands render PDFs too (work orders attached at queue time)."""
    templates["t/plain.html"] = "<p>Opdracht {{ n }}</p>"
    with app.app_context():
        pdf = render_pdf("t/plain.html", n=7)
    assert "Opdracht 7" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_files_beside_the_working_directory_are_not_read(app, templates, tmp_path, monkeypatch):
    """A relative path resolves against the process's working directory: a server's
    source and settings. Neither our link callback nor the policy lets it through."""
    (tmp_path / "secret.png").write_bytes(_png())
    monkeypatch.chdir(tmp_path)
    templates["t/relative.html"] = ('<img src="secret.png" width="60" height="60">'
                                    f'<img src="{tmp_path}/secret.png">'
                                    f'<img src="file://{tmp_path}/secret.png">')
    with app.app_context():
        pdf = render_pdf("t/relative.html")
    assert _images(pdf) == []
