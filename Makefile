# Hanse: `make run` starts the demo, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PORT ?= 8000
HOST ?= 127.0.0.1
# small (40 people), bank (700), mid (2,000 people, 50,000 posts), large (10,000, 1,000,000)
DEMO_SIZE ?= bank
DEMO_SEED ?= 1
# Bytecode is cached under .pycache/, not next to the sources (the checkout stays clean) and
# not switched off: a test run starts hundreds of Python processes (pytest-xdist workers,
# servers, manage.py), and without a cache each compiled every module of Hanse again, about
# 1 CPU-second per process, and pytest rewrote every test module's asserts in every worker.
# An environment that sets PYTHONDONTWRITEBYTECODE (CI's does) is overridden for that reason.
export PYTHONPYCACHEPREFIX := $(CURDIR)/.pycache
export PYTHONDONTWRITEBYTECODE :=

.PHONY: run test install setup lint format typecheck imports check messages compilemessages clean demo-reset dist lock

# --- Set-up ---------------------------------------------------------------------------------
# The exact versions (with hashes) that CI tested come from requirements/lock.txt; Hanse itself
# is installed on top without resolving anything again.
$(BIN)/.installed: pyproject.toml requirements/lock.txt requirements/ldap.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Hanse needs Python 3.11 or newer")'
	@test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements/lock.txt
	$(BIN)/pip install --quiet --no-deps -e .
	@# LDAP sign-in (python-ldap) builds against the OpenLDAP and SASL headers: installed where
	@# they are (CI installs them); elsewhere Hanse runs without it and its tests skip.
	@if [ -e /usr/include/ldap.h ] && [ -e /usr/include/sasl/sasl.h ]; then \
	  $(BIN)/pip install --quiet -r requirements/ldap.txt; \
	else \
	  echo "LDAP sign-in is left out: it needs apt-get install libldap2-dev libsasl2-dev (then make install)."; \
	fi
	@# Single sign-on (python3-saml) signs with xmlsec: a wheel on Linux x86_64/aarch64; elsewhere
	@# pip builds it and needs apt-get install libxmlsec1-dev pkg-config. The SSO tests also need
	@# the xmlsec1 program (their SAML identity provider) and Node.js (their OpenID provider).
	@touch $@

# Regenerate requirements/lock.txt after a change of pyproject.toml's dependencies (runtime and
# dev, every platform and Python >= 3.11, with hashes). Versions already locked are kept;
# `make lock LOCK_ARGS=--upgrade` takes the newest that pyproject allows. uv is installed for
# this into a throw-away venv: it is no dependency of Hanse.
UV_VERSION ?= 0.13.9
LOCK_ARGS ?=
lock:
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	  $(PYTHON) -m venv "$$tmp/venv" && \
	  "$$tmp/venv/bin/pip" install --quiet 'uv==$(UV_VERSION)' && \
	  "$$tmp/venv/bin/uv" pip compile pyproject.toml --extra dev --universal --python-version 3.11 \
	    --generate-hashes --custom-compile-command 'make lock' --quiet $(LOCK_ARGS) \
	    -o requirements/lock.txt && \
	  "$$tmp/venv/bin/uv" pip compile pyproject.toml --extra ldap --universal --python-version 3.11 \
	    --generate-hashes --custom-compile-command 'make lock' --quiet $(LOCK_ARGS) \
	    -c requirements/lock.txt -o requirements/ldap.txt

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Catalogs are compiled with Babel: no GNU gettext needed. Each .mo is a target of its own,
# rebuilt only when its .po changed: CI runs two `make test` at once, and neither may rewrite a
# catalog while the other's tests read it.
install: $(BIN)/.installed node_modules/.installed compilemessages

CATALOGS := $(patsubst %.po,%.mo,$(wildcard hanse/locale/*/LC_MESSAGES/*.po))
compilemessages: $(CATALOGS)
	@test -f hanse/locale/de/LC_MESSAGES/django.mo
	@test -f hanse/locale/de/LC_MESSAGES/djangojs.mo

hanse/locale/%.mo: hanse/locale/%.po $(BIN)/.installed
	@$(BIN)/pybabel compile -i $< -o $@.tmp 2>&1 | grep -v '^compiling' || true
	@mv $@.tmp $@

setup: install
	$(PY) manage.py migrate --no-input -v 0
	$(PY) manage.py collectstatic --no-input -v 0
	$(PY) manage.py hanse_vapid

# --- The two README commands ----------------------------------------------------------------
run: setup
	@$(PY) manage.py seed_demo --size $(DEMO_SIZE) --seed $(DEMO_SEED) --if-empty
	@$(PY) -c 'import socket,sys; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("$(HOST)", $(PORT)))' 2>/dev/null \
	  || { echo "Port $(PORT) on $(HOST) is taken: another Hanse or program runs there. Stop it, or start on another port: PORT=8080 make run" >&2; exit 1; }
	@$(PY) manage.py check --fail-level ERROR >/dev/null
	@$(PY) manage.py hanse_welcome --port $(PORT) --host $(HOST)
	@# One process: without REDIS_URL the server runs the task workers and the scheduler as
	@# threads (hanse/jobs/embedded.py), sharing its cache and channel layer. With REDIS_URL,
	@# they are processes of their own: a worker for every queue, one for the "live" queue only
	@# (notifications: hanse/jobs/queues.py) and the scheduler; when any ends, so do the others.
	@trap 'kill 0' EXIT INT TERM; \
	  if [ -n "$$REDIS_URL" ]; then $(PY) manage.py hanse_worker & $(PY) manage.py hanse_worker --queue live & $(PY) manage.py hanse_scheduler & fi; \
	  $(BIN)/uvicorn hanse.asgi:application --host $(HOST) --port $(PORT) --no-proxy-headers --no-access-log --lifespan off --ws-per-message-deflate false & \
	  wait -n; status=$$?; \
	  echo "A Hanse process ended (exit code $$status); stopping the others." >&2; \
	  exit $$status

# Two workers suit a 2-core machine; PYTEST_WORKERS=0 runs in one process (pytest-xdist).
PYTEST_WORKERS ?= auto
# The slowest tests are listed at the end of every run, so that CI's time stays visible.
PYTEST_ARGS ?= --durations=30 --durations-min=5
test: install
	HANSE_ENV=test $(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# --- Development ----------------------------------------------------------------------------
lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(BIN)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

typecheck: $(BIN)/.installed
	$(BIN)/mypy hanse

# Dependencies run one way: the import contracts in pyproject.toml (docs/architecture.md).
imports: $(BIN)/.installed
	$(BIN)/lint-imports

check: lint typecheck imports
	$(PY) manage.py makemigrations --check --dry-run

# Two domains: django (Python, templates) and djangojs (our static JavaScript, served by
# hanse/core/jsi18n.py).
messages: $(BIN)/.installed
	$(PY) manage.py makemessages -l de -l en --no-location --ignore=node_modules --ignore=.venv --ignore=var
	$(PY) manage.py makemessages -d djangojs -l de -l en --no-location --ignore=node_modules --ignore=.venv --ignore=var

demo-reset: $(BIN)/.installed
	rm -f var/hanse.sqlite3 var/hanse.sqlite3-wal var/hanse.sqlite3-shm
	$(MAKE) setup
	$(PY) manage.py seed_demo --size $(DEMO_SIZE) --seed $(DEMO_SEED)

# A wheel with templates, static files, front-end packages and compiled catalogs in dist/.
dist: install
	$(PY) scripts/vendor_static.py
	rm -rf build dist
	$(BIN)/pip wheel --quiet --no-deps --no-build-isolation --wheel-dir dist .
	@ls dist/*.whl

clean:
	rm -rf $(VENV) .pycache node_modules var/static build dist hanse/static/vendor
