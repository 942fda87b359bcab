# interplay: build, test and benchmark entry points.
# `make test` is what CI runs (.ci/run); `make bench` prints the speed figures.

CARGO ?= cargo
PYTHON ?= python3
VENV ?= .venv
VENV_PY := $(VENV)/bin/python

.PHONY: test test-rust test-lean test-python python-dev python-venv bench lint doc demo

test: test-rust test-python

test-rust:
	$(CARGO) test --release --workspace
	@scripts/check_feature_unification.sh
	$(MAKE) --no-print-directory test-lean

# The library without its optional backends (onnx, parquet, clarabel) must build,
# and refuse what needs them with a clear error. Release mode so that it reuses
# the dependencies `cargo test --release` compiled (`cargo check` would not); only
# the library's unit tests, which cover the refusals, to keep it cheap.
test-lean:
	$(CARGO) test --release -p interplay --no-default-features --lib

test-python:
	@if [ -f bindings/python/pyproject.toml ]; then \
	  $(MAKE) --no-print-directory python-dev && \
	  $(VENV_PY) -m pytest -q bindings/python/tests; \
	else echo "no Python package yet"; fi

# Build the extension into .venv (release mode, same as the CLI).
python-dev: python-venv
	VIRTUAL_ENV=$(abspath $(VENV)) $(VENV_PY) -m maturin develop --release -m bindings/python/Cargo.toml

python-venv:
	@[ -x $(VENV_PY) ] || $(PYTHON) -m venv $(VENV)
	@$(VENV_PY) -m pip install -q -r bindings/python/requirements-test.txt

bench:
	$(CARGO) bench --workspace
	@if [ -f bindings/python/pyproject.toml ]; then \
	  $(MAKE) --no-print-directory python-dev && \
	  $(VENV_PY) bindings/python/bench/bench_overhead.py; \
	fi

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --workspace --no-deps

demo:
	$(CARGO) run --release -- demo
