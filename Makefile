# stadtlage: `make run` serves the demo city, `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
# PostgreSQL used by `make test` when reachable (override with TEST_DATABASE_URL).
PG_DEFAULT_URL := postgres://postgres@127.0.0.1:5432/postgres
CHROMIUM := /usr/bin/chromium
# OpenID Connect test provider (node `oidc-provider`) for the single sign-on tests.
OIDC_DIR := tests/oidc
OIDC_STAMP := $(OIDC_DIR)/node_modules/.installed-stamp
# Test-only npm tools (axe-core for the accessibility browser tests), installed into an ignored
# folder; never served, never vendored.
TEST_TOOLS := .test-tools
AXE_VERSION := 4.10.3
AXE := $(TEST_TOOLS)/node_modules/axe-core/axe.min.js

.PHONY: install run serve test lint typecheck pytest pytest-sqlite pytest-postgres fuzz chromium axe oidc-provider messages clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 ($(PYTHON)) wird benötigt."; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Links that leave the site (e-mails, Open311 media_url) point where `make run` serves, unless
# STADTLAGE_BASE_URL says otherwise; a server on every interface is reached as 127.0.0.1.
LINK_HOST := $(if $(filter 0.0.0.0 ::,$(HOST)),127.0.0.1,$(HOST))
RUN_BASE_URL := $(or $(STADTLAGE_BASE_URL),http://$(LINK_HOST):$(PORT))

run: install
	STADTLAGE_DEMO=1 $(BIN)/stadtlage migrate --noinput
	STADTLAGE_DEMO=1 STADTLAGE_BASE_URL=$(RUN_BASE_URL) $(BIN)/stadtlage demo --if-empty
	STADTLAGE_DEMO=1 STADTLAGE_BASE_URL=$(RUN_BASE_URL) $(BIN)/stadtlage runserver $(HOST):$(PORT)

# Production server as in a data centre: settings from the environment or .env (see
# .env.example and docs/operations.md); gunicorn and the background worker run together.
# HOST/PORT given to make win over .env; otherwise .env or the default 127.0.0.1:8000.
SERVE_ENV := $(foreach v,HOST PORT,$(if $(filter environment command line,$(origin $(v))),$(v)=$($(v))))
serve: install
	$(BIN)/stadtlage collectstatic --noinput
	$(BIN)/stadtlage migrate --noinput
	$(SERVE_ENV) $(BIN)/stadtlage serve

# Debian's Chromium drives the browser tests (never `playwright install`).
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Chromium fehlt: sudo apt-get install -y chromium"; exit 1; fi; \
	fi

# Installed from the lock file into tests/oidc/node_modules (ignored); never used in production.
$(OIDC_STAMP): $(OIDC_DIR)/package.json $(OIDC_DIR)/package-lock.json
	@if ! command -v npm >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; \
	  else echo "Node.js und npm fehlen: sudo apt-get install -y nodejs npm"; exit 1; fi; \
	fi
	cd $(OIDC_DIR) && npm ci --no-audit --no-fund --loglevel=error
	touch $(OIDC_STAMP)

oidc-provider: $(OIDC_STAMP)

lint: install
	$(BIN)/ruff check $(wildcard src tests bench)
	$(BIN)/ruff format --check $(wildcard src tests bench)

typecheck: install
	STADTLAGE_DEMO=1 $(BIN)/mypy

$(AXE):
	@if ! command -v npm >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; \
	  else echo "npm fehlt (für axe-core in den Browsertests): sudo apt-get install -y npm"; exit 1; fi; \
	fi
	npm install --silent --no-audit --no-fund --no-save --prefix $(TEST_TOOLS) axe-core@$(AXE_VERSION)

axe: $(AXE)

pytest-sqlite: install chromium axe oidc-provider
	STADTLAGE_DEMO=1 DATABASE_URL= $(BIN)/pytest -q

pytest-postgres: install chromium axe oidc-provider
	@url="$${TEST_DATABASE_URL:-}"; \
	if [ -z "$$url" ]; then \
	  if $(BIN)/python -c "import socket; socket.create_connection(('127.0.0.1', 5432), 1)" 2>/dev/null; \
	  then url=$(PG_DEFAULT_URL); else echo "PostgreSQL nicht erreichbar: Tests nur mit SQLite."; exit 0; fi; \
	fi; \
	echo "PostgreSQL: $$url"; \
	STADTLAGE_DEMO=1 DATABASE_URL="$$url" $(BIN)/pytest -q -p no:cacheprovider

pytest: pytest-sqlite pytest-postgres

# Property-based fuzzing with many examples (the suite runs a few): schemathesis against the
# OpenAPI documents of the field, partner and Open311 APIs, and every URL with bad input.
FUZZ_EXAMPLES ?= 500
fuzz: install
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) STADTLAGE_DEMO=1 DATABASE_URL= $(BIN)/pytest -q -p no:cacheprovider tests/robustness tests/patrols/test_fuzz.py

test: lint typecheck pytest

messages: install
	cd src/stadtlage && STADTLAGE_DEMO=1 ../../$(BIN)/stadtlage makemessages -l en --no-obsolete --add-location file && STADTLAGE_DEMO=1 ../../$(BIN)/stadtlage compilemessages

clean:
	rm -rf $(VENV) $(TEST_TOOLS) $(OIDC_DIR)/node_modules .mypy_cache .ruff_cache .pytest_cache
