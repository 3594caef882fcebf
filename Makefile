# The two commands a newcomer needs: `make demo` and `make test`. Both build and reuse .venv/.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EXTRAS := dev,report,local,infra,browser

.PHONY: venv demo test test-fast lint pytest pytest-beside-infra-check infra-check provider-schema bench clean checkov checkov-venv lock browser-deps

venv: $(STAMP)

$(STAMP): pyproject.toml scripts/bootstrap.sh requirements-dev.lock
	PYTHON="$(PYTHON)" bash scripts/bootstrap.sh "$(VENV)" "$(EXTRAS)"
	touch $@

demo: $(STAMP)
	$(BIN)/callrec demo

lint: $(STAMP)
	$(BIN)/ruff check chalice_app scripts tests bench
	$(BIN)/ruff format --check chalice_app scripts tests bench
	$(BIN)/mypy chalice_app/app.py chalice_app/chalicelib scripts/callrec

# pytest-xdist: a worker per core (at most 4), each taking whole files, so a module's fixtures
# (the browser suite's console stack, a Terraform build folder) are set up once.
# `make pytest PYTEST_WORKERS=0` runs everything in one process.
PYTEST_WORKERS ?= auto
PYTEST_PARALLEL = --numprocesses=$(PYTEST_WORKERS) --maxprocesses=4 --dist=loadfile
PYTEST_ARGS ?=

pytest: $(STAMP) checkov-venv browser-deps
	bash scripts/run-pytest.sh $(BIN)/python $(PYTEST_PARALLEL) $(PYTEST_ARGS)

# checkov pins an older boto3 than the app: it lives in its own venv. A failed install does not
# stop `make test`; tests/audit/test_checkov.py then skips and says why.
CHECKOV_VENV := .venv-checkov
checkov-venv:
	-bash scripts/checkov-venv.sh $(CHECKOV_VENV)

# Debian's chromium for the browser suite (tests/browser/). Like checkov, a failed install does not
# stop `make test`: the browser tests then skip and say why.
browser-deps:
	-bash scripts/browser-deps.sh

checkov: checkov-venv
	$(CHECKOV_VENV)/bin/checkov -d infra --framework terraform --skip-download --quiet --compact
	# What callrec package deploys: the accepted findings and why are in tests/audit/test_checkov.py.
	CHECKOV_BIN=$(CHECKOV_VENV)/bin/checkov $(BIN)/python -m pytest tests/audit/test_checkov.py -q -p no:cacheprovider -k packaged

# Terraform fmt, init + validate of every configuration, terraform test: offline, against the
# committed hashicorp/aws schema (see "Offline Terraform validation" in the README).
infra-check: $(STAMP)
	@echo  # in make test its output lands amid pytest's dots: start it on a line of its own
	$(BIN)/callrec infra check infra

# Rebuild infra/provider-schema/ from the cdktn-provider-aws wheel (read as a zip, not installed:
# its jsii/constructs dependencies would clash with the app's). Needs PyPI; run when a module
# starts using a new aws_* type or to move to a newer provider.
CDKTN_PROVIDER_AWS ?= 25.8.1
provider-schema: $(STAMP)
	$(BIN)/pip download --quiet --no-deps --only-binary=:all: -d build/cdktn \
		cdktn-provider-aws==$(CDKTN_PROVIDER_AWS)
	$(BIN)/python -m callrec.infra_check.regenerate \
		--wheel build/cdktn/cdktn_provider_aws-$(CDKTN_PROVIDER_AWS)-py3-none-any.whl

# lint (the checkov and browser installs beside it), then infra-check beside pytest: -O prints
# infra-check's output whole when it ends, and pytest's streams (-Onone for its own make).
# infra-check is the project check tests/infra/test_terraform_check.py runs as
# test_project_infra_passes, so this pytest leaves that copy out (`make pytest` keeps it).
PROJECT_INFRA_TEST := tests/infra/test_terraform_check.py::test_project_infra_passes
test: $(STAMP)
	@$(MAKE) --no-print-directory -j2 --output-sync=target lint checkov-venv browser-deps
	@$(MAKE) --no-print-directory -j2 --output-sync=target infra-check pytest-beside-infra-check

pytest-beside-infra-check:
	@$(MAKE) --no-print-directory --output-sync=none pytest PYTEST_ARGS="--deselect $(PROJECT_INFRA_TEST) $(PYTEST_ARGS)"

# The inner loop: unit tests only (no Terraform, no moto, no checkov, no end-to-end, no browser),
# about a minute. tests/conftest.py marks the others by folder, so the split needs no upkeep.
test-fast: $(STAMP)
	bash scripts/run-pytest.sh $(BIN)/python -m "not slow and not infra and not integration" -q

# Pin the development environment to what is installed now (after a dependency change).
lock: $(STAMP)
	{ sed -n '1,3p' requirements-dev.lock; $(BIN)/pip freeze --exclude-editable | grep -vi '^chime-callrec'; } > requirements-dev.lock.new
	mv requirements-dev.lock.new requirements-dev.lock

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) build .pytest_cache .mypy_cache .ruff_cache
