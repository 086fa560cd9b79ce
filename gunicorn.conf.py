"""gunicorn settings, read from the environment (`make run` and production alike).

Defaults suit a small machine with 2 cores: 2 worker processes of 4 threads each.
A request mostly waits on the database, so threads carry the load and processes
keep a slow request from stalling the others.
"""
import os

bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8080')}")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
# A worker takes a connection only when one of its threads is free for it; the others wait
# in the socket's queue for whichever worker frees a thread first. Left at gunicorn's 1000,
# a worker took connections it could not serve yet and kept them (keep-alive): under load
# all of them could land on one worker while the other idled (measured: 10 of 10 wrk
# connections on one worker, one core busy, half the throughput). So no keep-alive
# either (gunicorn keeps worker_connections - threads idle connections): the reverse
# proxy in front opens a connection per request anyway.
worker_connections = threads
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 20
keepalive = 0  # see worker_connections (gunicorn would warn that it cannot keep any)
# A worker is replaced after this many requests (plus jitter), so a slow leak cannot grow.
# A new worker takes a few seconds to build the app, and while both workers are being
# replaced nobody answers. With 2,000 + up to 200 and the requests shared evenly, both
# went within the same seconds (under wrk at ~200 requests/s: every ten seconds, and the
# throughput fell to a tenth); 10,000 + up to half of it makes that rare and five times
# less frequent.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "10000"))
max_requests_jitter = max_requests // 2
# The app logs one line per request itself (request id, user, status, time).
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
wsgi_app = "run:app"


def post_worker_init(worker):
    """The worker has built the app: keep its long-lived objects out of the collector."""
    from app.long_lived import freeze_long_lived

    freeze_long_lived()
