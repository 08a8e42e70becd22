# Tongluowan: the commands the README documents.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed

.PHONY: run test bench bench-load bench-imports lint worker beat messages install migrate seed vendor

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $(STAMP)

install: $(STAMP)

# Compile the committed translation catalogue (.mo files are committed too; this keeps
# them in step after an edit of a .po file).
messages: $(STAMP)
	cd $(CURDIR) && $(PY) manage.py compilemessages --ignore=.venv -v0

migrate: $(STAMP)
	DEBUG=1 $(PY) manage.py migrate --noinput

seed: migrate
	DEBUG=1 $(PY) manage.py seed_demo

run: seed
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

test: $(STAMP)
	$(VENV)/bin/lint-imports --no-cache
	$(PY) manage.py makemigrations --check --dry-run -v0
	$(PY) -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(PY) -m bench
	$(PY) -m bench.reports
	$(PY) -m bench.builder
	$(PIP) install --quiet -r bench/requirements.txt
	$(PY) -m bench.imports

# The roster import alone: beside django-import-export 4 (installed for the benchmark only).
bench-imports: $(STAMP)
	$(PIP) install --quiet -r bench/requirements.txt
	$(PY) -m bench.imports

# The load benchmark: gunicorn (DEBUG=0, Redis cache) under 50 staff and 30 leader sessions
# driven by locust, beside the admin under the same load (see bench/load.py).
bench-load: $(STAMP)
	$(PIP) install --quiet -r bench/requirements.txt
	$(PY) -m bench.load

lint: $(STAMP)
	$(VENV)/bin/lint-imports
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Development: one worker with an embedded beat. Production runs `worker` and `beat`
# as two services (see the README).
worker: $(STAMP)
	$(VENV)/bin/celery -A tonglowan worker -B --loglevel=info

beat: $(STAMP)
	$(VENV)/bin/celery -A tonglowan beat --loglevel=info

# Third-party browser assets, copied from the npm registry into static/vendor/ (committed,
# so neither a run nor a deployment needs the network). Apache ECharts draws the charts of
# the home pages; its licence and notice travel with it.
ECHARTS_VERSION := 6.1.0
vendor:
	rm -rf $(CURDIR)/var/vendor-build && mkdir -p $(CURDIR)/var/vendor-build
	cd $(CURDIR)/var/vendor-build && npm pack --silent echarts@$(ECHARTS_VERSION) >/dev/null
	tar -xzf $(CURDIR)/var/vendor-build/echarts-$(ECHARTS_VERSION).tgz -C $(CURDIR)/var/vendor-build
	mkdir -p static/vendor/echarts
	cp $(CURDIR)/var/vendor-build/package/dist/echarts.min.js static/vendor/echarts/
	cp $(CURDIR)/var/vendor-build/package/LICENSE $(CURDIR)/var/vendor-build/package/NOTICE static/vendor/echarts/
	echo "echarts $(ECHARTS_VERSION) from the npm registry (npm pack echarts@$(ECHARTS_VERSION))" > static/vendor/echarts/VERSION
	rm -rf $(CURDIR)/var/vendor-build
