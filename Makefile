# Two commands: `make run` serves the local stack, `make test` runs every test. Both set up .venv first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
MOTO_PORT ?= $(shell echo $$(($(PORT) + 1)))
STAMP := $(VENV)/.installed
JS_STAMP := tests/js/node_modules/.installed

.PHONY: run test install lint bench clean package smoke

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

STAGE ?= dev
# `make package STAGE=dev`: the stack's template (build/$(STAGE)/sam.json) and deployment.zip; USER_POOL_ID=... to
# use an existing pool. Needs PyPI (Lambda-platform wheels), no AWS account; the region only satisfies chalice.
package: $(STAMP)
	rm -rf build/$(STAGE) build/$(STAGE).merge.json
	$(BIN)/python -m infra.build_template --stage $(STAGE) --output build/$(STAGE).merge.json $(if $(USER_POOL_ID),--user-pool-id $(USER_POOL_ID))
	AWS_DEFAULT_REGION=$${AWS_DEFAULT_REGION:-us-east-1} $(BIN)/chalice package --stage $(STAGE) --merge-template build/$(STAGE).merge.json build/$(STAGE)
	$(BIN)/python -m infra.slim_package build/$(STAGE)/deployment.zip

# `make smoke STAGE=dev`: signs a throwaway user up and in against the deployed stack (AWS credentials; not in CI).
smoke: $(STAMP)
	$(BIN)/python -m scripts.smoke --stage $(STAGE) $(if $(STACK_NAME),--stack-name $(STACK_NAME))

bench: $(STAMP)
	$(BIN)/python bench/cognito_flow.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache tests/js/node_modules
