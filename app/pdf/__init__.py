from .service import PdfError, render_pdf  # noqa: F401
