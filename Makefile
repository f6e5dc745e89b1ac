# Every target that needs the virtualenv creates it first, so each works on a fresh clone.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PACKAGE := generated/zuora_oauth

.PHONY: install generate check-generated validate-spec lint typecheck test demo soak bench check clean

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e . --group dev
	touch $@

install: $(BIN)/.installed

# `zuora-oauth generate` (zuora_oauth.codegen, README "How the package is generated") renders our templates/ over
# the generator's own with the pinned ruff as post-hooks, and, with --runtime-home, copies templates/runtime/ (which
# the generator cannot render: it knows only its own template names) into the package. It runs from the installed
# package inside generated/, which it replaces only once the new one is complete.
GENERATE := $(BIN)/zuora-oauth generate openapi.yaml --package zuora_oauth --config generator-config.yml \
	--templates templates --runtime-home

generate: $(BIN)/.installed
	$(GENERATE) --output generated

# Regenerates into a temporary folder and fails with a unified diff when generated/ differs.
check-generated: $(BIN)/.installed
	@$(GENERATE) --output generated --check

# For the tests: generate into $(DIR)/zuora_oauth.
_generate_into:
	@$(GENERATE) --output $(DIR) >/dev/null

validate-spec: $(BIN)/.installed
	$(BIN)/openapi-spec-validator openapi.yaml

lint: $(BIN)/.installed
	$(BIN)/ruff check templates/runtime tests bench hatch_build.py
	$(BIN)/ruff format --check templates/runtime tests bench hatch_build.py
	$(BIN)/ruff check --isolated --line-length=120 --target-version=py311 --extend-ignore=RUF100 $(PACKAGE)
	$(BIN)/ruff format --check --isolated --line-length=120 --target-version=py311 $(PACKAGE)

typecheck: $(BIN)/.installed
	$(BIN)/mypy --strict $(PACKAGE)

test: $(BIN)/.installed
	$(BIN)/python -m pytest

demo: $(BIN)/.installed
	$(BIN)/zuora-oauth demo

soak: $(BIN)/.installed
	$(BIN)/python bench/soak.py

bench: $(BIN)/.installed
	$(BIN)/python bench/run.py

check: validate-spec check-generated lint typecheck test

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
