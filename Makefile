# The two commands: `make run` and `make test` (plus `make check`, `make test-fast`, `make bench`).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi
HOST ?= 127.0.0.1
PORT ?= 8000
APT_UPDATED := /tmp/.forum-apt-updated

.PHONY: run test test-fast check bench install install-dev system-test-deps system-bench-deps db demo clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Debian packages the suite drives for real: Chromium, PostgreSQL's and Redis's servers.
system-test-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	command -v redis-server >/dev/null 2>&1 || missing="$$missing redis-server"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

system-bench-deps: system-test-deps
	@command -v wrk >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }

db: install
	$(BIN)/flask db upgrade

demo: db
	$(BIN)/flask demo --upcoming

run: demo
	@echo ""
	@echo "  Forum scheduler on http://$(HOST):$(PORT)/"
	@echo "  Log in as the demo organiser at http://$(HOST):$(PORT)/login"
	@echo "  with organiser@example.org / gosmart-demo"
	@echo "  Register for the upcoming demo at http://$(HOST):$(PORT)/events/smart-tech-fighting-covid-19-upcoming/"
	@if [ -z "$$MAIL_SERVER" ]; then echo "  E-mail is written as .eml files under instance/mail/ (set MAIL_SERVER to send it)"; fi
	@echo ""
	@$(BIN)/flask outbox work & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/gunicorn -c python:forum.gunicorn_conf --workers 2 --bind $(HOST):$(PORT) --no-control-socket --access-logfile - wsgi:app

# One pytest worker per core (pytest-xdist): each starts its own PostgreSQL, Redis and SMTP servers.
TEST_WORKERS ?= auto
# Each worker imports the same modules and pytest rewrites its plugins' asserts:
# with bytecode caches (even where the environment turns them off) that is done once.
test test-fast: export PYTHONDONTWRITEBYTECODE :=

# Lint and types; settings in pyproject.toml.
check: install-dev
	$(BIN)/ruff check forum tests
	$(BIN)/mypy

test: check system-test-deps
	$(BIN)/python -m pytest -n $(TEST_WORKERS)

# The edit-test loop: unit and SQLite integration tests, without PostgreSQL,
# Chromium or the slow tests that start real servers (pytest.ini's markers).
test-fast: install-dev
	$(BIN)/python -m pytest -n $(TEST_WORKERS) -m "not browser and not postgresql and not slow"

bench: install-dev system-bench-deps
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .mypy_cache .ruff_cache
