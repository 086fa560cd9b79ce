"""One benchmark run: every page, the public and mail paths, the load step."""
import json
import os
import platform
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

from flask import url_for
from sqlalchemy import text

from . import load, special
from .measure import QueryCounter, run
from .pages import plan
from .report import table, verdict
from .users import BENCH_ADMIN

RESULTS = Path(__file__).resolve().parent / "results.json"


def table_counts(app, tables):
    from app.extensions import db

    with app.app_context(), db.engine.connect() as conn:
        return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in tables}


def logged_in_client(app):
    client = app.test_client()
    with app.app_context():
        uid = app.appbuilder.sm.find_user(username=BENCH_ADMIN).id
    with client.session_transaction() as session:
        session["_user_id"] = str(uid)
        session["_fresh"] = True
        session["locale"] = "nl"
    return client


def _get(client, url):
    def call():
        response = client.get(url)
        return response.status_code, len(response.data)
    return call


def machine():
    cpu = ""
    try:
        cpu = next((line.split(":", 1)[1].strip() for line in
                    Path("/proc/cpuinfo").read_text().splitlines()
                    if line.startswith("model name")), "")
    except OSError:
        pass
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True, cwd=Path(__file__).parent).stdout.strip()
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(),
            "commit": commit}


def measure(app, bench_scale, runs=8, load_seconds=8, log=print, only=None, extras=True):
    """Measure everything; returns the results dict (also what results.json holds)."""
    from app.extensions import db

    with app.app_context():
        counter = QueryCounter(db.engine)
        dialect = db.engine.dialect.name
    counts = table_counts(app, ["sr_request", "fault_report", "fault_work_order", "fault_rating",
                                "fault_complaint", "audit_entry", "fault_device",
                                "fault_contractor", "fault_location"])
    client = logged_in_client(app)
    rows = []
    with app.app_context():
        pages = plan(app.appbuilder, counts)
    for page in pages:
        if only is not None and not only(page):
            continue
        with app.test_request_context():
            url = url_for(page.endpoint, **page.args)
            stock_url = (url_for(page.stock_endpoint, **(page.stock_args or {}))
                         if page.stock_endpoint else None)
        ours = run(_get(client, url), counter, runs)
        stock = run(_get(client, stock_url), counter, runs) if stock_url else None
        row = {"group": page.group, "name": page.name, "kind": page.kind, "url": url,
               "ours": ours, "stock": stock, "stock_url": stock_url}
        rows.append(row)
        log(f"  {page.name}: {ours['median_ms']} ms, {ours['queries']} q"
            + (f" | stock {stock['median_ms']} ms" if stock else "")
            + f"  {verdict(page.kind, ours)}")
    extra = {}
    if extras and not os.environ.get("BENCH_ONLY"):
        public = app.test_client()
        extra["report_post_12mp"] = special.report_post(public, counter, min(runs, 5))
        log(f"  public report POST, 12-MP photo: {extra['report_post_12mp']}")
        extra["photo_reencode_worker"] = special.reencode_pending(app)
        log(f"  worker: photos re-encoded off the request path: {extra['photo_reencode_worker']}")
        order_id = special.newest_order(app)
        extra["contractor_page"] = special.contractor_page(app, public, counter, runs, order_id)
        log(f"  contractor page: {extra['contractor_page']}")
        extra["work_order_pdf"] = special.work_order_pdf(app, counter, min(runs, 5), order_id)
        log(f"  work-order PDF: {extra['work_order_pdf']}")
        extra["outbox"] = special.outbox(app)
        log(f"  outbox: {extra['outbox']}")
        if load_seconds:
            with app.test_request_context():
                urls = [("public report form", url_for("faults_public.report")),
                        ("request list", url_for("ServiceRequestView.list")),
                        ("stock request list", url_for("StockRequestView.list"))]
            extra["load"] = load.run(app, urls, load_seconds)
            log(f"  load (gunicorn -w 2, wrk -c10, {load_seconds} s): {extra['load']}")
    return {"when": datetime.now(UTC).isoformat(timespec="seconds"), "database": dialect,
            "scale": bench_scale, "rows": counts, "machine": machine(), "pages": rows,
            "other": extra}


def write(results, path=None):
    path = Path(path or os.environ.get("BENCH_RESULTS") or RESULTS)
    old = json.loads(path.read_text()) if path.exists() else {}
    old[results["database"]] = results  # one entry per database: SQLite and PostgreSQL
    path.write_text(json.dumps(old, indent=1, default=str))
    return path


def _only(text, skip):
    """BENCH_ONLY=Rating,Complaint: only the pages whose name holds one of those texts;
    BENCH_SKIP=a,b: not the pages whose name holds one of those."""
    wanted = [s for s in (text or "").split(",") if s]
    skipped = [s for s in (skip or "").split(",") if s]
    if not wanted and not skipped:
        return None
    return lambda page: (not wanted or any(s in page.name for s in wanted)) and not any(
        s in page.name for s in skipped)


def main():
    from . import setup

    bench_scale = setup.scale()
    runs = int(os.environ.get("BENCH_RUNS", "8"))
    load_seconds = int(os.environ.get("BENCH_LOAD_SECONDS", "8"))
    t0 = time.monotonic()
    app = setup.make_app(setup.database_url(bench_scale))
    setup.prepare(app, bench_scale)
    print(f"measuring ({app.config['SQLALCHEMY_DATABASE_URI'].split('://')[0]}, "
          f"scale {bench_scale:g}, up to {runs} runs per page) …")
    results = measure(app, bench_scale, runs=runs, load_seconds=load_seconds,
                      only=_only(os.environ.get("BENCH_ONLY"), os.environ.get("BENCH_SKIP")))
    print()
    print(table(results["pages"]))
    print()
    for name, value in results["other"].items():
        print(f"{name}: {value}")
    print(f"\nwritten to {write(results)} ({time.monotonic() - t0:.0f} s)")
