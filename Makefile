# Two commands do all the set-up: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
FLASK := $(BIN)/flask --app app

.PHONY: run test coverage lint bench clean catalogues

# Message catalogues: the .po files are in the repository, the compiled .mo are built here.
CATALOGUES := $(wildcard translations/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGUES:.po=.mo)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel compile --statistics -d translations -l $*

# After marking new text: extract every message id, then merge it into each catalogue
# (no fuzzy guesses: a new id starts untranslated, and English shows until it is translated).
catalogues: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k _l --no-location --sort-output \
		--project Stepwise -o translations/messages.pot .
	$(BIN)/pybabel update -N --ignore-obsolete -i translations/messages.pot -d translations

# The scheduler (`surveys tick`: publish closed campaigns, create repeating ones) runs
# every minute beside the server, as cron would in production.
run: $(STAMP) $(COMPILED)
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	$(FLASK) surveys tick
	@echo "Stepwise is serving on http://127.0.0.1:5000 (Ctrl-C stops it)"
	@( while sleep 60; do $(FLASK) surveys tick >/dev/null; done ) & ticker=$$!; \
	trap 'kill $$ticker 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host 127.0.0.1 --port 5000

# One worker per core (pytest-xdist); each worker has its own SQLite file and PostgreSQL cluster.
test: $(STAMP) $(COMPILED)
	$(BIN)/python -m pytest -n auto

# The same suite, measuring coverage (branches of app, models, survey, insights; see
# pyproject.toml): about 1.7 times slower, so not part of `make test`.
coverage: $(STAMP) $(COMPILED)
	$(BIN)/python -m pytest --cov --cov-report=term:skip-covered

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

# About 15 minutes: the import and page-weight benchmarks, then both backends at both sizes.
bench: $(STAMP)
	$(BIN)/python bench/import_activity_log.py
	$(BIN)/python bench/page_weight.py
	$(BIN)/python bench/suite.py
	$(BIN)/python bench/effects.py
