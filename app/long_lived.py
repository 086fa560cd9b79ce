"""After a process has built the app: its models, views, templates and translations live as
long as the process does. `gc.freeze()` moves them (some 290,000 objects) out of the cyclic
collector's way: each full collection scanned them all and stopped a request for ~130 ms
now and then (seen as the p95 of the request and work-order lists). Called by each gunicorn
worker once it has loaded the app (gunicorn.conf.py) and by the benchmark."""
import gc


def freeze_long_lived():
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
