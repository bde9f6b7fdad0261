# Two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
HOME_DIR ?= ./firmscore-data
DEMO_N ?= 20000
SEED   ?= 7

.PHONY: venv demo serve test lint typecheck check clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed

venv: $(VENV)/.installed

demo: venv
	bash scripts/demo.sh $(VENV) $(HOME_DIR) $(DEMO_N) $(SEED)

# The credit service on the demo home (run `make demo` first); prints the URL and fresh demo credentials.
serve: venv
	$(PY) scripts/service_demo.py $(HOME_DIR) --serve --port $${SERVICE_PORT:-8700}

test: venv
	$(PY) -m pytest -n 2 --dist loadgroup -q tests

lint: venv
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/mypy

check: lint test

clean:
	rm -rf $(HOME_DIR) $(HOME_DIR).keys $(HOME_DIR).witness .pytest_cache .mypy_cache .ruff_cache build
