# Faultline: `make demo` and `make test` from a fresh clone, plus build, lint, bindings and bench.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.NOTPARALLEL:
.DEFAULT_GOAL := help

# rustup's default install place, for shells that did not source ~/.cargo/env.
export PATH := $(HOME)/.cargo/bin:$(PATH)
CARGO ?= cargo
NPM ?= npm
RELEASE := target/release
DEMO_DATA := target/demo-data
BINDINGS_DIR := ui/src/lib/bindings
# A virtual display big enough for the 1280x800 window, in 24-bit colour.
XVFB := xvfb-run -a -s "-screen 0 1920x1080x24"

.PHONY: help setup ui build demo test test-unit e2e bench lint deny bindings bindings-check screenshot relevance-check

help:
	@echo "make demo   - install what is missing, build, load the demo plant, open the app (or the CLI)"
	@echo "make test   - install what is missing, then UI build, bindings check, lint, build, all tests"
	@echo "other targets: setup ui build test-unit e2e bench lint bindings bindings-check screenshot"

setup:
	bash scripts/setup.sh

ui:
	cd ui && $(NPM) run build

# The app embeds ui/dist at compile time: build it when it is missing (cargo check/clippy need it).
ui/dist/index.html:
	cd ui && $(NPM) run build

# The app, the CLI and the hub are always built together, so shared crates compile once with one
# feature set.
RELEASE_PKGS := -p faultline-app -p faultline-cli -p faultline-hub
# Runs the rest of the line with a throwaway PostgreSQL (scripts/pg.sh), stopped afterwards.
WITH_PG := pg_env="$$(bash scripts/pg.sh start)" && eval "$$pg_env" && trap 'bash scripts/pg.sh stop' EXIT &&

build: ui
	$(CARGO) build --release $(RELEASE_PKGS)

demo: setup build
	rm -rf $(DEMO_DATA)
	mkdir -p $(DEMO_DATA)
	$(RELEASE)/faultline --data-dir $(DEMO_DATA) demo-load
	@if [[ -n "$${DISPLAY:-}" || -n "$${WAYLAND_DISPLAY:-}" ]]; then \
	  echo "Opening the app on $(DEMO_DATA)"; \
	  FAULTLINE_DATA_DIR=$(DEMO_DATA) $(RELEASE)/faultline-app; \
	else \
	  echo "No display found: showing the demo through the CLI instead"; \
	  bash scripts/demo-cli.sh $(DEMO_DATA); \
	fi

test: setup ui bindings-check lint deny
	$(CARGO) build --release $(RELEASE_PKGS) -p faultline-bench
	$(RELEASE)/faultline-bench relevance --check crates/faultline-bench/relevance/figures.toml
	mkdir -p target
	cd ui && $(NPM) test 2>&1 | tee ../target/test-ui.log
	$(WITH_PG) $(XVFB) $(CARGO) test --workspace --no-fail-fast 2>&1 | tee target/test-rust.log
	bash scripts/test-summary.sh target/test-ui.log target/test-rust.log

# Manual search relevance on the judged query sets vs SQLite FTS5 (seconds, after one pdftotext
# pass cached under target/bench/relevance): fails when the blind test set's recall@5 or MRR@10
# falls more than 0.02 below crates/faultline-bench/relevance/figures.toml. Needs the corpus
# at ../shared/corpus (or FAULTLINE_CORPUS).
# (The bench is built with the app's packages so shared crates keep one feature set.)
relevance-check: ui/dist/index.html
	$(CARGO) build --release $(RELEASE_PKGS) -p faultline-bench
	$(RELEASE)/faultline-bench relevance --check crates/faultline-bench/relevance/figures.toml

# Quick iteration: unit and integration tests without the app window (never used by CI).
test-unit: ui/dist/index.html
	$(CARGO) build --release -p faultline-cli -p faultline-hub
	$(WITH_PG) FAULTLINE_SKIP_E2E=1 $(CARGO) test --workspace

# Only the end-to-end tests, against the current release binaries.
e2e: ui/dist/index.html
	$(CARGO) build --release $(RELEASE_PKGS)
	$(WITH_PG) $(XVFB) $(CARGO) test -p faultline-tests

# Benchmarks (docs/benchmarks.md): every figure with the machine and the command, rewritten by the
# run that measured it. BENCH_ARGS runs one bench instead, e.g. `make bench BENCH_ARGS=search`.
bench: build
	@if [[ -n "$(BENCH_ARGS)" ]]; then \
	  $(WITH_PG) $(CARGO) run --release -p faultline-bench -- $(BENCH_ARGS); \
	else \
	  $(CARGO) run --release -p faultline-bench -- replica --write-doc docs/benchmarks.md; \
	  $(CARGO) run --release -p faultline-bench -- search --write-doc docs/benchmarks.md; \
	  $(CARGO) run --release -p faultline-bench -- extract --write-doc docs/benchmarks.md; \
	  $(XVFB) $(CARGO) run --release -p faultline-bench -- cold-start --write-doc docs/benchmarks.md; \
	  ( $(WITH_PG) $(CARGO) run --release -p faultline-bench -- sync --write-doc docs/benchmarks.md ); \
	fi

# Supply chain: licences, banned and duplicate-source crates, registries (deny.toml), and known
# vulnerabilities (RustSec) wherever its database on GitHub can be fetched; where it cannot (this
# project's build network reaches only the package registries) that check is skipped, loudly.
deny:
	$(CARGO) deny --all-features check bans licenses sources
	@mkdir -p target
	@if timeout 120 $(CARGO) deny fetch db >target/deny-fetch.log 2>&1; then \
	  $(CARGO) deny --all-features check advisories; \
	else \
	  echo "WARNING: the RustSec advisory database could not be fetched (see target/deny-fetch.log):"; \
	  echo "         vulnerability check skipped. Run 'cargo deny check advisories' where GitHub is reachable."; \
	fi

lint: ui/dist/index.html
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	cd ui && $(NPM) run check

# ts-rs writes one .ts file per exported type; stale generated files are removed first so that
# bindings-check also catches types that were renamed or deleted. `--workspace --lib` (not `-p` of
# the four crates that export types): the same feature set as `cargo test --workspace`, so `make
# test` builds the dependencies once; with `-p` they were built twice (features unify per command).
bindings:
	mkdir -p $(BINDINGS_DIR)
	{ grep -lZ --include='*.ts' -r 'generated by \[ts-rs\]' $(BINDINGS_DIR) || true; } | xargs -0 -r rm -f
	TS_RS_EXPORT_DIR=$(CURDIR)/$(BINDINGS_DIR) $(CARGO) test --workspace --lib export_bindings

bindings-check: bindings
	@git diff --exit-code -- $(BINDINGS_DIR) || { \
	  echo "TypeScript bindings are out of date: run 'make bindings' and commit $(BINDINGS_DIR)"; exit 1; }
	@untracked="$$(git ls-files --others --exclude-standard -- $(BINDINGS_DIR))"; \
	if [[ -n "$$untracked" ]]; then \
	  echo "New TypeScript bindings are not committed:"; echo "$$untracked"; exit 1; fi
	@echo "TypeScript bindings are up to date"

# The README's picture: the demo plant's VFD-202 asset page in the real window (tests/src/bin).
screenshot: build
	$(XVFB) $(CARGO) run -q -p faultline-tests --bin screenshot -- docs/screenshot.png
	$(XVFB) $(CARGO) run -q -p faultline-tests --bin screenshot -- docs/screenshot-procedure.png JP-VX-OC1
	$(XVFB) $(CARGO) run -q -p faultline-tests --bin screenshot -- docs/screenshot-start.png start
	$(XVFB) $(CARGO) run -q -p faultline-tests --bin screenshot -- docs/screenshot-shift.png shift
	$(XVFB) $(CARGO) run -q -p faultline-tests --bin screenshot -- docs/screenshot-analytics.png analytics
	$(XVFB) $(CARGO) run -q -p faultline-tests --bin screenshot -- docs/screenshot-diagnose.png diagnose
