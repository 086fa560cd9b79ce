"""Streamed writers: rows go out as they come, never a whole table in memory.

CSV is written in chunks straight into the response. XLSX is a zip that can only be
finished at the end: xlsxwriter's constant_memory mode writes each row to a temporary
file as it comes, and the finished file is then sent in chunks and removed.
"""
import csv
import io
import os

import xlsxwriter

from ..files.storage import scratch_file
from .cells import neutralise

CHUNK_ROWS = 500
READ_CHUNK = 64 * 1024
# Excel stops at 1,048,576 rows a sheet: a longer list goes on to a next sheet.
SHEET_ROWS = 1_000_000


def csv_chunks(header, rows):
    """UTF-8 with a byte-order mark and ';' between fields: Excel in a Dutch office opens
    it as columns (a comma is the decimal sign there)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    yield "\ufeff" + buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    for count, row in enumerate(rows, 1):
        writer.writerow([neutralise(text) for text in row])
        if count % CHUNK_ROWS == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def xlsx_chunks(header, rows, sheet_name):
    """Write the workbook to a temporary file row by row, then stream that file."""
    with scratch_file(suffix=".xlsx") as path:
        _write_workbook(path, header, rows, sheet_name)
        with open(path, "rb") as stream:
            while chunk := stream.read(READ_CHUNK):
                yield chunk


def _write_workbook(path, header, rows, sheet_name):
    workbook = xlsxwriter.Workbook(path, {"constant_memory": True,
                                          "strings_to_formulas": False,
                                          "strings_to_urls": False,
                                          "tmpdir": os.path.dirname(path)})
    bold = workbook.add_format({"bold": True})
    stamp = workbook.add_format({"num_format": "dd-mm-yyyy hh:mm"})
    day = workbook.add_format({"num_format": "dd-mm-yyyy"})
    sheet, row_no, sheets = None, SHEET_ROWS, 0
    for row in rows:
        if row_no >= SHEET_ROWS:
            sheets += 1
            sheet = workbook.add_worksheet(_sheet_title(sheet_name, sheets))
            sheet.write_row(0, 0, header, bold)
            sheet.freeze_panes(1, 0)
            row_no = 0
        row_no += 1
        for col, (text, value) in enumerate(row):
            _write_cell(sheet, row_no, col, text, value, stamp, day)
    if sheet is None:
        sheet = workbook.add_worksheet(_sheet_title(sheet_name, 1))
        sheet.write_row(0, 0, header, bold)
    workbook.close()


def _write_cell(sheet, row, col, text, value, stamp, day):
    if isinstance(value, str):
        sheet.write_string(row, col, value)
    elif hasattr(value, "hour"):
        sheet.write_datetime(row, col, value, stamp)
    elif hasattr(value, "year"):
        sheet.write_datetime(row, col, value, day)
    elif value is None:
        sheet.write_string(row, col, text)
    else:
        sheet.write_number(row, col, value)


def _sheet_title(name, number):
    # Sheet names: at most 31 characters, none of []:*?/\
    clean = "".join(c for c in str(name) if c not in "[]:*?/\\")[:25] or "Export"
    return clean if number == 1 else f"{clean} {number}"
