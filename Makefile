# The commands people run. Each installs what it needs (beyond Rust itself) first.
CARGO ?= cargo

.PHONY: demo test lint setup-rust

## demo: validate, sign and verify the docs' sample requests; print headers and curl lines
demo: setup-rust
	$(CARGO) run --quiet --release --example demo

## test: formatting, clippy (-D warnings), every unit/integration/doc test
test: lint
	$(CARGO) test --all-targets
	$(CARGO) test --doc

lint: setup-rust
	$(CARGO) fmt --all --check
	$(CARGO) clippy --all-targets -- -D warnings

# rustfmt and clippy ship with rustup's default profile; add them only when missing.
setup-rust:
	@command -v $(CARGO) >/dev/null || { echo "Rust is required: https://rustup.rs" >&2; exit 1; }
	@$(CARGO) fmt --version >/dev/null 2>&1 || rustup component add rustfmt
	@$(CARGO) clippy --version >/dev/null 2>&1 || rustup component add clippy
