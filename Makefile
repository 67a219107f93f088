# The two commands of the README:
#   make run    install what is missing, build the site, serve the portal on 127.0.0.1:8000
#   make test   install what is missing (Debian packages included, as root), run every test
# Everything is installed inside the project (.venv/, node_modules/).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test packages check lint format bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

# The Debian packages the tests drive (Chromium, nginx, openssl, clamd): installed when
# missing as root on Debian, otherwise named (their tests are then skipped, never in CI).
packages:
	@./.ci/debian-packages

run: export PORTAIL_BASE_URL ?= http://$(HOST):$(PORT)
run: $(VENV)/.installed
	$(PY) build.py
	$(VENV)/bin/flask --app worker run --host $(HOST) --port $(PORT)

test: $(VENV)/.installed node_modules/.installed packages
	$(PY) build.py --check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) -m pytest
	PORTAIL_TEST_DATABASE=postgresql $(PY) -m pytest

check: $(VENV)/.installed
	$(PY) build.py --check

format: $(VENV)/.installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# The ratio benchmarks need wrk and valgrind (Debian packages « wrk », « valgrind ») and
# fetch Hugo into bench/out/.
bench: $(VENV)/.installed
	$(PY) bench/build_bench.py --scale 1,2,4
	$(PY) bench/upload_bench.py
	$(PY) bench/startup_bench.py
	$(PY) bench/worker_bench.py
	$(PY) bench/worker_cpu_bench.py
	$(PY) bench/worker_cpu_bench.py --parts --rounds 9 --requests 1000
	$(PY) bench/build_vs_hugo.py
	$(PY) bench/pdf_bench.py
	$(PY) bench/login_bench.py
	$(PY) bench/search_bench.py
	$(PY) bench/instructions_bench.py

clean:
	rm -rf site data .venv node_modules bench/out
