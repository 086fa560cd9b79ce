"""Service requests (SROBO): the land-registry back office."""

# This domain's name for shared services that read per-domain settings
# (SERVICE_REQUESTS_CURRENCY, SERVICE_REQUESTS_TIMEZONE: app/money.py).
DOMAIN = "service_requests"
