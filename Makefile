# Every target that needs the virtualenv creates it first, so each works on a fresh clone.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PACKAGE := generated/zuora_oauth
# The pinned ruff of the venv must be the one the generator's post-hooks find first.
GEN_ENV := PATH="$(CURDIR)/$(BIN):$$PATH"

.PHONY: install generate check-generated validate-spec lint typecheck test demo soak bench check clean

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/.installed

# generate_into(DIR): the generator renders our templates/ over its own, then the runtime modules under
# templates/runtime/ (which the generator cannot render: it knows only its own template names) are copied in.
define generate_into
	rm -rf $(1)
	$(GEN_ENV) $(BIN)/openapi-python-client generate --path openapi.yaml --config generator-config.yml \
		--custom-template-path templates --meta none --output-path $(1) --overwrite --fail-on-warning >/dev/null
	tar -C templates/runtime --exclude=__pycache__ --exclude='*/.*' -cf - . | tar -C $(1) -xf -
endef

generate: $(BIN)/.installed
	$(call generate_into,$(PACKAGE))

check-generated: $(BIN)/.installed
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(MAKE) --no-print-directory -s _generate_into DIR="$$tmp/zuora_oauth" && \
	if diff -ru -x __pycache__ $(PACKAGE) "$$tmp/zuora_oauth"; then echo "generated/ is up to date"; \
	else echo "generated/ differs from what openapi.yaml, generator-config.yml and templates/ produce: run 'make generate' and commit" >&2; exit 1; fi

_generate_into:
	$(call generate_into,$(DIR))

validate-spec: $(BIN)/.installed
	$(BIN)/openapi-spec-validator openapi.yaml

lint: $(BIN)/.installed
	$(BIN)/ruff check templates/runtime tests bench
	$(BIN)/ruff format --check templates/runtime tests bench
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
