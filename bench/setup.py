"""The benchmark's app and database: built once per (database, scale), then reused.

SQLite files live in bench/data/ (not in git); BENCH_DATABASE_URL points at a
PostgreSQL database instead. A rerun applies new migrations to the loaded
database, the way a production upgrade would.
"""
import os
import time
from pathlib import Path

from sqlalchemy import text

DATA_DIR = Path(__file__).resolve().parent / "data"
# Signs the benchmark's session cookies only; nothing else uses it.
SECRET_KEY = "bench-only-" + "0" * 32


def scale():
    return float(os.environ.get("BENCH_SCALE", "1"))


def database_url(bench_scale):
    from config import database_url as normalise

    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        return normalise(url)
    DATA_DIR.mkdir(exist_ok=True)
    return f"sqlite:///{DATA_DIR / f'bench-{bench_scale:g}.db'}"


def make_app(url):
    from app import create_app

    app = create_app(
        "config.Config", SQLALCHEMY_DATABASE_URI=url, SECRET_KEY=SECRET_KEY,
        RATELIMIT_ENABLED=False, WTF_CSRF_ENABLED=False, MAIL_SERVER="",
        FAB_PASSWORD_HASH_METHOD="pbkdf2:sha256:1000", PUBLIC_BASE_URL="http://bench.test",
        UPLOAD_FOLDER=str(DATA_DIR / "uploads"))
    with app.app_context():
        from . import stock  # after create_app: the models need FAB's User first

        stock.register(app.appbuilder)
    from app.long_lived import freeze_long_lived

    freeze_long_lived()  # as each gunicorn worker does once it has built the app
    return app


def _reset(app):
    from app.extensions import db

    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    else:
        db.engine.dispose()
        path = Path(db.engine.url.database)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(str(path) + suffix).unlink(missing_ok=True)


def prepare(app, bench_scale, log=print, migrate=True):
    """Migrate the database and load it at `bench_scale` unless that is already done.
    `migrate=False` makes the schema from the models instead (the quick test)."""
    from flask_migrate import upgrade

    from app.extensions import db
    from app.security.sync import sync_roles

    from .data import built_scale, load

    with app.app_context():
        if built_scale(db.engine) not in (None, bench_scale) or _half_built(db.engine):
            log("database holds another size or an interrupted load: starting over")
            _reset(app)
        fresh = built_scale(db.engine) is None
        t0 = time.monotonic()
        if migrate:
            upgrade(directory=str(Path(__file__).resolve().parent.parent / "migrations"))
        else:
            db.create_all()
        sync_roles()
        log(f"schema up to date ({time.monotonic() - t0:.1f} s)")
    if fresh:
        log(f"loading data at scale {bench_scale:g} …")
        t0 = time.monotonic()
        counts = load(app, bench_scale, log=log)
        log(f"loaded {sum(counts.values()):,} rows in {time.monotonic() - t0:.0f} s")
    _daily_counts(app, log)
    _search_documents(app, log)
    _due_moments(app, log)


def _daily_counts(app, log):
    """What the night's job keeps: the dashboards' per-day counts of the closed days (all
    of them after a load, the last few on a rerun)."""
    from app.dashboard.daily import rebuild
    from app.extensions import db

    t0 = time.monotonic()
    with app.app_context():
        written = rebuild(db.session, commit=True)
    log(f"dashboard day counts: {written} in {time.monotonic() - t0:.1f} s")


def _search_documents(app, log):
    """The search index the app keeps on every write, built for the bulk-loaded records
    (as `flask search reindex` does after an import) when a kind has fewer documents than
    records: without it a contains-search would be measured on an empty index."""
    from app.extensions import db
    from app.search.index import reindex
    from app.search.models import SearchDocument
    from app.search.registry import sources

    with app.app_context():
        missing = set()
        for source in sources():
            records = db.session.scalar(text(f"SELECT count(*) FROM {source.model.__tablename__}"))
            documents = db.session.scalar(text(
                f"SELECT count(*) FROM {SearchDocument.__tablename__} WHERE kind = :k"),
                {"k": source.kind})
            if documents < records:
                missing.add(source.kind)
        if not missing:
            return
        t0 = time.monotonic()
        written = reindex(db.session, batch=5000, kinds=missing)
        db.session.execute(text(f"ANALYZE {SearchDocument.__tablename__}"))
        db.session.commit()
    log(f"search index: {written} in {time.monotonic() - t0:.1f} s")


def _due_moments(app, log):
    """Due moments of the bulk-loaded requests, as `flask requests backfill-due` sets them
    after an import: without them the Overdue button would be measured on no rows."""
    from app.extensions import db
    from app.service_requests.clock_backfill import backfill_due_dates

    from .data import _analyze

    with app.app_context():
        if db.session.scalar(text("SELECT 1 FROM sr_request WHERE due_at IS NULL LIMIT 1")) is None:
            return
        t0 = time.monotonic()
        done = backfill_due_dates(db.session, commit=True)
        _analyze(db.engine)  # every request rewritten: the visibility map is to set again
    log(f"due moments: {done:,} requests in {time.monotonic() - t0:.1f} s")


def _half_built(engine):
    from sqlalchemy import inspect

    from .data import built_scale

    tables = inspect(engine).get_table_names()
    if "sr_request" not in tables or built_scale(engine) is not None:
        return False
    with engine.connect() as conn:
        return conn.execute(text("SELECT 1 FROM sr_request LIMIT 1")).first() is not None
