"""Fault reports (KlusHeeren): QR stickers, reports, contractor work orders."""
