# apdocs: two commands.
#   make run   set everything up (first time only) and serve on APDOCS_HOST:APDOCS_PORT (127.0.0.1:5000)
#   make test  set everything up, run the whole suite on SQLite, then the database tests on PostgreSQL; a throwaway
#              Redis server on loopback (scripts/with-redis.sh) serves both runs (the tests marked redis)
#   make test-browser  the real-browser suite alone (tests/browser: headless Chromium, axe-core, 1280 and 390 px)
# Also: make bench (speed figures as JSON lines), make load (Locust against the scaled-out topology, JSON lines),
#       make lint, make clean.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMPS := .stamps
# One default Word template per document kind: service/documents/kinds/<kind>.py -> templates_docx/<kind>.docx
# (modules starting with _ are shared by the kinds). tests/documents/test_kinds_registry.py checks this list, the
# registry (service.documents.kinds) and the built templates agree.
KINDS := $(notdir $(basename $(wildcard service/documents/kinds/[a-z]*.py)))
TEMPLATES := $(KINDS:%=templates_docx/%.docx)

.PHONY: run test test-browser bench load lint format clean system system-test setup

run: setup
	@$(BIN)/apdocs demo --if-empty
	@$(BIN)/apdocs serve

setup: system $(STAMPS)/venv $(STAMPS)/assets $(TEMPLATES)
	@$(BIN)/apdocs init

test: system-test $(STAMPS)/venv-test $(STAMPS)/assets $(TEMPLATES)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	scripts/with-redis.sh $(BIN)/python -m pytest -q
	scripts/with-redis.sh scripts/with-postgres.sh $(BIN)/python -m pytest -q -m db

# `make test` runs it too (in the SQLite pass; it touches no test database, so not in the PostgreSQL pass).
test-browser: system-test $(STAMPS)/venv-test $(STAMPS)/assets $(TEMPLATES)
	$(BIN)/python -m pytest -q tests/browser

bench: setup
	$(BIN)/python bench/run.py

# Locust for APDOCS_LOAD_SECONDS (120) with APDOCS_LOAD_USERS (50) people on a throwaway PostgreSQL and Redis, against
# gunicorn's two web processes and two apdocs workers, on an LA-sized caseload (README, "Measuring under load").
load: setup system-test $(STAMPS)/venv-load
	@$(BIN)/python bench/load/run.py

lint: $(STAMPS)/venv-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: $(STAMPS)/venv-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

system:
	@scripts/system-packages.sh run

system-test:
	@scripts/system-packages.sh test

$(STAMPS)/venv: pyproject.toml
	@mkdir -p $(STAMPS)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(STAMPS)/venv-test: $(STAMPS)/venv pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

$(STAMPS)/venv-load: $(STAMPS)/venv-test pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test,load]'
	@touch $@

$(STAMPS)/npm: package.json package-lock.json
	@mkdir -p $(STAMPS)
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(STAMPS)/assets: $(STAMPS)/npm assets/scss/apdocs.scss scripts/build-assets.mjs
	npm run --silent build
	@touch $@

# The default Word templates are built from source (templates_docx/<kind>.py, driven by the kinds' registry),
# never committed.
$(TEMPLATES): $(STAMPS)/venv $(wildcard templates_docx/*.py) service/documents/kinds/__init__.py
	$(BIN)/python -m templates_docx.build_templates

clean:
	rm -rf $(VENV) node_modules $(STAMPS) service/static/build $(TEMPLATES)
