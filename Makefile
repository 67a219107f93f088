# The two commands of the README:
#   make run    install what is missing, build the site, serve the portal on 127.0.0.1:8000
#   make test   install what is missing (Chromium included where possible), run every test
# Everything is installed inside the project (.venv/, node_modules/).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
CHROMIUM ?= /usr/bin/chromium
NGINX ?= /usr/sbin/nginx

.PHONY: run test check lint format bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

# Browser tests drive Debian's Chromium; install it when we can (root on Debian).
$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else \
		echo "!! $(CHROMIUM) absent : installez le paquet Debian « chromium » (sudo apt-get install chromium)."; \
		echo "!! Sans lui, les tests navigateur seront ignorés (jamais en CI)."; \
	fi

# Production tests run deploy/ with Debian's nginx (and openssl for their certificate).
$(NGINX):
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light openssl; \
		service nginx stop >/dev/null 2>&1 || true; \
	else \
		echo "!! $(NGINX) absent : installez les paquets Debian « nginx-light » et « openssl »."; \
		echo "!! Sans eux, les tests de production seront ignorés (jamais en CI)."; \
	fi

run: export PORTAIL_BASE_URL ?= http://$(HOST):$(PORT)
run: $(VENV)/.installed
	$(PY) build.py
	$(VENV)/bin/flask --app worker run --host $(HOST) --port $(PORT)

test: $(VENV)/.installed node_modules/.installed $(CHROMIUM) $(NGINX)
	$(PY) build.py --check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) -m pytest

check: $(VENV)/.installed
	$(PY) build.py --check

format: $(VENV)/.installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# The ratio benchmarks need wrk (Debian package « wrk ») and fetch Hugo into bench/out/.
bench: $(VENV)/.installed
	$(PY) bench/build_bench.py
	$(PY) bench/upload_bench.py
	$(PY) bench/startup_bench.py
	$(PY) bench/worker_bench.py
	$(PY) bench/build_vs_hugo.py --scale 1,2,4
	$(PY) bench/pdf_bench.py
	$(PY) bench/login_bench.py

clean:
	rm -rf site data .venv node_modules bench/out
