# Two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
HOME_DIR ?= ./firmscore-data
DEMO_N ?= 20000
SEED   ?= 7

.PHONY: venv demo test lint typecheck check clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed

venv: $(VENV)/.installed

demo: venv
	bash scripts/demo.sh $(VENV) $(HOME_DIR) $(DEMO_N) $(SEED)

test: venv
	$(PY) -m pytest -n 2 --dist loadgroup -q tests

lint: venv
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/mypy

check: lint test

clean:
	rm -rf $(HOME_DIR) $(HOME_DIR).keys $(HOME_DIR).witness .pytest_cache .mypy_cache .ruff_cache build
