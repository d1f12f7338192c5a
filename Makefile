# Two commands do all set-up on a fresh machine (Python 3.11, pip and make):
#   make run   – install, create the SQLite database, load reference and demo data, serve :8000
#                with the job queue's worker beside the server (`khuyencong serve`; Ctrl+C stops both)
#   make test  – install (and Debian's chromium for the browser tests and LibreOffice for the Excel
#                test, when missing), run every test
#                (SQLite; PostgreSQL too when DATABASE_URL is set)

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml requirements/constraints.txt 2>/dev/null | cksum | cut -d' ' -f1)
HOST   ?= 127.0.0.1:8000

.PHONY: install setup run test lint format benchmark clean

$(STAMP): pyproject.toml requirements/constraints.txt
	@test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements/constraints.txt -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

install: $(STAMP)

setup: install
	$(BIN)/khuyencong compile-translations
	$(BIN)/khuyencong migrate --no-input
	$(BIN)/khuyencong load-reference
	$(BIN)/khuyencong load-demo

run: setup
	@echo "Serving at http://$(HOST)/ – demo accounts are listed in README.md"
	$(BIN)/khuyencong serve $(HOST)

test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/khuyencong compile-translations
	tools/ensure-chromium
	tools/ensure-libreoffice
	tools/ensure-pdf-libraries
	tools/run-tests

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

benchmark: install
	tools/run-benchmarks

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache test-artifacts
