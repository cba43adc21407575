# ctgstats — two commands on a fresh machine: `make demo` and `make test`.
# Needs only Python >= 3.11 and make: everything else goes into .venv/.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.ctgstats-installed
PYTEST_WORKERS ?= 2

.DEFAULT_GOAL := help
.PHONY: help install demo demo-batch test test-fast lint format check-install demo-data schema lab clean clean-outputs bench

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | \
	  awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-14s\033[0m %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "ctgstats needs Python >= 3.11 (found " + sys.version.split()[0] + "); run: make PYTHON=python3.11 ...")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,lint,lab]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (ctgstats)" >/dev/null
	@touch $(STAMP)

install: $(STAMP) ## Create .venv, install ctgstats and register the notebook kernel

demo: $(STAMP) ## Run the fictional demo territory and print where its HTML report is
	$(BIN)/ctgstats run params/demo.yaml

demo-batch: $(STAMP) ## Every EPCI of the fictional demo département (00), in parallel, into outputs/
	$(BIN)/ctgstats batch --departement 00 --base params/demo.yaml --output-dir outputs

test: $(STAMP) ## Run the whole test suite (creates the environment if needed)
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadgroup

test-fast: $(STAMP) ## Pure and loader tests only: starts no notebook kernel
	CTGSTATS_NO_KERNEL=1 $(BIN)/python -m pytest -m "not notebooks" -n $(PYTEST_WORKERS)

lint: $(STAMP) ## ruff (format and rules), mypy on src/, notebook templates stored without outputs
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/nbstripout --keep-id --verify src/ctgstats/notebooks/*.ipynb

format: $(STAMP) ## Format the code and strip the outputs of the notebook templates
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks
	$(BIN)/nbstripout --keep-id src/ctgstats/notebooks/*.ipynb

bench: $(STAMP) ## Benchmarks (loaders, one run, batch vs naive loop); last line: the ratio
	$(BIN)/python benchmarks/bench_loaders.py
	$(BIN)/python benchmarks/bench_run.py
	$(BIN)/python benchmarks/bench_batch.py --scaling

demo-data: $(STAMP) ## Regenerate the fictional demo files (seeded, byte-identical)
	$(BIN)/python -m ctgstats.demo.generate

schema: $(STAMP) ## Write the JSON Schema of params files to params/schema.json
	$(BIN)/ctgstats schema --output params/schema.json

lab: $(STAMP) ## Open the notebooks in JupyterLab
	$(BIN)/jupyter lab src/ctgstats/notebooks/

clean-outputs: ## Delete generated reports (outputs/ is disposable)
	find outputs -mindepth 1 ! -name .gitkeep ! -name README.md -exec rm -rf {} +

clean: clean-outputs ## Delete the environment and caches
	rm -rf $(VENV) .pytest_cache build src/*.egg-info
