"""Small helpers shared by the tests (fixtures live in the conftest.py files)."""

# An amount on the service-request screens: Babel keeps currency and number together
# with a no-break space ("SRD 54,50" on screen).
SRD = "SRD\N{NO-BREAK SPACE}"
