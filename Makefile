# Invoicetron developer commands. `make run` and `make test` work on a fresh machine with Python 3.11+
# (`make test` also needs Chromium and Pango, which it installs where it can).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 3000

.PHONY: run test test-fast lint format install clean bench image-test messages

# Translations: each app's gettext catalogues (src/invoicetron/<app>/locale/<lang>/LC_MESSAGES/django.po)
# are compiled to .mo by Babel whenever they change (no GNU gettext needed to run or test). The API
# answers in English, so it has none.
# The apps with a UI, documents or emails (issue #19): `make messages` and tests/test_translations.py
# cover each; the API answers in English, so it has none.
I18N_APPS := accounts api automation billing einvoicing messaging portal quotes reports web
I18N_LANGUAGES := de fr es
PO := $(wildcard src/invoicetron/*/locale/*/LC_MESSAGES/django.po)
MO := $(PO:.po=.mo)
%.mo: %.po $(STAMP)
	$(BIN)/pybabel --quiet compile --input-file $< --output-file $@

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) $(MO)  ## create the virtualenv and install Invoicetron with its dev tools

# Re-extracts every marked message into the catalogues (needs GNU gettext's xgettext: apt-get install
# gettext); new ones arrive untranslated, which tests/test_translations.py reports until filled in.
messages: $(STAMP)  ## extract the marked messages of every app into its de/fr/es catalogues
	@command -v xgettext >/dev/null || { echo "make messages needs GNU gettext: sudo apt-get install gettext"; exit 2; }
	@for app in $(I18N_APPS); do \
	  mkdir -p src/invoicetron/$$app/locale && ( cd src/invoicetron/$$app && \
	  $(LINT_ENV) $(abspath $(BIN))/invoicetron manage makemessages --no-location --no-obsolete \
	    --ignore 'migrations/*' $(addprefix --locale ,$(I18N_LANGUAGES)) --verbosity 0 ) || exit 1; \
	done
	@$(MAKE) --no-print-directory install

# The development server, the worker beside it and an embedded PostgreSQL 18; Ctrl-C stops all three.
run: $(STAMP) $(MO)  ## run Invoicetron locally on http://127.0.0.1:$(PORT) (make run PORT=4000 for another)
	$(BIN)/invoicetron dev --port $(PORT)

# Beyond Python and make the tests need Chromium, Pango and fonts: installed as root with apt-get,
# else named (see .ci/test-prerequisites).
test: $(STAMP) $(MO)  ## run the whole test suite against a real PostgreSQL 18
	@.ci/test-prerequisites
	$(BIN)/pytest

# The edit-test loop: everything but the tests marked slow (browsers, servers, subprocesses, extra
# PostgreSQL servers; tests/conftest.py says which). CI runs the whole suite with `make test`.
test-fast: $(STAMP) $(MO)  ## run the tests not marked slow (no browser, no servers or subprocesses)
	$(BIN)/pytest -m "not slow"

# Builds the Dockerfile with podman (on a stand-in base image: no registry is reachable here) and runs
# the image as the Kubernetes manifest does; see deploy/testing/README.md. Needs root and podman.
image-test: $(STAMP)  ## build the container image, run it as Kubernetes does, print its size
	deploy/testing/image-test $(BIN)/python

# mypy's Django plugin and makemigrations read the settings, which need a (throwaway) configuration.
LINT_ENV := INVOICETRON_ENV=test SECRET_KEY=lint-only-key-0123456789-abcdefghijklmnopqrstuvwxyz \
	DATABASE_URL=postgresql://lint:lint@127.0.0.1:5432/lint

lint: $(STAMP)  ## ruff, mypy, the layer order of the apps, and that every model change has its migration
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(LINT_ENV) $(BIN)/mypy
	$(LINT_ENV) $(BIN)/lint-imports
	$(LINT_ENV) $(BIN)/invoicetron manage makemigrations --check --dry-run

bench: $(STAMP) $(MO)  ## measure 100,000 invoices under wrk (BENCH_ARGS="--invoices 1000000"; Debian: apt-get install wrk)
	@command -v wrk >/dev/null || { echo "make bench needs wrk: sudo apt-get install wrk"; exit 2; }
	$(BIN)/python -m bench.run $(BENCH_ARGS)

format: $(STAMP)
	$(BIN)/ruff check --fix src tests
	$(BIN)/ruff format src tests

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
