# Every workflow a person needs. `make help` lists them.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export PYTHONPATH := $(CURDIR):$(CURDIR)/services

.DEFAULT_GOAL := help
.PHONY: help install run up up-status down infra-up infra-down infra-status test test-unit test-fast docs docs-check spell hooks lint typecheck \
        format check migrate token demo bench kafka-fetch verify clean tools contracts clients \
        console console-dev

help: ## List the workflows
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.txt constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip==25.3
	$(PY) -m pip install -q -r requirements.txt -c constraints.txt
	echo -e "$(CURDIR)\n$(CURDIR)/services" > $$($(PY) -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/spearhead.pth
	touch $@

install: $(VENV)/.installed ## Create the virtualenv and install the pinned packages

run: install console ## Run everything in one process (embedded Postgres, in-process bus) on :$(PORT); console at /console
	PORT=$(PORT) $(PY) -m deploy.run_embedded

infra-up: install ## Start local Postgres and Kafka (no Docker needed) and print their addresses
	$(PY) deploy/localinfra.py up

infra-down: install ## Stop local Postgres and Kafka
	$(PY) deploy/localinfra.py down

infra-status: install ## Say whether local Postgres and Kafka run
	$(PY) deploy/localinfra.py status

kafka-fetch: install ## Fetch the Kafka broker's jars with Maven (done by infra-up when needed)
	$(PY) deploy/localinfra.py kafka-fetch

up: install ## Run every service as its own process against `make infra-up`, restarted when one dies (Ctrl-C stops)
	$(PY) -m deploy.run_distributed

up-status: install ## What `make up` runs: each process, its pid and uptime
	$(PY) -m deploy.run_distributed status

# Two workers by default, one per core: a test file per worker (pytest-xdist), each worker
# with its own Postgres and broker, the longest files handed out first (tests/conftest.py).
# TEST_WORKERS=1 runs everything in one process, in file order.
TEST_WORKERS ?= 2
XDIST = $(if $(filter-out 1,$(TEST_WORKERS)),-n $(TEST_WORKERS) --dist loadfile)

test: install console ## Run all tests (the console's in headless Chromium): starts real Postgres and Kafka, stops them afterwards
	$(PY) -m pytest $(XDIST) --durations=25

test-unit: install ## The unit tier (tests/unit): arithmetic and rules, no Postgres or Kafka, seconds
	$(PY) -m pytest tests/unit -q -p no:cacheprovider

test-fast: install console ## Run the tests that need no Kafka fault injection
	$(PY) -m pytest $(XDIST) -m "not slow"

docs: install ## Regenerate the event map in docs/architecture.md from the services' catalogues and subscriptions
	$(PY) -m deploy.docs

docs-check: install ## Fail when the event map in docs/architecture.md is not what the code says
	$(PY) -m deploy.docs --check

lint: install ## ruff, queries only in repositories, codespell
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m deploy.lint_repositories
	$(VENV)/bin/codespell

spell: install ## Spelling in code and docs (codespell; its skips and words are in pyproject.toml)
	$(VENV)/bin/codespell

hooks: install ## Install the git pre-commit hooks (.pre-commit-config.yaml: the fast part of make lint)
	$(VENV)/bin/pre-commit install

format: install ## Format and fix what ruff can
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

typecheck: install ## mypy (strict)
	$(VENV)/bin/mypy -p shared -p gateway -p goals -p performance -p incentives -p collab -p deploy -p bench -p tests -m contracts.check

check: lint typecheck test ## Everything CI checks

# The console (console/): its packages, its TypeScript client generated from the gateway's
# published OpenAPI document, and its build. Each step runs only when what it uses changed.
CONSOLE_SOURCES := $(shell find console/src console/index.html console/vite.config.ts console/tsconfig.json \
	-type f -not -path 'console/src/api/generated/*' 2>/dev/null)
API_SOURCES := $(shell find services shared -name '*.py' 2>/dev/null)
CONSOLE_API := console/src/api/generated

console/node_modules/.installed: console/package.json
	cd console && npm install --no-package-lock --no-audit --no-fund --loglevel=error
	touch $@

$(CONSOLE_API)/openapi.json: $(API_SOURCES) $(VENV)/.installed
	$(PY) -m gateway.export $@

$(CONSOLE_API)/schema.d.ts: $(CONSOLE_API)/openapi.json console/node_modules/.installed
	cd console && node_modules/.bin/openapi-typescript src/api/generated/openapi.json -o src/api/generated/schema.d.ts --silent
	touch $@

console/dist/index.html: $(CONSOLE_API)/schema.d.ts $(CONSOLE_SOURCES) console/node_modules/.installed
	cd console && node_modules/.bin/vue-tsc --noEmit -p tsconfig.json && node_modules/.bin/vite build --logLevel warn
	touch $@

console: console/dist/index.html ## Build the console (console/ -> console/dist, served at /console) when it is missing or stale

console-dev: console/node_modules/.installed $(CONSOLE_API)/schema.d.ts ## The console with hot reload on :5173, against `make run` on :8000
	cd console && node_modules/.bin/vite

contracts/node_modules/.installed: contracts/package.json
	cd contracts && npm install --no-package-lock --no-audit --no-fund --loglevel=error
	touch $@

tools: install contracts/node_modules/.installed console/node_modules/.installed ## Install what the browser and contract checks use beside Python: Debian's chromium and a Chinese font, the pinned Node tools
	@command -v chromium >/dev/null && fc-list :lang=zh | grep -q . || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; }

contracts: tools ## The ecosystem's own checkers on a fresh instance: Spectral, AsyncAPI CLI, both client generators and smoke scripts, CloudEvents, headless Chromium
	$(PY) -m contracts.check

clients: tools ## Generate the TypeScript and Python clients into build/clients and run their smoke scripts
	$(PY) -m contracts.check --clients

migrate: install ## Apply every service's migrations to $$SPEARHEAD_DATABASE_URL
	$(PY) -m deploy.migrate

bench: install kafka-fetch ## Benchmarks, each beside its floor from the same run (BENCH_QUICK=1: a short run); writes bench/results and the README table
	@command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	$(PY) -m bench.run

.PHONY: soak
soak: install kafka-fetch ## 10 minutes of 200 KPIUpdated/s through the pipeline (SOAK_SECONDS to shorten): RSS and backlog to bench/results/soak.*
	$(PY) -m bench.soak

demo: install ## Load the Q1 2026 story into a fresh running instance (`make run` first)
	$(PY) -m deploy.demo --url http://127.0.0.1:$(PORT)

verify: install ## Recompute derived data from its inputs and check copies with their owners (running instance; exit 1 on drift)
	$(PY) -m deploy.verify --gateway http://127.0.0.1:$(PORT) $(if $(SETTLE),--settle $(SETTLE))

token: install ## Mint a development token: make token MEMBER=m1 ROLES=manager UNITS=u-sales
	@$(PY) -m deploy.dev_token --member "$${MEMBER:-demo-admin}" --roles "$${ROLES:-admin}" --units "$${UNITS:-}"

clean: ## Remove the virtualenv, local data and caches (not the Kafka jars)
	rm -rf $(VENV) .data .pytest_cache .mypy_cache .ruff_cache
