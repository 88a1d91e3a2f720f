# Two commands set up a fresh machine: `make run` and `make test` (see README.md).
# Both create .venv when missing and install pinned versions from constraints.txt.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8501
ASSESS_DATABASE_URL ?= sqlite:///data/assess.db
export ASSESS_DATABASE_URL

.PHONY: run test bench lock clean messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamp files: reinstall only when the dependencies change.
$(VENV)/.installed-app: pyproject.toml setup.py constraints.txt | $(BIN)/python
	$(BIN)/pip install --quiet -c constraints.txt -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml setup.py constraints.txt | $(BIN)/python
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'
	touch $@ $(VENV)/.installed-app

# axe-core (npm, pinned by package-lock.json) for the accessibility tests in tests/e2e.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# `assess serve` is how an installed suite starts too (headless, no usage statistics, the
# shipped Streamlit settings); ADDRESS=0.0.0.0 listens on every interface.
# Survey slips and links carry http://ADDRESS:PORT until the office sets the public
# address (Settings page, or ASSESS_PUBLIC_URL); the Surveys page warns meanwhile.
ADDRESS ?= 127.0.0.1
run: $(VENV)/.installed-app
	$(BIN)/assess init
	$(BIN)/assess serve --port $(PORT) --address $(ADDRESS)

# The database tests run on SQLite and on PostgreSQL, the production database (the
# machine's server by default; point it elsewhere with ASSESS_TEST_POSTGRES_URL=...).
ASSESS_TEST_POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
export ASSESS_TEST_POSTGRES_URL

test: $(VENV)/.installed-test node_modules/.installed
	$(BIN)/ruff check assess app.py setup.py tests bench tools
	$(BIN)/mypy assess
	$(BIN)/pytest -n 2 --dist loadgroup

bench: $(VENV)/.installed-test
	@if ls bench/*.py >/dev/null 2>&1; then for b in bench/bench_*.py; do $(BIN)/python $$b; done; \
	else echo "no benchmarks yet"; fi

# The messages' template from the English source (assess/i18n/en/*.toml, read by
# assess/i18n/extract.py through babel.cfg), then every language's catalogue brought in step
# with it (a changed English text makes its translation fuzzy: English shows until a
# translator checks it). tests/i18n runs the same extraction and fails when the committed
# template differs. See docs/languages.md.
POT := assess/i18n/locale/messages.pot
POT_OPTIONS := -F babel.cfg --project=etwinning-assess --copyright-holder="the suite's authors" --header-comment="\# Messages of the eTwinning quality-label suite; English source: assess/i18n/en (docs/languages.md)."
messages: $(VENV)/.installed-app
	$(BIN)/pybabel extract $(POT_OPTIONS) -o $(POT) .
	$(BIN)/pybabel update -i $(POT) -d assess/i18n/locale --previous --ignore-obsolete

# Refresh the pins after changing dependencies in pyproject.toml.
lock: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	$(BIN)/pip freeze --exclude-editable | grep -v '^-e' > constraints.txt

clean:
	rm -rf $(VENV) .pytest_cache node_modules
