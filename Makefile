# Two commands: `make run` serves the local stack, `make test` runs every test. Both set up .venv first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
MOTO_PORT ?= $(shell echo $$(($(PORT) + 1)))
STAMP := $(VENV)/.installed
JS_STAMP := tests/js/node_modules/.installed

.PHONY: run test install lint bench clean

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	@touch $(STAMP)

$(JS_STAMP): tests/js/package.json tests/js/package-lock.json
	@command -v npm >/dev/null || { echo "error: Node.js 20+ and npm are needed for tests/js (amazon-cognito-identity-js)" >&2; exit 1; }
	@npm ci --prefix tests/js --no-audit --no-fund --loglevel=error
	@touch $(JS_STAMP)

install: $(STAMP) $(JS_STAMP)

run: $(STAMP)
	@PORT=$(PORT) MOTO_PORT=$(MOTO_PORT) $(BIN)/python -m emulator --port $(PORT) --moto-port $(MOTO_PORT)

lint: $(STAMP)
	$(BIN)/ruff check .

test: $(STAMP) $(JS_STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python bench/cognito_flow.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache tests/js/node_modules
