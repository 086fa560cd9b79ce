from .service import PdfError, pdf_response, render_pdf  # noqa: F401
