"""gunicorn's settings as gunicorn reads them from gunicorn.conf.py."""
from pathlib import Path

import pytest
from gunicorn.config import Config

CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


def _settings(monkeypatch, **env):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    namespace = {"__file__": str(CONF)}
    exec(compile(CONF.read_text(), str(CONF), "exec"), namespace)  # what gunicorn -c does
    cfg = Config()
    for key, value in namespace.items():
        if key in cfg.settings:
            cfg.set(key, value)
    return cfg


@pytest.mark.parametrize("threads", ["4", "2", "8"])
def test_a_worker_takes_no_more_connections_than_it_has_threads(monkeypatch, threads):
    """Else one worker can take every connection of a burst and keep them (keep-alive)
    while the other worker idles."""
    cfg = _settings(monkeypatch, GUNICORN_THREADS=threads)
    assert cfg.worker_class_str == "gthread"
    assert cfg.threads == int(threads)
    assert cfg.worker_connections == cfg.threads


def test_no_keep_alive_promised_that_a_worker_cannot_keep(monkeypatch):
    cfg = _settings(monkeypatch)
    assert cfg.worker_connections - cfg.threads <= 0 and cfg.keepalive == 0


@pytest.mark.parametrize("count", [None, "500"])
def test_the_workers_are_not_replaced_together(monkeypatch, count):
    """Each worker is replaced after max_requests + a random jitter: with an even share of
    the requests, a jitter of half the count spreads the two replacements far apart."""
    cfg = _settings(monkeypatch, **({"GUNICORN_MAX_REQUESTS": count} if count else {}))
    assert cfg.max_requests == int(count or 10_000)
    assert cfg.max_requests_jitter >= cfg.max_requests // 2


def test_each_worker_keeps_the_apps_long_lived_objects_out_of_the_collector(monkeypatch):
    """Once a worker has built the app, a full garbage collection would scan everything
    the app holds and stop a request for ~130 ms now and then."""
    import gc

    cfg = _settings(monkeypatch)
    gc.unfreeze()
    try:
        assert gc.get_freeze_count() == 0
        cfg.post_worker_init(None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
