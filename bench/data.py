"""The benchmark's data: ten years of a registry office and a facility company.

Built once per (database, scale) and reused: the schema comes from the migrations
(so a rerun after a new migration upgrades the big database the way production
would), the rows are bulk-loaded — executemany on SQLite, COPY on PostgreSQL —
with the secondary indexes dropped during the load and rebuilt after it.

Columns the loader does not know (added later by someone else) are filled from
their default or a neutral value of their type, so the loader keeps working as
the models grow.
"""
import random
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import inspect, text

# Full size (scale 1.0), as the issue counts it.
SIZES = {"requests": 1_000_000, "audit": 5_000_000, "devices": 20_000, "reports": 300_000}
FIXED = {"locations": 200, "contractors": 25, "writers": 40}
CHUNK = 50_000
START = datetime(2016, 12, 1, 8, 0, tzinfo=UTC)
TEN_YEARS = timedelta(days=3650)
META_TABLE = "bench_meta"

FIRST = ["Jan", "Piet", "Kees", "Anna", "Maria", "Sanne", "Daan", "Lotte", "Sem", "Emma",
         "Lucas", "Julia", "Finn", "Tess", "Milan", "Sophie", "Noah", "Eva", "Levi", "Zoë"]
LAST = ["de Vries", "Jansen", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer",
        "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker",
        "Brouwer", "de Wit", "Dijkstra", "Smits", "Martina", "Maduro", "Croes", "Koolman"]
PRODUCTS = [  # code, name, kind, price, additional
    ("HYP", "Hypotheekuittreksel", "mortgage_extract", "12.50", False),
    ("HYP-S", "Hypotheekuittreksel spoed", "mortgage_extract", "25.00", False),
    ("KAD", "Kadastraal uittreksel", "cadastral_extract", "10.00", False),
    ("KAD-H", "Kadastraal uittreksel historisch", "cadastral_extract", "17.50", False),
    ("MAP", "Meetbrief", "survey_map", "35.00", False),
    ("MAP-K", "Meetbrief kopie", "survey_map", "15.00", False),
    ("A4", "Print A4 (per pagina boven 5)", "print", "0.50", True),
]
KIND_WEIGHTS = [45, 10, 35, 5, 4, 1]  # over the first six products
FINAL = [("paid", 62), ("delivered", 30), ("refund", 2)]
OPEN = ["received", "assigned", "documents_needed", "documents_received", "in_preparation",
        "prepared", "correction_needed", "ready"]
WO_STATUS_OLD = [("completed", 97), ("accepted", 1), ("parts_on_order", 1), ("new", 1)]
WO_STATUS_NEW = [("completed", 40), ("accepted", 25), ("parts_on_order", 15), ("new", 20)]
FIELDS = ["status", "assigned_to", "applicant_email", "applicant_phone", "handed_over_to"]


def sizes(scale):
    out = {k: max(20, int(v * scale)) for k, v in SIZES.items()}
    out.update(FIXED)
    out["devices"] = min(out["devices"], out["reports"])
    return out


# ---------------------------------------------------------------- bookkeeping

def built_scale(engine):
    """The scale this database was completely loaded at, or None."""
    if META_TABLE not in inspect(engine).get_table_names():
        return None
    with engine.connect() as conn:
        row = conn.execute(text(f"SELECT scale FROM {META_TABLE} WHERE done = 1")).first()
    return float(row[0]) if row else None


def _mark(engine, scale, seconds):
    with engine.begin() as conn:
        conn.execute(text(f"CREATE TABLE IF NOT EXISTS {META_TABLE} "
                          "(scale FLOAT, done INTEGER, seconds FLOAT)"))
        conn.execute(text(f"DELETE FROM {META_TABLE}"))
        conn.execute(text(f"INSERT INTO {META_TABLE} VALUES (:s, 1, :t)"),
                     {"s": scale, "t": seconds})


# ---------------------------------------------------------------- generic writer

def _neutral(column):
    """A value for a NOT NULL column the loader does not know."""
    default = column.default
    if default is not None and getattr(default, "is_scalar", False):
        return default.arg
    python_type = None
    try:
        python_type = column.type.python_type
    except NotImplementedError:
        pass
    if python_type is bool:
        return False
    if python_type is int:
        return 0
    if python_type is Decimal or python_type is float:
        return Decimal("0")
    if python_type is datetime:
        return START
    if python_type is date:
        return START.date()
    return ""


class Writer:
    """Bulk insert of dict rows into one table, in chunks, per dialect."""

    def __init__(self, engine, metadata):
        self.engine = engine
        self.metadata = metadata
        self.dialect = engine.dialect.name
        self.counts = {}

    def _columns(self, table, sample):
        cols = []
        for column in table.columns:
            if column.name in sample:
                cols.append((column.name, None))
            elif not column.nullable and not (column.primary_key and column.autoincrement):
                cols.append((column.name, _neutral(column)))
        return cols

    def _sqlite_value(self, value):
        if isinstance(value, datetime):
            return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, Decimal):
            return str(value)
        if isinstance(value, date):
            return value.isoformat()
        return value

    def write(self, table_name, rows):
        """`rows`: an iterable of dicts (every dict with the same keys)."""
        table = self.metadata.tables[table_name]
        iterator = iter(rows)
        first = next(iterator, None)
        if first is None:
            return 0
        cols = self._columns(table, first)
        names = [name for name, _ in cols]
        count = 0
        raw = self.engine.raw_connection()
        try:
            cursor = raw.cursor()
            if self.dialect == "sqlite":
                cursor.execute("PRAGMA synchronous = OFF")
            batch = []

            def flush():
                nonlocal batch
                if not batch:
                    return
                if self.dialect == "sqlite":
                    marks = ",".join("?" * len(names))
                    cursor.executemany(
                        f'INSERT INTO {table_name} ({",".join(names)}) VALUES ({marks})',
                        [tuple(self._sqlite_value(v) for v in r) for r in batch])
                else:
                    with cursor.copy(f'COPY {table_name} ({",".join(names)}) FROM STDIN') as cp:
                        for r in batch:
                            cp.write_row(r)
                batch = []

            for row in _chain(first, iterator):
                batch.append(tuple(row[n] if fill is None else fill for n, fill in cols))
                count += 1
                if len(batch) >= CHUNK:
                    flush()
            flush()
            raw.commit()
        finally:
            raw.close()
        self.counts[table_name] = self.counts.get(table_name, 0) + count
        return count


def _chain(first, rest):
    yield first
    yield from rest


# ---------------------------------------------------------------- indexes off during the load

def _secondary_indexes(engine, tables):
    """(name, DDL) of every index a bulk load would have to keep up to date."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            rows = conn.execute(text(
                "SELECT name, sql FROM sqlite_master WHERE type='index' AND sql IS NOT NULL "
                f"AND tbl_name IN ({','.join(repr(t) for t in tables)})")).all()
        else:
            rows = conn.execute(text(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i "
                "WHERE i.schemaname = current_schema() AND i.tablename = ANY(:t) "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)"),
                {"t": list(tables)}).all()
    return [(name, ddl) for name, ddl in rows]


def _drop_indexes(engine, indexes):
    with engine.begin() as conn:
        for name, _ddl in indexes:
            conn.execute(text(f'DROP INDEX "{name}"'))


def _create_indexes(engine, indexes):
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.execute(text("PRAGMA cache_size = -100000"))  # 100 MB for the sorts
        for _name, ddl in indexes:
            conn.execute(text(ddl))


# ---------------------------------------------------------------- the rows

def _pick(rng, weighted):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights)[0]


def _request_rows(rng, n, writer_ids):
    span = TEN_YEARS.total_seconds() / n
    for i in range(1, n + 1):
        # Mostly in id order, with some jitter, like requests entered a little late.
        at = START + timedelta(seconds=i * span + rng.uniform(-3 * span, 0))
        recent = i > n * 0.98
        status = rng.choice(OPEN) if recent else _pick(rng, FINAL)
        first, last = rng.choice(FIRST), rng.choice(LAST)
        urgency = rng.choices(("online", "normal", "urgent"), (70, 25, 5))[0]
        handed = status in ("delivered", "paid", "refund")
        yield {
            "id": i, "order_no": f"{at.year}-{i:07d}", "status": status, "urgency": urgency,
            "on_behalf_of": None if urgency == "online" else "registrar",
            "received_at": at, "applicant_name": f"{first} {last}",
            "applicant_email": f"{first.lower()}.{i}@example.org",
            "applicant_phone": f"+5999{i:07d}", "id_number": f"ID{i:08d}",
            "assigned_to_id": None if status == "received" else rng.choice(writer_ids),
            "handed_over_at": at + timedelta(days=3) if handed else None,
            "handed_over_to": f"{first} {last}" if handed else None,
            "id_checked": handed, "client_reference": None, "version_id": 3,
            "created_at": at, "updated_at": at,
        }


def _line_rows(rng, n, products):
    line_id = 0
    main = products[:6]
    for request_id in range(1, n + 1):
        for _ in range(rng.choices((1, 2, 3), (50, 35, 15))[0]):
            line_id += 1
            product_id, price = rng.choices(main, KIND_WEIGHTS)[0]
            yield {"id": line_id, "request_id": request_id, "product_id": product_id,
                   "quantity": 1, "unit_price": price, "customer_info": None,
                   "created_at": START, "updated_at": START}


def _payment_rows(rng, requests):
    for i, (status, at) in enumerate(requests, 1):
        if status in ("paid", "refund"):
            yield {"request_id": i, "paid_at": at + timedelta(days=1),
                   "amount": Decimal("25.00"), "method": rng.choice(("cash", "card", "online"))}


def _audit_rows(rng, n_audit, n_requests, n_orders, user_ids):
    per_request = max(1, int(n_audit * 0.8) // n_requests)
    span = TEN_YEARS.total_seconds() / n_requests
    made = 0
    for i in range(1, n_requests + 1):
        at = START + timedelta(seconds=i * span)
        for k in range(per_request):
            field = FIELDS[k % len(FIELDS)]
            yield {"at": at + timedelta(minutes=k), "actor_type": "user",
                   "user_id": rng.choice(user_ids), "actor_name": "", "ip_address": "10.0.0.7",
                   "user_agent": "Mozilla/5.0", "endpoint": "ServiceRequestView.show",
                   "action": "update" if k else "create", "entity_type": "ServiceRequest",
                   "entity_id": str(i), "subject_type": "ServiceRequest", "subject_id": str(i),
                   "field": field, "old_value": "received" if field == "status" else None,
                   "new_value": "assigned" if field == "status" else f"value {k}"}
            made += 1
    order_span = TEN_YEARS.total_seconds() / max(n_orders, 1)
    while made < n_audit:
        j = rng.randint(1, n_orders)
        yield {"at": START + timedelta(seconds=j * order_span), "actor_type": "contractor",
               "user_id": None, "actor_name": "Onderhoud BV", "ip_address": "10.0.0.9",
               "user_agent": "Mozilla/5.0", "endpoint": "faults_public.work_order",
               "action": "transition", "entity_type": "WorkOrder", "entity_id": str(j),
               "subject_type": "WorkOrder", "subject_id": str(j), "field": "status",
               "old_value": "new", "new_value": "accepted"}
        made += 1


def _fault_rows(rng, size):
    """Yields (table, rows) for the fault-report domain."""
    n_loc, n_con = size["locations"], size["contractors"]
    n_dev, n_rep = size["devices"], size["reports"]
    yield "fault_contractor", [
        {"id": c, "name": f"Onderhoudspartner {c:02d} BV", "email": f"partner{c}@example.org",
         "phone": "+5999 555 0000", "contact_person": rng.choice(FIRST), "created_at": START,
         "updated_at": START} for c in range(1, n_con + 1)]
    yield "fault_location", [
        {"id": loc, "name": f"Locatie {loc:03d}", "street": f"Schottegatweg {loc}",
         "postcode": "0000", "city": "Willemstad", "contact_name": None, "contact_phone": None,
         "contact_email": None, "default_contractor_id": rng.randint(1, n_con),
         "created_at": START, "updated_at": START} for loc in range(1, n_loc + 1)]
    yield "fault_sticker_batch", [
        {"id": b + 1, "code": f"2016-{b:03d}", "name": f"Reeks {b + 1}", "customer": None,
         "location_id": rng.randint(1, n_loc), "size": 1000, "created_at": START}
        for b in range(n_dev // 1000 + 1)]
    yield "fault_sticker_code", ({"id": d, "code": f"B{d:07d}", "batch": f"2016-{d // 1000:03d}",
                                  "batch_id": d // 1000 + 1, "created_at": START}
                                 for d in range(1, n_dev + 1))
    device_loc = [rng.randint(1, n_loc) for _ in range(n_dev + 1)]
    device_con = [rng.randint(1, n_con) for _ in range(n_dev + 1)]
    yield "fault_device", ({"id": d, "sticker_id": d, "location_id": device_loc[d],
                            "placement": f"Verdieping {d % 7}, ruimte {d % 40}",
                            "device_type": rng.choice(("Airco", "Lift", "Deur", "Pomp", "Licht")),
                            "photo_id": None, "serial_number": f"SN{d:08d}",
                            "contractor_id": device_con[d], "registered_by_id": None,
                            "registered_at": START, "created_at": START, "updated_at": START}
                           for d in range(1, n_dev + 1))
    span = TEN_YEARS.total_seconds() / n_rep
    reports, orders = [], []
    for r in range(1, n_rep + 1):
        at = START + timedelta(seconds=r * span)
        device = rng.randint(1, n_dev) if rng.random() < 0.7 else None
        reports.append({
            "id": r, "number": f"KH-A-{r:06d}", "device_id": device,
            "location_id": device_loc[device] if device else rng.randint(1, n_loc),
            "placement": None if device else "Hal, bij de ingang",
            "description": "Werkt niet meer sinds vanochtend.", "photo_id": None,
            "reporter_first_name": rng.choice(FIRST), "reporter_last_name": rng.choice(LAST),
            "reporter_email": f"melder{r}@example.org", "reporter_phone": None,
            "token_hash": None, "token_salt": None, "created_at": at, "updated_at": at})
        status = _pick(rng, WO_STATUS_NEW if r > n_rep * 0.99 else WO_STATUS_OLD)
        done = status == "completed"
        orders.append({
            "id": r, "number": f"KH-OC-{r:06d}", "report_id": r,
            "contractor_id": device_con[device] if device else rng.randint(1, n_con),
            "status": status, "appointment_date": (at + timedelta(days=2)).date(),
            "contractor_remarks": None, "invoice_total": Decimal("125.00") if done else None,
            "warranty": False if done else None, "contractor_reference": None,
            "internal_note": None, "contractor_note": None,
            "accepted_at": at + timedelta(hours=5) if status != "new" else None,
            "parts_ordered_at": None, "completed_at": at + timedelta(days=3) if done else None,
            "token_hash": None, "token_salt": None, "version": 2, "created_at": at,
            "complete_due_at": at + timedelta(days=14), "updated_at": at})
    yield "fault_report", reports
    yield "fault_work_order", orders
    completed = [o for o in orders if o["status"] == "completed"]
    yield "fault_rating", ({
        "id": k, "work_order_id": o["id"], "contractor_id": o["contractor_id"],
        "speed": rng.randint(1, 5),
        "communication": rng.randint(1, 5), "quality": rng.randint(1, 5),
        "solved": rng.random() < 0.9, "comment": None, "created_at": o["completed_at"]}
        for k, o in enumerate((o for o in completed if rng.random() < 0.4), 1))
    yield "fault_complaint", ({
        "id": k, "work_order_id": o["id"], "text": "Niet goed opgelost.",
        "response": "Wij komen terug." if k % 3 else None,
        "responded_at": o["completed_at"] if k % 3 else None,
        "status": ("open", "answered", "closed")[k % 3], "closed_at": None,
        "token_hash": None, "token_salt": None, "created_at": o["created_at"],
        "updated_at": o["created_at"]}
        for k, o in enumerate((o for o in orders if rng.random() < 0.05), 1))


# ---------------------------------------------------------------- build

BIG_TABLES = ("sr_request", "sr_requested_line", "sr_payment", "audit_entry", "fault_report",
              "fault_work_order", "fault_rating", "fault_complaint", "fault_device",
              "fault_sticker_code")


def load(app, scale, log=print, users=None, bench=True):
    """Fill the (migrated, empty) database of `app` at `scale`; returns row counts.

    `users`: (writer ids, every user id) to use instead of making the bench's own;
    `bench=False` (tests): keep the indexes during the load and leave no mark."""
    from app.extensions import db

    from .users import make_users

    rng = random.Random(20261130)
    size = sizes(scale)
    started = time.monotonic()
    with app.app_context():
        engine = db.engine
        metadata = db.metadata
        writer_ids, user_ids = users or make_users(app, size["writers"])
        writer = Writer(engine, metadata)
        indexes = _secondary_indexes(engine, BIG_TABLES) if bench else []
        _drop_indexes(engine, indexes)

        def step(table, rows):
            t0 = time.monotonic()
            count = writer.write(table, rows)
            log(f"  {table}: {count:,} rows in {time.monotonic() - t0:.1f} s")

        step("sr_product", [
            {"id": k, "code": code, "name": name, "kind": kind, "unit_price": Decimal(price),
             "is_additional": extra, "active": True, "created_at": START, "updated_at": START}
            for k, (code, name, kind, price, extra) in enumerate(PRODUCTS, 1)])
        products = [(k, Decimal(p[3])) for k, p in enumerate(PRODUCTS, 1)]
        requests = []

        def request_rows():
            for row in _request_rows(rng, size["requests"], writer_ids):
                requests.append((row["status"], row["received_at"]))
                yield row
        step("sr_request", request_rows())
        step("sr_requested_line", _line_rows(rng, size["requests"], products))
        step("sr_payment", _payment_rows(rng, requests))
        requests.clear()
        for table, rows in _fault_rows(rng, size):
            step(table, rows)
        step("audit_entry", _audit_rows(rng, size["audit"], size["requests"], size["reports"],
                                        user_ids))
        _recount_derived(engine)
        _set_sequences(engine, writer.counts)
        _set_number_series(engine, size["reports"])
        t0 = time.monotonic()
        _create_indexes(engine, indexes)
        log(f"  {len(indexes)} indexes rebuilt in {time.monotonic() - t0:.1f} s")
        if bench:
            _analyze(engine)
            _mark(engine, scale, time.monotonic() - started)
    return writer.counts


def _set_sequences(engine, counts):
    """PostgreSQL: serial sequences past the ids the loader chose."""
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as conn:
        for table in counts:
            conn.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"))


def _recount_derived(engine):
    """Derived columns the app keeps current on every write, computed once for the
    bulk-loaded rows (as their migration does)."""
    from app.faults import models
    from app.service_requests import kinds

    recount = getattr(models, "recount_rating_sums", None)
    if recount is not None:
        with engine.begin() as conn:
            recount(conn)
    with engine.begin() as conn:
        kinds.recount_kinds(conn)


def _set_number_series(engine, reports):
    """New reports and orders numbered after the loaded ones (KH-A-000001 … exist)."""
    with engine.begin() as conn:
        for name in ("fault_report", "fault_work_order"):
            conn.execute(text("DELETE FROM number_series WHERE name = :n"), {"n": name})
            conn.execute(text("INSERT INTO number_series (name, value) VALUES (:n, :v)"),
                         {"n": name, "v": reports})


def _analyze(engine):
    """Planner statistics; on PostgreSQL also VACUUM, which sets the visibility map that
    index-only scans (the bounded counts) need: autovacuum does it to a table in
    production some time after a bulk of inserts, so the bench measures that steady state,
    not a freshly loaded table whose every index entry sends the count to the heap."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
        return
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
