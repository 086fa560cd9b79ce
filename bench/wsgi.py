"""The benchmark's app for gunicorn (the load step): the same database and secret key
as the in-process run, so its session cookie is valid here."""
from . import setup

app = setup.make_app(setup.database_url(setup.scale()))
