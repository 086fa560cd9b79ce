"""Fault reports (KlusHeeren): QR stickers, reports, contractor work orders."""

# This domain's name for shared services that read per-domain settings
# (FAULTS_CURRENCY, FAULTS_TIMEZONE: app/money.py).
DOMAIN = "faults"
