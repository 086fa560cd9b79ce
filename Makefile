# Two commands: `make run` serves the app with demo data (gunicorn, as in production),
# `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := run.py
PORT ?= 8080

.PHONY: run test lint setup migrate translations messages migration clean bench guide-screenshots

# Stamp written only after a complete install: an install that fails half-way is
# retried by the next make, and a changed requirements.txt installs again.
INSTALLED := $(VENV)/.installed

$(INSTALLED): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $(INSTALLED)

setup: $(INSTALLED) translations

translations: $(INSTALLED)
	$(BIN)/pybabel compile -f -d translations -D messages >/dev/null

# After changing texts: extract every _() of code and templates (babel.cfg) and merge
# them into the catalogs; then translate the new entries and `make translations`.
messages: $(INSTALLED)
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext -o translations/messages.pot --omit-header .
	$(BIN)/pybabel update -i translations/messages.pot -d translations -D messages --no-fuzzy-matching

migrate: setup
	$(BIN)/flask db upgrade
	$(BIN)/flask roles sync

run: migrate
	$(BIN)/flask demo load
	@echo "Mail worker in the background (log: instance/mail-worker.log)"
	@mkdir -p instance
	@$(BIN)/flask mail worker >instance/mail-worker.log 2>&1 & echo $$! > instance/mail-worker.pid
	@echo "Serving on http://127.0.0.1:$(PORT) (gunicorn; WEB_CONCURRENCY workers, GUNICORN_THREADS threads)"
	@trap 'kill $$(cat instance/mail-worker.pid) 2>/dev/null' EXIT INT TERM HUP; \
	  PORT=$(PORT) $(BIN)/gunicorn -c gunicorn.conf.py

# Two pytest workers (pytest-xdist), each with its own database: the suite is CPU-bound and
# the machines have two cores. TEST_WORKERS=0 runs it in one process (for pdb).
TEST_WORKERS ?= 2
test: setup
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

# Every page at ten years of data beside stock FAB (docs/performance.md). The data is
# built once in bench/data/ and reused; BENCH_SCALE=0.01 for a quick run,
# BENCH_DATABASE_URL=postgresql://… for PostgreSQL.
bench: setup
	$(BIN)/python -m bench

lint: $(INSTALLED)
	$(BIN)/ruff check .

# New migration after a model change: make migration m="what changed"
migration: setup
	$(BIN)/flask db migrate -m "$(m)"

# The user guides' screenshots, taken by the browser suite (needs Debian's chromium).
guide-screenshots: setup
	rm -rf tests/artifacts/guide
	$(BIN)/python -m pytest tests/browser -q
	mkdir -p docs/gebruikers/img
	cp tests/artifacts/guide/*.png docs/gebruikers/img/

clean:
	rm -rf $(VENV) instance .pytest_cache
