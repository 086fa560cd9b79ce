"""The A4 print view of one request: a PDF with its order number, applicant, lines and
clock, for whoever may read requests."""
import io

from pypdf import PdfReader

from tests.helpers import make_request


def _text(response):
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)


def test_a_request_prints_as_an_a4_pdf(app, products, client_for):
    pk = make_request(app, name="Anna Jansen", info="Perceel 12, Paramaribo", extra_pages=2)
    client = client_for("Viewer")
    assert f"/service-requests/print/{pk}" in client.get(
        f"/service-requests/show/{pk}").get_data(as_text=True)
    response = client.get(f"/service-requests/print/{pk}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    text = _text(response)
    for expected in ["Anna Jansen", "Hypothecair uittreksel", "Perceel 12", "Print A4",
                     "Streefdatum"]:
        assert expected in text, expected
    assert client_for("FacilityManager").get(f"/service-requests/print/{pk}").status_code == 403
