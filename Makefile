# Samspil: `make run` to try it, `make test` to test it. Needs only Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
# Email, .ics and feed links point where `make run` serves (make run PORT=8300 → :8300), unless set.
SITE_URL ?= http://$(HOST):$(PORT)

.PHONY: run test lint audit format messages makemessages clean venv

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

messages: venv
	$(PY) manage.py compiletranslations

## run: create the environment, migrate SQLite, load demo data, start web and worker on http://$(HOST):$(PORT)
run: messages
	$(PY) manage.py migrate --noinput
	SITE_URL=$(SITE_URL) $(PY) manage.py demo
	@echo ""
	@echo "Samspil runs on http://$(HOST):$(PORT)/  (demo accounts: see README.md; Ctrl-C stops web and worker)"
	@bash -c 'trap "kill 0" EXIT INT TERM; \
	  DEBUG=1 SITE_URL=$(SITE_URL) $(VENV)/bin/celery -A samspil worker --beat --loglevel=INFO --concurrency=2 & \
	  DEBUG=1 SITE_URL=$(SITE_URL) $(PY) manage.py runserver $(HOST):$(PORT)'

## test: the whole suite (SQLite and skips on a laptop; PostgreSQL, Redis and Chromium in CI),
## in $(PYTEST_WORKERS) parallel processes (pytest-xdist; each has its own test database).
## Much of the suite waits on browsers, workers and claim expiry, so 3 beat 2 on two cores.
PYTEST_WORKERS ?= 3
test: messages
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/bandit -q -r samspil audit accounts organisation outbox meetings agreements codex stories coverage cases earlywords questions portal devtools -x "*/migrations/*"

## audit: known vulnerabilities in requirements.txt (pip-audit; see bin/audit-dependencies)
audit: venv
	$(PY) bin/audit-dependencies

format: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## makemessages: refresh the .po files after changing strings. The foundation's strings
## live in locale/; each capability app keeps its own in <app>/locale/. The .po files are
## the one source of the Danish text: write the new translations there; the last step
## lists every Danish string still missing (or fuzzy) and fails until there is none.
APPS_WITH_LOCALE := meetings agreements codex stories coverage earlywords questions cases notifications
makemessages: venv
	$(PY) manage.py makemessages -l da -l en -e html,txt,py,jinja --ignore=.venv --ignore=var --ignore=tests --ignore=static \
	  $(foreach app,$(APPS_WITH_LOCALE),--ignore=$(app)/*)
	# Inside an app folder makemessages writes to <app>/locale only if that folder exists
	# (otherwise it would overwrite the project's files).
	for app in $(APPS_WITH_LOCALE); do [ ! -d $$app/locale ] || (cd $$app && ../$(PY) ../manage.py makemessages -l da -l en -e html,txt,py,jinja); done
	$(PY) manage.py compiletranslations --check

clean:
	rm -rf var $(VENV)
