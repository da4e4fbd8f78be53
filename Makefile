PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

SCALE ?= small

.PHONY: run test lint format migrations-check install bench bench-queue serve

# The virtualenv is rebuilt whenever pyproject.toml changes.
$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/.installed

run: install
	DEBUG=on $(BIN)/python manage.py migrate --no-input
	DEBUG=on $(BIN)/python manage.py setup_roles
	DEBUG=on $(BIN)/python manage.py seed_demo
	@echo "To sign in to /admin/, create a first superuser: DEBUG=on $(BIN)/python manage.py createsuperuser"
	DEBUG=on $(BIN)/python manage.py runserver $(HOST):$(PORT)

# The site as production runs it, on this machine: static files collected, the database
# migrated, gunicorn (gunicorn.conf.py, DEBUG off) behind nginx (deploy/nginx.conf), in the
# foreground; Ctrl-C stops both. See docs/deploying.md.
SERVE_PORT ?= 8080
APP_PORT ?= 8001
serve: install
	$(BIN)/python deploy/serve.py --host $(HOST) --port $(SERVE_PORT) --app-port $(APP_PORT)

test: install migrations-check
	$(BIN)/pytest $(PYTEST_ARGS)

# django-upgrade --check changes no file: it names those it would rewrite and exits 1.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	git ls-files -z '*.py' | xargs -0 $(BIN)/django-upgrade --target-version 5.2 --check

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: install
	DEBUG=on $(BIN)/python manage.py makemigrations --check --dry-run

# The moderation queue at a million comments, on a scratch PostgreSQL database (filled by
# the command; never point it at a database you care about). Run as in production:
# DEBUG off, hashed static files; with the bench's settings, whose app has the command
# (bench/floor/management/commands/bench_queue.py).
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/newsroom_scale
BENCH_ENV := DJANGO_SETTINGS_MODULE=bench.settings DATABASE_URL=$(BENCH_DATABASE_URL) \
	SECRET_KEY=bench-only-not-a-secret DEBUG=off
bench-queue: install
	createdb -h 127.0.0.1 -U postgres $(notdir $(BENCH_DATABASE_URL)) 2>/dev/null || true
	$(BENCH_ENV) $(BIN)/python manage.py migrate --no-input -v0
	$(BENCH_ENV) $(BIN)/python manage.py collectstatic --no-input -v0
	$(BENCH_ENV) $(BIN)/python manage.py bench_queue --scratch

# Serve the app as production does and load it with wrk: `make bench`, `make bench SCALE=large`.
# PostgreSQL when DATABASE_URL is set (the bench uses a scratch database beside it), Redis
# when REDIS_URL is set; nginx (deploy/nginx.conf) in front for the nginx targets. See
# docs/performance.md.
bench: install
	@command -v wrk >/dev/null || { echo "wrk is missing. Install it: sudo apt-get install wrk (Debian, Ubuntu), brew install wrk (macOS)"; exit 1; }
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || { echo "nginx is missing. Install it: sudo apt-get install nginx-light (Debian, Ubuntu)"; exit 1; }
	$(BIN)/python bench/run.py --scale $(SCALE) $(BENCH_ARGS)
