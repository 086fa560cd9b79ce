"""The table `make bench` prints, and the goals each row is held to."""
GOALS = {"list": (30, 60, 8), "detail": (30, 60, 12)}  # median ms, p95 ms, queries


def verdict(kind, result):
    goal = GOALS.get(kind)
    if goal is None or result.get("median_ms") is None:
        return ""
    median, p95, queries = goal
    misses = []
    if result["median_ms"] > median:
        misses.append("time")
    if result["p95_ms"] > p95:
        misses.append("p95")
    if result["queries"] > queries:
        misses.append("queries")
    if result.get("status") not in (200, 302):
        misses.append(f"HTTP {result.get('status')}")
    return "ok" if not misses else "MISS " + ",".join(misses)


def _ms(value):
    return "—" if value is None else f"{value:,.1f}"


def table(rows):
    """Markdown table: page | ours median/p95/queries | stock median/queries | stock/ours."""
    lines = ["| page | median ms | p95 ms | CPU ms | queries | stock median ms | stock queries "
             "| stock ÷ ours | goal |", "|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for row in rows:
        ours, stock = row["ours"], row.get("stock") or {}
        ratio = (f"{stock['median_ms'] / ours['median_ms']:.1f}×"
                 if stock.get("median_ms") and ours.get("median_ms") else "")
        lines.append(
            f"| {row['name']} | {_ms(ours.get('median_ms'))} | {_ms(ours.get('p95_ms'))} | "
            f"{_ms(ours.get('cpu_ms'))} | "
            f"{ours.get('queries', '')} | {_ms(stock.get('median_ms'))} | "
            f"{stock.get('queries', '')} | {ratio} | {verdict(row['kind'], ours)} |")
    return "\n".join(lines)
