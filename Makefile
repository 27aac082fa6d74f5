# The README's commands. Everything needed is installed into .venv by these targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench bench-national lint format lock clean golden chromium

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/crossdock compare --out out
	$(BIN)/crossdock report out -o out/report.html

# The report's browser test needs Debian's Chromium (a browser that downloads its own build
# cannot be used); installed here when missing (as root, as on the development machines and CI).
chromium:
	@command -v chromium >/dev/null 2>&1 || { apt-get update && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; }

test: $(STAMP) chromium
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy src
	$(BIN)/python -m pytest -n 2

# The reference simulators measured beside ours live in their own environment.
REF := .venv-ref
$(REF)/.installed: benchmarks/reference-requirements.txt
	$(PYTHON) -m venv $(REF)
	$(REF)/bin/python -m pip install --quiet --upgrade pip
	$(REF)/bin/python -m pip install --quiet -r benchmarks/reference-requirements.txt
	touch $(REF)/.installed

bench: $(STAMP) $(REF)/.installed
	$(BIN)/python benchmarks/run.py

# The national chain (5,000 stores x 20,000 SKUs, both modes): up to an hour; see the script.
bench-national: $(STAMP)
	$(BIN)/python benchmarks/bench_national.py $(ARGS)

# Re-record the golden digests of tests/golden (on purpose only: say why in the commit).
golden: $(STAMP)
	$(BIN)/python scripts/record_golden.py

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy src

format: $(STAMP)
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

# Re-resolve the pinned dependency set into requirements.lock.
lock:
	rm -rf .lockenv && $(PYTHON) -m venv .lockenv
	.lockenv/bin/python -m pip install --quiet --upgrade pip
	.lockenv/bin/python -m pip install --quiet -e '.[dev]'
	.lockenv/bin/python -m pip freeze --exclude-editable | grep -v '^crossdock' > requirements.lock
	rm -rf .lockenv

clean:
	rm -rf $(VENV) $(REF) out .pytest_cache .hypothesis
