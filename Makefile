# interplay: build, test and benchmark entry points.
# `make test` is what CI runs (.ci/run); `make bench` prints the speed figures.

CARGO ?= cargo
PYTHON ?= python3
VENV ?= .venv
VENV_PY := $(VENV)/bin/python

.PHONY: test test-rust test-lean test-python python-dev python-venv browser bench lint doc demo fuzz fuzz-build

test: test-rust test-python

test-rust:
	$(CARGO) test --release --workspace
	@$(PYTHON) scripts/check_feature_unification.py
	$(MAKE) --no-print-directory test-lean

# The library without its optional backends (onnx, parquet, clarabel) must build,
# and refuse what needs them with a clear error. Release mode so that it reuses
# the dependencies `cargo test --release` compiled (`cargo check` would not); only
# the library's unit tests, which cover the refusals, to keep it cheap.
test-lean:
	$(CARGO) test --release -p interplay --no-default-features --lib

test-python: browser
	@if [ -f bindings/python/pyproject.toml ]; then \
	  $(MAKE) --no-print-directory python-dev && \
	  $(VENV_PY) -m pytest -q bindings/python/tests; \
	else echo "no Python package yet"; fi

# Headless Chromium, the DejaVu fonts and librsvg's rsvg-convert (`report --png`) for
# the report's browser test (bindings/python/tests/test_report_browser.py), from Debian
# when missing; the test fails without them unless INTERPLAY_SKIP_BROWSER=1. Quiet and
# idempotent.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
browser:
	@{ command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; } \
	  && command -v rsvg-convert >/dev/null 2>&1 \
	  || [ "$$INTERPLAY_SKIP_BROWSER" = 1 ] \
	  || { echo "installing chromium and librsvg2-bin from Debian for the report test"; \
	       ( $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
	           --no-install-recommends chromium fonts-dejavu-core librsvg2-bin ) >/dev/null 2>&1 \
	       || echo "could not install chromium/librsvg2-bin: the browser test will fail (INTERPLAY_SKIP_BROWSER=1 skips it)"; }

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
	  $(VENV_PY) bindings/python/bench/bench_overhead.py && \
	  $(VENV_PY) bindings/python/bench/bench_ray.py && \
	  $(VENV_PY) bindings/python/bench/bench_torch.py; \
	fi

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --workspace --no-deps

demo:
	$(CARGO) run --release -- demo

# Fuzzing (cargo-fuzz / libFuzzer) of every reader of untrusted input; the
# targets are in fuzz/fuzz_targets/, their code in fuzz/drivers.rs. Each target
# runs FUZZ_SECONDS from a copy of its seed corpus (fuzz/corpus/<t>, kept small)
# in fuzz/target/work-corpus/<t>, which grows across runs. A crash, timeout or
# out-of-memory input is copied into fuzz/regressions/<t>/, which `make test`
# replays (crates/interplay/tests/fuzz_regressions.rs): fix the reader, or move
# the input to fuzz/crashes-unfixed/<t>/ and describe it, before committing.
# cargo-fuzz needs nightly flags; RUSTC_BOOTSTRAP=1 lets the stable toolchain
# take them (AddressSanitizer included). FUZZ_SANITIZER=none runs faster.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= pt pickle npz npy safetensors csv_data joint_csv onnx_model fusion_model
FUZZ_SANITIZER ?= address
FUZZ_FLAGS ?= -rss_limit_mb=1024 -timeout=10 -print_final_stats=1
FUZZ_CARGO := cd fuzz && RUSTC_BOOTSTRAP=1 $(CARGO) fuzz

fuzz-build:
	@command -v cargo-fuzz >/dev/null 2>&1 || $(CARGO) install cargo-fuzz --locked
	$(FUZZ_CARGO) build -s $(FUZZ_SANITIZER)

fuzz: fuzz-build
	@failed=""; for t in $(FUZZ_TARGETS); do \
	  work=fuzz/target/work-corpus/$$t; mkdir -p $$work fuzz/artifacts/$$t; \
	  cp -n fuzz/corpus/$$t/* $$work/ 2>/dev/null; \
	  cp -n fuzz/regressions/$$t/* $$work/ 2>/dev/null; \
	  echo "== fuzz $$t ($(FUZZ_SECONDS) s)"; \
	  ( $(FUZZ_CARGO) run -s $(FUZZ_SANITIZER) $$t target/work-corpus/$$t -- \
	      -max_total_time=$(FUZZ_SECONDS) $(FUZZ_FLAGS) ) || failed="$$failed $$t"; \
	  for a in fuzz/artifacts/$$t/crash-* fuzz/artifacts/$$t/oom-* fuzz/artifacts/$$t/timeout-*; do \
	    [ -f "$$a" ] || continue; mkdir -p fuzz/regressions/$$t; \
	    cp "$$a" fuzz/regressions/$$t/ && echo "saved $$a in fuzz/regressions/$$t/"; \
	  done; \
	done; \
	if [ -n "$$failed" ]; then echo "fuzzing found inputs for:$$failed (see fuzz/regressions/)"; exit 1; fi
