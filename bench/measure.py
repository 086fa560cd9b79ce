"""Timing one page: median and p95 over several runs, and the SQL statements it ran."""
import statistics
import time
from contextlib import contextmanager

from sqlalchemy import event


class QueryCounter:
    """Counts the statements an engine executes while `counting` is on."""

    def __init__(self, engine):
        self.count = 0
        self.active = False
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *args, **kwargs):
        if self.active:
            self.count += 1

    @contextmanager
    def counting(self):
        self.count, self.active = 0, True
        try:
            yield self
        finally:
            self.active = False


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def run(call, counter, runs, budget_s=6.0, min_runs=3):
    """Time `call()` up to `runs` times (fewer when a page is slow: at least `min_runs`,
    then stop once `budget_s` is used). One untimed warm-up unless the page is slow
    or only one run is asked for."""
    started = time.perf_counter()
    with counter.counting():
        status, size = call()
    first = time.perf_counter() - started
    queries = counter.count
    times = [] if first < 1.0 and runs > 1 else [first]
    cpu = []
    if first > 5.0:  # a page this slow is measured once: its figure says enough
        runs = 1
    while len(times) < runs:
        t0, c0 = time.perf_counter(), time.process_time()
        with counter.counting():
            status, size = call()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        queries = counter.count
        if len(times) >= min_runs and time.perf_counter() - started > budget_s:
            break
    ms = [t * 1000 for t in times]
    # CPU time of this process: what the page costs without the other processes'
    # share of a busy machine (wall time includes waiting for a core).
    cpu_ms = round(statistics.median(cpu) * 1000, 1) if cpu else None
    return {"median_ms": round(statistics.median(ms), 1), "p95_ms": round(percentile(ms, 0.95), 1),
            "cpu_ms": cpu_ms,
            "runs": len(ms), "queries": queries, "status": status, "bytes": size}


def free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
