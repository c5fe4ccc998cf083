# Two commands matter: `make run` (set up, index if missing, serve) and `make test` (tests and linters).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
INDEX_DIR ?= data/index
CHROMIUM ?= /usr/bin/chromium
AXE := node_modules/axe-core/axe.min.js

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install install-dev jemalloc index run test lint browser wordnet bench clean

install: $(VENV)/.installed

# torch goes first and pinned: this takes the CPU build; an unpinned torch would pull CUDA.
$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e .
	touch $@

install-dev: $(VENV)/.installed-dev

$(VENV)/.installed-dev: $(VENV)/.installed pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

index: install
	$(BIN)/python -m index build --out $(INDEX_DIR)

$(INDEX_DIR)/current: | $(VENV)/.installed
	$(BIN)/python -m index build --out $(INDEX_DIR)

# The server runs on jemalloc when it is installed (server/allocator.py), on glibc's malloc otherwise.
jemalloc:
	@$(PYTHON) -c "import ctypes.util, sys; sys.exit(ctypes.util.find_library('jemalloc') is None)" \
		|| (apt-get update && apt-get install -y --no-install-recommends libjemalloc2) \
		|| echo "libjemalloc2 is not installed: the server will use glibc's malloc, with more memory"

run: install jemalloc $(INDEX_DIR)/current
	$(BIN)/python -m server --host $(HOST) --port $(PORT) --index $(INDEX_DIR)

# Browser tests drive Debian's Chromium; Playwright's own browser download cannot work offline.
# They inject axe-core (npm, pinned in package-lock.json) into the page to check accessibility.
browser: $(AXE)
	@test -x $(CHROMIUM) || (apt-get update && apt-get install -y --no-install-recommends chromium)

$(AXE): package.json package-lock.json
	@command -v npm >/dev/null || (apt-get update && apt-get install -y --no-install-recommends npm)
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The committed WordNet resources (answering/nouns.json, index/base_forms.json) are checked against what
# their documented commands write from Debian's WordNet 3.0.
wordnet:
	@test -f /usr/share/wordnet/verb.exc || (apt-get update && apt-get install -y --no-install-recommends wordnet-base)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/hadolint Dockerfile

test: install-dev jemalloc browser wordnet lint
	$(BIN)/python -m pytest

bench: $(VENV)/.installed-bench jemalloc
	@command -v wrk >/dev/null || (apt-get update && apt-get install -y --no-install-recommends wrk)
	$(BIN)/python -m bench

$(VENV)/.installed-bench: $(VENV)/.installed pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[bench]"
	touch $@

clean:
	rm -rf $(VENV) node_modules data .pytest_cache .mypy_cache .ruff_cache tests/artifacts
