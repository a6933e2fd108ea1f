# cms — two commands matter: `make demo` and `make test`. Both set up a fresh Debian 12 machine.
SWIFT ?= swift
BUILD_FLAGS ?=

.PHONY: setup build test test-core demo bench lint-example clean fuzz fuzz-ci test-tsan dashboard-screenshots

setup:
	@bash scripts/setup.sh

build: setup
	$(SWIFT) build $(BUILD_FLAGS)

test: setup
	$(SWIFT) build --build-tests $(BUILD_FLAGS)
	# Serial (see the script); the failing tests are repeated at the end of the output.
	SWIFT=$(SWIFT) bash scripts/test.sh $(BUILD_FLAGS)
	# Every libFuzzer harness for a few seconds on its committed corpus (docs/security.md).
	@$(MAKE) --no-print-directory fuzz-ci

# libFuzzer harnesses (Sources/cms-fuzz), FUZZ_SECONDS each (default 60), in .build-fuzz.
FUZZ_SECONDS ?= 60
fuzz: setup
	FUZZ_SECONDS=$(FUZZ_SECONDS) SWIFT=$(SWIFT) bash scripts/fuzz.sh

# The short run `make test` does: FUZZ_CI_SECONDS (default 5) per harness.
FUZZ_CI_SECONDS ?= 5
fuzz-ci:
	FUZZ_SECONDS=$(FUZZ_CI_SECONDS) SWIFT=$(SWIFT) bash scripts/fuzz.sh

# The core test tier (pure modules) under ThreadSanitizer, then AddressSanitizer (.build-tsan, .build-asan).
test-tsan: setup
	SWIFT=$(SWIFT) bash scripts/sanitize.sh thread
	SWIFT=$(SWIFT) bash scripts/sanitize.sh address

# The socketless tier: the pure-core test targets and the suites tagged `.core` (in-memory devices, stores and
# source, a manual clock). No peer is started, no timer is real: well under a minute after the build.
# (`swift test --filter tag:core` selects nothing with Swift 6.3.1, so the .core suites are named.)
CORE_TESTS = --filter '^(CMSSchemaTests|CMSImportTests|NETCONFTests|NXRModelTests|CMSReconcileTests|CMSPlanTests|CMSAPITests|TenantKeysTests|CMSMailTests)\.' --filter 'CMSDaemonTests\.(Core[A-Za-z]*Tests|DaemonConfigurationTests|IPsecEventsTests)'

test-core: setup
	$(SWIFT) build --build-tests $(BUILD_FLAGS)
	$(SWIFT) test --skip-build $(CORE_TESTS) $(BUILD_FLAGS)

lint-example: build
	$(SWIFT) run $(BUILD_FLAGS) cms-lint examples/tenant-repo

# git -> cmsd -> simulated NXRs on loopback, converged; runs until Ctrl-C (DEMO_EXIT=1: exit after printing).
demo: setup
	@bash scripts/demo.sh

# The screenshots of docs/dashboard.md, taken by the dashboard's browser test (headless Chromium, live cmsd + fleet).
dashboard-screenshots: setup
	$(SWIFT) build --build-tests $(BUILD_FLAGS)
	CMS_DASHBOARD_SCREENSHOTS=$(CURDIR)/docs/dashboard $(SWIFT) test --skip-build --filter DashboardBrowserTests $(BUILD_FLAGS)

bench: setup
	@bash bench/run-all.sh

clean:
	rm -rf .build .build-fuzz .build-tsan .build-asan
