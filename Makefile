# The commands people run. Each installs what it needs (beyond Rust itself) first.
CARGO ?= cargo

.PHONY: demo test check lint doc generate playground bench setup-rust setup-wasm pkg test-wasm setup-fuzz fuzz fuzz-smoke

## demo: validate, sign and verify the docs' sample requests (Rust, then Node on the npm package)
demo: pkg
	$(CARGO) run --quiet --release --example demo
	node examples/node-demo.mjs

## test: everything: `check`, the wasm exports under Node, the npm package's tests, the
## playground in Chromium, the runtime/bundler matrix, the framework recipes, `amojo mock` end
## to end (on the debug binary `check` built), the schema cross-check and a fuzz smoke run
test: check
	$(MAKE) test-wasm pkg
	node --test tests/js/
	node --test tests/e2e/
	node tests/runtimes/run.mjs
	node tests/frameworks/run.mjs
	python3 tests/mock_e2e.py target/debug/amojo
	$(PY) tests/schema_crosscheck.py
	$(MAKE) fuzz-smoke

## check: the everyday loop: fmt, clippy, docs, every native Rust test (the core, the CLI,
## the freshness of the generated schemas and typings)
check: lint doc
	$(CARGO) test --locked --workspace --all-targets --all-features
	$(CARGO) test --locked --doc

## generate: regenerate committed artefacts (JSON Schemas, payload typings) from the rule tables
generate: setup-rust
	AMOJO_REGENERATE=1 $(CARGO) test --quiet --locked --features schema --test generated

lint: setup-rust
	$(CARGO) fmt --all --check
	$(CARGO) clippy --locked --workspace --all-targets --all-features -- -D warnings

doc: setup-rust
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --locked --no-deps --workspace --all-features

# rustfmt and clippy ship with rustup's default profile; add them only when missing.
setup-rust:
	@command -v $(CARGO) >/dev/null || { echo "Rust is required: https://rustup.rs" >&2; exit 1; }
	@$(CARGO) fmt --version >/dev/null 2>&1 || rustup component add rustfmt
	@$(CARGO) clippy --version >/dev/null 2>&1 || rustup component add clippy

# ---- WebAssembly package ------------------------------------------------------------------
WASM_TARGET := wasm32-unknown-unknown
WASM := target/$(WASM_TARGET)/release/amojo_wasm.wasm
# amojo-kit/mock's emulator: a module of its own, so the main .wasm does not carry it.
MOCK_WASM := target/$(WASM_TARGET)/release/amojo_mock_wasm.wasm
# The bindgen CLI must equal the wasm-bindgen crate pinned in Cargo.lock.
BINDGEN_VERSION = $(shell awk '/^name = "wasm-bindgen"$$/{getline; gsub(/"/, "", $$3); print $$3}' Cargo.lock)
TOOLS := $(CURDIR)/target/tools
WASM_OPT := $(TOOLS)/node_modules/.bin/wasm-opt
TSC := $(TOOLS)/node_modules/.bin/tsc
AJV := $(TOOLS)/node_modules/ajv/package.json
# Python's jsonschema, for the schema cross-check, in a venv of its own.
PY := $(TOOLS)/py/bin/python
# Build and test tools from npm, installed once into target/tools (one install so npm
# does not prune one tool while adding another).
NPM_TOOLS := binaryen@132 typescript@5.9 @types/node@20 @types/express@4 ajv@8.17

setup-wasm: setup-rust
	@rustup target list --installed 2>/dev/null | grep -qx $(WASM_TARGET) || rustup target add $(WASM_TARGET)
	@if [ "$$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $(BINDGEN_VERSION)" ]; then \
	  echo "installing wasm-bindgen-cli $(BINDGEN_VERSION)"; \
	  $(CARGO) install wasm-bindgen-cli --version $(BINDGEN_VERSION); fi
	@command -v node >/dev/null && command -v npm >/dev/null || { echo "Node.js 18+ and npm are required" >&2; exit 1; }
	@[ -x $(WASM_OPT) ] && [ -x $(TSC) ] && [ -f $(AJV) ] || npm install --prefix $(TOOLS) --no-save --no-audit --no-fund $(NPM_TOOLS) >/dev/null

	@$(PY) -c 'import jsonschema' 2>/dev/null || { python3 -m venv $(TOOLS)/py && \
	  $(TOOLS)/py/bin/pip install --quiet --disable-pip-version-check jsonschema==4.23.0; }

## pkg: build the npm package into pkg/ (Node CJS + ESM, browsers; amojo-kit/mock)
# The mock's crate builds in a cargo invocation of its own: in one invocation with
# amojo-wasm, features would be unified across both and could change the main .wasm.
pkg: setup-wasm
	$(CARGO) build --locked -p amojo-wasm --lib --release --target $(WASM_TARGET)
	$(CARGO) build --locked -p amojo-mock-wasm --lib --release --target $(WASM_TARGET)
	rm -rf target/bindgen
	wasm-bindgen --target web --out-dir target/bindgen/web --out-name amojo_kit $(WASM)
	wasm-bindgen --target nodejs --out-dir target/bindgen/node --out-name amojo_kit $(WASM)
	wasm-bindgen --target nodejs --out-dir target/bindgen/mock --out-name amojo_mock $(MOCK_WASM)
	for f in web/amojo_kit node/amojo_kit mock/amojo_mock; do $(WASM_OPT) -Oz --enable-bulk-memory \
	  --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
	  --enable-reference-types --enable-multivalue \
	  target/bindgen/$${f}_bg.wasm -o target/bindgen/$${f}_bg.wasm; done
	node scripts/assemble-pkg.mjs

## playground: build the npm package and the playground, serve it on http://127.0.0.1:8080 (PORT=…)
playground: pkg
	node scripts/build-playground.mjs
	node scripts/serve-playground.mjs

## bench: native (criterion) then the npm package (Node, Chromium) side by side; table in target/bench/results.md
bench: pkg
	$(CARGO) bench --bench core -- --noplot
	node scripts/bench.mjs

## test-runtimes: the packed npm package bundled and run by esbuild, webpack, Vite, Next.js,
## workerd, Deno and Bun (tools pinned in tests/runtimes/package-lock.json); ONLY=cell,… for some
.PHONY: test-runtimes
test-runtimes: pkg
	node tests/runtimes/run.mjs $(if $(ONLY),--only $(ONLY))

## test-frameworks: the package README's Express, Fastify, Koa, Hono and NestJS recipes as
## servers, driven over HTTP (frameworks pinned in tests/frameworks/package-lock.json)
.PHONY: test-frameworks
test-frameworks: pkg
	node tests/frameworks/run.mjs $(if $(ONLY),--only $(ONLY))

## test-mock: `amojo mock` end to end over HTTP, signed by an independent Python signer
## (tests/mock_e2e.py, stdlib only), on the release binary. (`make test` runs it on the debug
## binary that `check` builds: the same code, without 1½ minutes of LTO on 2 cores.)
.PHONY: test-mock
test-mock: setup-rust
	$(CARGO) build --locked --release -p amojo-cli
	python3 tests/mock_e2e.py target/release/amojo

## bench-mock: signed send_message load (wrk, from Debian) on `amojo mock` and on a bare hyper
## server (the ceiling) in one run; requests/s, p50/p99, the ratio, RSS after 100k messages.
## Table on stdout and in target/bench/mock.md; DOCS=1 also rewrites its docs/benchmarks.md section;
## OPT=3 adds the mock built at opt-level 3 instead of the release profile's "z"
.PHONY: bench-mock
bench-mock: setup-rust
	node scripts/bench-mock.mjs $(if $(DOCS),--docs) $(if $(OPT),--opt-level $(OPT))

## test-wasm: the wasm exports under Node (wasm-bindgen-test)
test-wasm: setup-wasm
	$(CARGO) clippy --locked -p amojo-wasm --target $(WASM_TARGET) --lib --test wasm -- -D warnings
	$(CARGO) test --locked -p amojo-wasm --target $(WASM_TARGET) --test wasm

# ---- Fuzzing (cargo-fuzz / libFuzzer) -----------------------------------------------------
CARGO_FUZZ_VERSION := 0.13.2

setup-fuzz: setup-rust
	@[ "$$(cargo fuzz --version 2>/dev/null)" = "cargo-fuzz $(CARGO_FUZZ_VERSION)" ] || \
	  $(CARGO) install cargo-fuzz --version $(CARGO_FUZZ_VERSION)

## fuzz: every fuzz target for FUZZ_SECONDS each (default 300), two at a time; prints executions
fuzz: setup-fuzz
	scripts/fuzz.sh $(or $(FUZZ_SECONDS),300)

## fuzz-smoke: every fuzz target for 10 s (part of make test)
fuzz-smoke: setup-fuzz
	scripts/fuzz.sh 10
