# Plenária: the two commands are `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
HOST   ?= 127.0.0.1
export FLASK_APP := app:create_app
PYTEST_ARGS ?=

RUN_STAMP  := $(VENV)/.installed-run
DEV_STAMP  := $(VENV)/.installed-dev
BENCH_STAMP := $(VENV)/.installed-bench
PO_FILES   := $(wildcard app/translations/*/LC_MESSAGES/messages.po)
MO_FILES   := $(PO_FILES:.po=.mo)

.PHONY: run test test-pg test-browser test-faults setup setup-dev translations db demo \
        migrations-check lint i18n-extract i18n-update bench bench-quick clean help

help:
	@echo "make run    - instala, migra o banco SQLite, carrega a demonstração e serve em http://$(HOST):$(PORT)"
	@echo "make test   - instala e roda todos os testes (os de navegador precisam do Chromium)"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Plenária precisa de Python 3.11 ou mais novo (achei " + sys.version.split()[0] + ")")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(RUN_STAMP): requirements.txt constraints.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt -c constraints.txt
	@touch $@

$(DEV_STAMP): $(RUN_STAMP) requirements-dev.txt
	$(BIN)/pip install -q -r requirements-dev.txt -c constraints.txt
	@touch $@

$(BENCH_STAMP): $(DEV_STAMP) requirements-bench.txt
	$(BIN)/pip install -q -r requirements-bench.txt -c constraints.txt
	@touch $@

%.mo: %.po | $(RUN_STAMP)
	$(BIN)/pybabel -q compile -f -i $< -o $@

translations: $(MO_FILES)

setup: $(RUN_STAMP) translations
setup-dev: $(DEV_STAMP) translations

db: setup
	$(BIN)/flask db upgrade

demo: db
	$(BIN)/flask demo --if-empty

run: demo
	@echo "Plenária em http://$(HOST):$(PORT)  (Ctrl+C para parar)"
	$(BIN)/flask run --host $(HOST) --port $(PORT)

test: setup-dev
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	  echo "AVISO: Chromium não encontrado; os testes de navegador (tests/browser) serão pulados. Instale o pacote 'chromium' para rodá-los."
	$(BIN)/pytest $(PYTEST_ARGS)

# The whole suite again on PostgreSQL (TEST_DATABASE_URL names the database; one per worker is created).
test-pg: setup-dev
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/plenaria_test} \
	  $(BIN)/pytest $(PYTEST_ARGS)

test-browser: setup-dev
	$(BIN)/pytest tests/browser $(PYTEST_ARGS)

# Fault injection (issue 8): gunicorn workers killed mid-burst, PostgreSQL restarted mid-burst,
# a read-only or full SQLite, backup and restore round trips. Starts real servers and a throwaway
# PostgreSQL cluster (never the machine's own), so `make test` skips these; about two minutes.
test-faults: setup-dev
	$(BIN)/pytest -m faults tests/faults $(PYTEST_ARGS)

# Upgrade an empty database to head, then check that the models have no pending change.
migrations-check: setup-dev
	rm -f /tmp/plenaria-migcheck.db
	DATABASE_URL=sqlite:////tmp/plenaria-migcheck.db $(BIN)/flask db upgrade
	DATABASE_URL=sqlite:////tmp/plenaria-migcheck.db $(BIN)/flask db check
	@if [ -n "$$MIGRATIONS_PG_URL" ]; then \
	  $(BIN)/python -m tests.tools.fresh_pg_database "$$MIGRATIONS_PG_URL" && \
	  DATABASE_URL=$$MIGRATIONS_PG_URL $(BIN)/flask db upgrade && \
	  DATABASE_URL=$$MIGRATIONS_PG_URL $(BIN)/flask db check; fi

lint: setup-dev
	$(BIN)/ruff check .

i18n-extract: setup
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 -o app/translations/messages.pot .

i18n-update: i18n-extract
	$(BIN)/pybabel -q update --no-fuzzy-matching -i app/translations/messages.pot -d app/translations

bench: $(BENCH_STAMP) translations
	$(BIN)/python -m bench.run

bench-quick: $(BENCH_STAMP) translations
	$(BIN)/python -m bench.run --quick

clean:
	rm -rf $(VENV) instance/plenaria.db* $(MO_FILES)
