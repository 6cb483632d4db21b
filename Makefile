# The README's commands. `make run` and `make test` work on a fresh Debian machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export PATH := $(abspath $(BIN)):$(PATH)
# Cached bytecode: without it every `laborsign` process (and every test that starts one)
# compiles the package again, which costs about a second each.
unexport PYTHONDONTWRITEBYTECODE

SYSTEM_PACKAGES := fonts-noto-cjk fonts-noto-cjk-extra fonts-hanazono poppler-utils qpdf
TEST_SYSTEM_PACKAGES := $(SYSTEM_PACKAGES) softhsm2 libnss3-tools openssl chromium

.PHONY: run test bench lint typecheck check system-packages test-system-packages venv dev-venv clean

run: system-packages venv
	$(BIN)/laborsign init
	$(BIN)/laborsign serve

test: test-system-packages dev-venv lint typecheck
	$(BIN)/python -m pytest $(PYTEST_ARGS)

check: dev-venv lint typecheck

lint: dev-venv
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

typecheck: dev-venv
	$(BIN)/mypy

bench: system-packages dev-venv
	$(BIN)/laborsign bench all

system-packages:
	@scripts/install-system-packages $(SYSTEM_PACKAGES)

test-system-packages:
	@scripts/install-system-packages $(TEST_SYSTEM_PACKAGES)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

venv: $(VENV)/.run-installed
$(VENV)/.run-installed: $(BIN)/python requirements-run.lock pyproject.toml
	$(BIN)/python -m pip install --quiet -r requirements-run.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $@

dev-venv: $(VENV)/.dev-installed
$(VENV)/.dev-installed: $(BIN)/python requirements.lock pyproject.toml
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $@ $(VENV)/.run-installed

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build dist
