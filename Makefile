# One-command set-up on a machine with only Python 3.11+, pip and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-from-lock
JOBS   ?= auto

.PHONY: help report test bench lock clean

help:
	@echo "make report  - set up .venv and build the report on the synthetic demonstration study"
	@echo "make test    - set up .venv and run the whole test suite"
	@echo "make bench   - run the benchmarks (benchmarks/results/latest.json)"
	@echo "make lock    - refresh requirements.lock from the ranges in pyproject.toml"

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

report: $(STAMP)
	$(BIN)/impt validate
	$(BIN)/impt report --out reports

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -n $(JOBS) --dist loadfile tests --nbval-lax notebooks --doctest-modules impt_analysis

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

# Refresh the pinned versions (needs network): the ranges live in pyproject.toml.
lock: $(STAMP)
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra test --python-version 3.11 --upgrade -o requirements.lock
	rm -f $(STAMP)

clean:
	rm -rf $(VENV) reports .pytest_cache
