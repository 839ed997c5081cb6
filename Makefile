# Every target bootstraps .venv by itself: a fresh clone needs only `make run` or `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
STATIONS ?= 5
SPEED ?= 60

.PHONY: run test test-long lint bench scenarios clean

$(STAMP): pyproject.toml
	@echo "installing the project and its dependencies into $(VENV) (first run or pyproject.toml changed: 2-3 min)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

## run: the CSMS (in-memory store) with $(STATIONS) simulated bidirectional stations charging
run: $(STAMP)
	STATIONS=$(STATIONS) SPEED=$(SPEED) scripts/demo.sh

## test: unit, contract (memory + a real redis-server), integration and end-to-end tests (closed loops on
## virtual time), on $(TEST_WORKERS) processes; first installs redis-server and chromium (browser test) if absent
TEST_WORKERS ?= 2
test: $(STAMP)
	scripts/ensure-system-deps.sh
	$(BIN)/pytest -m "not long and not realtime" -n $(TEST_WORKERS) --dist worksteal
	$(BIN)/pytest -m "realtime and not long" 

## test-long: the tests `make test` leaves out: real-clock hour replays and the remaining regulation hours
test-long: $(STAMP)
	scripts/ensure-system-deps.sh
	$(BIN)/pytest -m long

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

## bench: benchmarks that print figures (see docs/benchmarks.md)
bench: $(STAMP)
	$(BIN)/python bench/bench_load.py --stations 100,1000

## scenarios: the four pilot scenarios in full form, one after the other; reports in docs/scenarios/
SCENARIO_FILES ?= ev2g chargeforward la_afb frederiksberg
scenarios: $(STAMP)
	for s in $(SCENARIO_FILES); do $(BIN)/python -m csms scenario run config/scenarios/$$s.toml --out docs/scenarios || exit 1; done

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .mypy_cache .ruff_cache
