"""QR stickers: random codes in batches, and the printable A4 sheet."""
import secrets

import segno
from flask import current_app
from flask_babel import gettext

from ..database import utcnow
from ..errors import DomainError
from ..extensions import db
from ..pdf import render_pdf
from .models import StickerBatch, StickerCode
from .rules import text

# 13 characters of base32 without look-alikes: 65 bits per code, never sequential.
# Short enough to type from the sticker, too many to guess (and a guess only
# finds a device's public report form, never data).
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 13
MAX_BATCH = 240
LABELS_PER_SHEET = 24  # 3 x 8 labels of 70 x 37 mm on A4


def new_code():
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def scan_url(code):
    return f"{current_app.config['PUBLIC_BASE_URL']}/q/{code}"


def create_batch(count, name=None, customer=None, location=None):
    """`count` new unused codes in a new batch (its name, and the customer or location
    they are for, both optional); returns the StickerCodes."""
    if not isinstance(count, int) or not 1 <= count <= MAX_BATCH:
        raise DomainError(gettext("Choose between 1 and %(n)s stickers.", n=MAX_BATCH))
    batch = utcnow().strftime("%Y%m%d-%H%M%S-") + secrets.token_hex(2)
    record = StickerBatch(
        code=batch, size=count, location=location,
        name=text(name, gettext("Name"), required=False, limit=100) or batch,
        customer=text(customer, gettext("Customer"), required=False, limit=200) or None)
    db.session.add(record)
    existing = set()
    codes = []
    while len(codes) < count:
        code = new_code()
        if code in existing or db.session.query(StickerCode.id).filter_by(code=code).first():
            continue
        existing.add(code)
        codes.append(StickerCode(code=code, batch=batch, sticker_batch=record))
    db.session.add_all(codes)
    db.session.flush()
    return codes


def reprint_selection(codes, first, last, start):
    """Stickers `first`..`last` (1-based, as numbered in the batch) starting at label
    `start` of the sheet; DomainError for a range that does not fit."""
    try:
        first, last, start = int(first or 1), int(last or len(codes)), int(start or 1)
    except (TypeError, ValueError) as exc:
        raise DomainError(gettext("Give whole numbers for the stickers and the label.")) from exc
    if not 1 <= first <= last <= len(codes):
        raise DomainError(gettext("Choose stickers between 1 and %(n)s.", n=len(codes)))
    if not 1 <= start <= LABELS_PER_SHEET:
        raise DomainError(gettext("The first free label is between 1 and %(n)s.",
                                  n=LABELS_PER_SHEET))
    return codes[first - 1:last], start - 1


def qr_data_uri(code, scale=6):
    """The sticker's QR code (pointing at /q/<code>) as a PNG data: URI."""
    return segno.make(scan_url(code), error="m").png_data_uri(scale=scale, border=4)


def qr_svg_data_uri(code, scale=4):
    return segno.make(scan_url(code), error="m").svg_data_uri(scale=scale)


def sticker_sheet_pdf(codes, skip=0):
    """A4 PDF of labels: QR + short code + "Storing melden? Scan mij". skip: labels left
    blank at the start, to print on a partly used sheet."""
    labels = [None] * skip + [{"code": c.code, "qr": qr_data_uri(c.code)} for c in codes]
    rows = [labels[i:i + 3] for i in range(0, len(labels), 3)]
    pages = [rows[i:i + LABELS_PER_SHEET // 3] for i in range(0, len(rows), LABELS_PER_SHEET // 3)]
    return render_pdf("faults/sticker_sheet.html", pages=pages)
