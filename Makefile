# Every target installs what it needs first: `make demo` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install system-deps demo test pytest lint format docs bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

system-deps:
	bash scripts/system-deps.sh

install: $(STAMP) system-deps

demo: install
	$(BIN)/python scripts/demo.py $(if $(FRESH),--fresh)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
	$(BIN)/python -m newsmon.docs

# The documentation site into site/: the reference tables must match the registries (`make format` rewrites
# them), and any MkDocs warning (a broken link or anchor, a nav entry without its page) fails the build.
docs: install
	$(BIN)/python -m newsmon.docs --check
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

# Test files whole in each of WORKERS processes, the longest first (docs/testing.md: tests/conftest.py orders
# them, a worker takes the next file as it finishes one). The lint runs beside the tests rather than before
# them (mypy from a cold cache takes a quarter of a minute): `make test` fails when either fails, and its
# few lines come among pytest's (an output sync would hold pytest's progress back until its end).
# PYTHONDONTWRITEBYTECODE is cleared for the run: with it set, each worker rewrote the asserts of every test
# module again on every run (pytest caches them as byte code), about 2.5 CPU-seconds a worker.
WORKERS ?= 4
test:
	$(MAKE) --no-print-directory -j2 lint pytest

pytest: install
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -n $(WORKERS) --dist loadfile --no-loadscope-reorder

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) site output .newsmon .pytest_cache .mypy_cache .ruff_cache *.egg-info
