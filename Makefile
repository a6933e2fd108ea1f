# cms — two commands matter: `make demo` and `make test`. Both set up a fresh Debian 12 machine.
SWIFT ?= swift
BUILD_FLAGS ?=

.PHONY: setup build test test-core demo bench lint-example clean fuzz fuzz-ci test-tsan install uninstall man dashboard-screenshots

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
CORE_TESTS = --filter '^(CMSSchemaTests|CMSImportTests|NETCONFTests|NXRModelTests|CMSReconcileTests|CMSPlanTests|CMSAPITests|TenantKeysTests|CMSMailTests|CMSDashboardTests)\.' --filter 'CMSDaemonTests\.(Core[A-Za-z]*Tests|DaemonConfigurationTests|IPsecEventsTests)'

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

# Installation (docs/production.md): binaries in $(PREFIX)/bin, man pages generated from --help, the systemd unit,
# completions and the docs. DESTDIR for packaging; CONFIGURATION=release for an optimised build.
PREFIX ?= /usr/local
DESTDIR ?=
CONFIGURATION ?= release
BINARIES = cms cmsd cms-lint nxr-sim
BIN_DIR = .build/$(CONFIGURATION)

$(BIN_DIR)/cms $(BIN_DIR)/cmsd $(BIN_DIR)/cms-lint $(BIN_DIR)/nxr-sim:
	$(SWIFT) build -c $(CONFIGURATION) $(BUILD_FLAGS) --product $(notdir $@)

man: $(addprefix $(BIN_DIR)/,$(BINARIES))
	bash scripts/man.sh $(BIN_DIR) .build/man

install: man
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man8 \
		$(DESTDIR)$(PREFIX)/lib/systemd/system $(DESTDIR)$(PREFIX)/share/doc/cms \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions $(DESTDIR)$(PREFIX)/share/zsh/site-functions \
		$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	install -m 0755 $(addprefix $(BIN_DIR)/,$(BINARIES)) $(DESTDIR)$(PREFIX)/bin/
	install -m 0644 .build/man/man1/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 0644 .build/man/man8/*.8 $(DESTDIR)$(PREFIX)/share/man/man8/
	sed 's|/usr/local/|$(PREFIX)/|g' packaging/cmsd.service > $(DESTDIR)$(PREFIX)/lib/systemd/system/cmsd.service
	chmod 0644 $(DESTDIR)$(PREFIX)/lib/systemd/system/cmsd.service
	install -m 0644 docs/production.md docs/cli.md docs/cmsd.md $(DESTDIR)$(PREFIX)/share/doc/cms/
	$(BIN_DIR)/cms --generate-completion-script bash > $(DESTDIR)$(PREFIX)/share/bash-completion/completions/cms
	$(BIN_DIR)/cms --generate-completion-script zsh > $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_cms
	$(BIN_DIR)/cms --generate-completion-script fish > $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/cms.fish
	@echo "installed under $(DESTDIR)$(PREFIX)"

uninstall:
	rm -f $(addprefix $(DESTDIR)$(PREFIX)/bin/,$(BINARIES)) $(DESTDIR)$(PREFIX)/lib/systemd/system/cmsd.service
	rm -f $(DESTDIR)$(PREFIX)/share/man/man1/cms*.1 $(DESTDIR)$(PREFIX)/share/man/man1/nxr-sim.1 \
		$(DESTDIR)$(PREFIX)/share/man/man8/cmsd.8
	rm -rf $(DESTDIR)$(PREFIX)/share/doc/cms
	rm -f $(DESTDIR)$(PREFIX)/share/bash-completion/completions/cms $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_cms \
		$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/cms.fish
