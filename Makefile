# ctgstats — two commands on a fresh machine: `make demo` and `make test`.
# Needs only Python >= 3.11 and make: everything else goes into .venv/.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.ctgstats-installed
PYTEST_WORKERS ?= 2
LINTED := src tests benchmarks
TEMPLATES := $(wildcard src/ctgstats/notebooks/*.ipynb)

.DEFAULT_GOAL := help
.PHONY: help install demo demo-batch lint test test-fast check-install demo-data schema lab clean clean-outputs bench bench-national

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

lint: $(STAMP) ## Formatting, lint, types, and no outputs saved in the notebook templates
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/ruff check $(LINTED)
	$(BIN)/mypy
	$(BIN)/nbstripout --verify --keep-id $(TEMPLATES)

test: $(STAMP) ## Run the whole test suite (creates the environment if needed)
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadgroup

test-fast: $(STAMP) ## Pure-function and loader tests only: starts no kernel
	$(BIN)/python -m pytest -m "(unit or loaders) and not notebooks" -n $(PYTEST_WORKERS)

check-install: $(STAMP) ## Build the wheel, install it into a new environment, run the demo elsewhere
	$(BIN)/python -m pytest -m install -p no:xdist

bench: $(STAMP) ## Benchmarks: loaders, one run, batch vs naive loop, floor, marginal cost, memory
	$(BIN)/python benchmarks/bench_loaders.py
	$(BIN)/python benchmarks/bench_run.py
	$(BIN)/python benchmarks/bench_batch.py

bench-national: $(STAMP) ## National-size synthetic files, a sample of EPCIs (local and Dask), extrapolation to France
	$(BIN)/python benchmarks/bench_national.py

demo-data: $(STAMP) ## Regenerate the fictional demo files (seeded, byte-identical)
	$(BIN)/python -m ctgstats.demo.generate

schema: $(STAMP) ## Write the JSON Schema of params files to params/schema.json
	$(BIN)/ctgstats schema --output params/schema.json

lab: $(STAMP) ## JupyterLab at the repository root (start with COMMENCER_ICI.md); saved templates lose their outputs
	$(BIN)/jupyter lab --config=jupyter_server_config.py --ServerApp.root_dir=. COMMENCER_ICI.md

clean-outputs: ## Delete generated reports (outputs/ is disposable)
	find outputs -mindepth 1 ! -name .gitkeep ! -name README.md -exec rm -rf {} +

clean: clean-outputs ## Delete the environment and caches
	rm -rf $(VENV) .pytest_cache build src/*.egg-info
