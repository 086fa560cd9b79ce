"""`make bench` at a tiny size, so the benchmark cannot rot: it builds its database,
opens every list of both domains beside stock FAB, and writes its results."""
import json

from bench import run, setup
from bench.report import table

SCALE = 0.0002  # 200 requests, 1,000 audit rows, 60 fault reports


def test_bench_measures_every_list_beside_stock_fab(tmp_path, monkeypatch):
    monkeypatch.setattr(setup, "DATA_DIR", tmp_path)
    monkeypatch.delenv("BENCH_DATABASE_URL", raising=False)
    app = setup.make_app(f"sqlite:///{tmp_path / 'bench.db'}")
    setup.prepare(app, SCALE, log=lambda *a: None, migrate=False)

    # Every list's first page and every detail page; of the slow shapes one per kind.
    shapes = ("first page", "detail", "last page", "sort by received_at", "contains-search")
    results = run.measure(app, SCALE, runs=1, load_seconds=0, log=lambda *a: None,
                          extras=False, only=lambda page: any(s in page.name for s in shapes))

    pages = {row["name"]: row for row in results["pages"]}
    assert results["rows"]["sr_request"] == 200
    for name in ("ServiceRequestView: first page", "UrgentRequestsView: first page",
                 "FaultReportView: first page", "RatingView: first page",
                 "ContractorView: first page", "ServiceRequestView: detail with tabs"):
        assert pages[name]["ours"]["status"] == 200, name
        assert pages[name]["ours"]["queries"] > 0, name
    stock = pages["ServiceRequestView: last page (7)"]["stock"]
    assert pages["ServiceRequestView: sort by received_at"]["stock"]["status"] == 200
    assert stock["status"] == 200 and stock["median_ms"] > 0
    assert all(row["ours"]["status"] in (200, 302) for row in results["pages"])

    printed = table(results["pages"])
    assert "| ServiceRequestView: first page |" in printed
    path = run.write(results, tmp_path / "results.json")
    assert json.loads(path.read_text())["sqlite"]["scale"] == SCALE
