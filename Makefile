# The two commands a newcomer needs: `make demo` and `make test`. Both build and reuse .venv/.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EXTRAS := dev,report,local,infra

.PHONY: venv demo test lint pytest infra-check bench clean

venv: $(STAMP)

$(STAMP): pyproject.toml scripts/bootstrap.sh
	PYTHON="$(PYTHON)" bash scripts/bootstrap.sh "$(VENV)" "$(EXTRAS)"
	touch $@

demo: $(STAMP)
	$(BIN)/callrec demo

lint: $(STAMP)
	$(BIN)/ruff check chalice_app scripts tests bench
	$(BIN)/ruff format --check chalice_app scripts tests bench
	$(BIN)/mypy chalice_app/app.py chalice_app/chalicelib scripts/callrec

pytest: $(STAMP)
	bash scripts/run-pytest.sh $(BIN)/python

test: lint pytest

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) build .pytest_cache .mypy_cache .ruff_cache
