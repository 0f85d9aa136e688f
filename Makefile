# crisisdesk: `make demo` and `make test` set everything up on a fresh machine.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
ARGS ?=
PYTEST_ARGS ?=

.PHONY: demo test test-sqlite test-postgres bench install serve lint

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

demo: install
	$(BIN)/crisisdesk demo $(ARGS)

test: install
	$(MAKE) test-sqlite
	$(MAKE) test-postgres

test-sqlite: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The same suite on a throwaway PostgreSQL cluster that the script starts and removes.
test-postgres: install
	scripts/with-postgres $(BIN)/python -m pytest -m "not browser" $(PYTEST_ARGS)

bench: install
	$(BIN)/pip install -q -e '.[bench]' || echo "bench extras unavailable; peers will be skipped"
	$(BIN)/python bench/run.py

serve: install
	$(BIN)/crisisdesk runserver 127.0.0.1:8000
