# Casefile: the two set-up commands are `make run` and `make test` (see README.md).
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := run
.PHONY: run test bench package deb ui ui-check app bindings icons clean

TAURI := ui/node_modules/.bin/tauri

## run: install what is missing, build, and open Casefile on your local workspace
run:
	@.ci/ensure-deps build
	@$(MAKE) --no-print-directory app
	@if [ -z "$${DISPLAY:-}$${WAYLAND_DISPLAY:-}" ]; then \
	  echo "No display found, so Casefile cannot open a window here."; \
	  echo "On a machine without a screen, run it under a virtual display:"; \
	  echo; echo "  xvfb-run -a -s '-screen 0 1280x800x24' make run"; \
	  exit 1; \
	fi
	exec target/debug/casefile

## test: install what is missing, then every check: format, lints, unit and end-to-end tests
test:
	@.ci/ensure-deps test
	@$(MAKE) --no-print-directory ui-check
	cargo fmt --all --check
	cargo clippy --workspace --all-targets --locked -- -D warnings
	@$(MAKE) --no-print-directory deb PROFILE=debug
	.ci/with-test-session cargo test --workspace --locked -- --include-ignored

## bench: performance reports (never fails on numbers)
bench:
	@.ci/ensure-deps test
	.ci/with-test-session cargo bench --locked -p casefile-core --bench keychain
	cargo bench --locked -p casefile-core --bench store
	cargo bench --locked -p casefile-core --bench encryption
	cargo bench --locked -p casefile-core --bench redaction
	cargo bench --locked -p casefile-core --bench export
	CASEFILE_CRASH_ITERATIONS=1000 cargo test --release --locked -p casefile-tests --test crash -- --nocapture
	cargo bench --locked -p casefile-tests --bench provider_stack
	@$(MAKE) --no-print-directory ui
	.ci/with-test-session env CASEFILE_APP_PROFILE=release cargo bench --locked -p casefile-tests --bench cold_start

## package: build the release .deb and check its contents
package:
	@.ci/ensure-deps test
	@$(MAKE) --no-print-directory ui
	@$(MAKE) --no-print-directory deb PROFILE=release
	CASEFILE_DEB_PROFILE=release cargo test --locked -p casefile-tests --test package -- --include-ignored

# The .deb carries the admin CLI next to the app, built with the same profile.
PROFILE ?= release
deb:
	cargo build --locked -p casefile-admin $(if $(filter release,$(PROFILE)),--release)
	$(TAURI) build $(if $(filter debug,$(PROFILE)),--debug) --bundles deb \
	  --config '{"bundle":{"linux":{"deb":{"files":{"/usr/bin/casefile-admin":"../target/$(PROFILE)/casefile-admin"}}}}}'

# The UI is embedded in the app binary, so it is built first.
ui:
	cd ui && npm run build

ui-check:
	cd ui && npm run typecheck && npm run lint && npm test && npm run build

app: ui
	cargo build --locked -p casefile-app

## bindings: regenerate ui/src/bindings.ts from the Rust command signatures
bindings:
	CASEFILE_WRITE_BINDINGS=1 cargo test -p casefile-app typescript_bindings_match_the_commands

## icons: regenerate every icon size from icons/casefile.svg
icons:
	cd ui && npx tauri icon ../icons/casefile.svg -o ../icons
	rm -rf icons/android icons/ios

clean:
	cargo clean
	rm -rf ui/dist ui/node_modules
