# The two commands of the README: `make run` and `make test`. Both set everything up on a fresh machine
# that has Python 3.11 and nothing else.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/pip install --quiet --disable-pip-version-check

.PHONY: run test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip

$(VENV)/.installed-run: $(BIN)/python pyproject.toml requirements.lock
	$(PIP) -c requirements.lock -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed-run
	$(PIP) -c requirements.lock -e '.[dev]'
	touch $@

run: $(VENV)/.installed-run
	$(BIN)/policybound serve

test: $(VENV)/.installed-dev
	POLICYBOUND_DATA_DIR=$${POLICYBOUND_DATA_DIR:-$(CURDIR)/var/test} $(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check policybound bench tests conftest.py
	$(BIN)/mypy policybound

bench: $(VENV)/.installed-dev
	POLICYBOUND_DATA_DIR=$(CURDIR)/var/bench $(BIN)/python -m bench

clean:
	rm -rf $(VENV) var
