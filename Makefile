# board: make demo | make test | make bench | make install PREFIX=/usr/local
SWIFT   ?= swift
PREFIX  ?= /usr/local
SUDO    := $(shell [ "$$(id -u)" = 0 ] || command -v sudo >/dev/null 2>&1 && [ "$$(id -u)" != 0 ] && echo sudo)
APT     := DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get
BIN     := .build/debug/board
MAN     := .build/plugins/GenerateManual/outputs/board/board.1
# Release builds link the Swift runtime and Foundation statically: a process starts in about
# half the time (no relocation of the shared Swift libraries), which a 100 ms `board list` feels.
# libgit2 and the libraries under it are linked from their archives too (libgit2-dev brings them),
# through a pkg-config file of our own that names them (and the module's own `link "git2"` is not
# applied): loading its 15 shared libraries took about 6 ms of every start. Only GSSAPI (Kerberos) stays shared: Debian ships no archive of it.
STATIC_PC := .build-static-pc
RELEASE := PKG_CONFIG_PATH=$(CURDIR)/$(STATIC_PC) $(SWIFT) build -c release --static-swift-stdlib \
  -Xswiftc -Xfrontend -Xswiftc -disable-autolink-library -Xswiftc -Xfrontend -Xswiftc git2

.PHONY: all deps build release man demo test test-long bench install clean fuzz

all: build

# Installs the system packages the build needs, only when they are missing.
deps:
	@if ! command -v pkg-config >/dev/null 2>&1 || ! pkg-config --exists libgit2 || ! command -v git >/dev/null 2>&1; then \
	  echo "Installing libgit2-dev, pkg-config and git with apt-get..."; \
	  $(APT) update -qq && $(APT) install -y -qq libgit2-dev pkg-config git >/dev/null; \
	fi
	@# Headless Chromium for the report's browser test; without it that test is skipped, never failed.
	@if ! command -v chromium >/dev/null 2>&1; then \
	  echo "Installing chromium with apt-get (for the report's browser test)..."; \
	  ( $(APT) update -qq && $(APT) install -y -qq chromium >/dev/null 2>&1 ) \
	    || echo "chromium could not be installed: the browser test will be skipped"; \
	fi

build: deps
	$(SWIFT) build

# Where an archive (or the shared GSSAPI library) is missing, no such file is written and the build
# links libgit2 as a shared library, as debug builds do.
$(STATIC_PC)/libgit2.pc: deps
	@mkdir -p $(STATIC_PC); rm -f $@
	@set -e; found() { [ -f "$$($(CC) -print-file-name=$$1)" ]; }; \
	  names=$$(pkg-config --static --libs-only-l libgit2 libssh2); libs=""; \
	  for l in $$names; do n=$${l#-l}; case $$n in \
	    rt|dl|pthread|m|c) libs="$$libs $$l";; \
	    *) if found lib$$n.a; then libs="$$libs -l:lib$$n.a"; else libs="$$libs $$l"; fi;; esac; done; \
	  if found libgit2.a && found libgssapi_krb5.so.2; then \
	    printf 'Name: libgit2\nDescription: libgit2 from its archive\nVersion: %s\nCflags: %s\nLibs: %s %s -l:libgssapi_krb5.so.2\n' \
	      "$$(pkg-config --modversion libgit2)" "$$(pkg-config --cflags libgit2)" "$$(pkg-config --libs-only-L libgit2)" "$$libs" > $@; \
	  else echo "libgit2.a or libgssapi_krb5.so.2 not found: linking libgit2 as a shared library"; fi

release: $(STATIC_PC)/libgit2.pc
	$(RELEASE)

# Builds, then runs board on a sample board in a temporary folder.
demo: build
	@bash scripts/demo.sh $(CURDIR)/$(BIN)

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

# The long runs: 10,000 property-based cases each, 8 concurrent writers × 100 adds.
test-long: deps
	BOARD_PROPERTY_CASES=10000 BOARD_CONCURRENT_ADDS=100 $(SWIFT) test

# libFuzzer over the front-matter parser, the item model and board.yml, with AddressSanitizer,
# for FUZZ_SECONDS, on inputs up to 4 KiB (big files are the corpus tests' job). Seeds: the malformed corpus. Inputs that crash land in .build/fuzz/findings/;
# add each to Tests/BoardKitTests/Fixtures/malformed/ with its row in EXPECTED.tsv.
FUZZ_SECONDS ?= 300
FUZZ_DIR     := .build/fuzz
MALFORMED    := Tests/BoardKitTests/Fixtures/malformed
fuzz: deps
	$(SWIFT) build --build-path $(FUZZ_DIR) --product BoardFuzz -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING
	mkdir -p $(FUZZ_DIR)/corpus $(FUZZ_DIR)/findings
	$(FUZZ_DIR)/debug/BoardFuzz $(FUZZ_DIR)/corpus $(MALFORMED) $(MALFORMED)/board-yml \
	  -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -timeout=30 -rss_limit_mb=2048 \
	  -artifact_prefix=$(FUZZ_DIR)/findings/ -print_final_stats=1

# Times board against Taskwarrior, cat and git log on generated boards (docs/benchmarks.md).
# Not part of `make test`: it takes minutes and exits 1 when a speed target is missed.
bench: deps
	@missing=""; command -v task >/dev/null 2>&1 || missing="$$missing taskwarrior"; \
	  command -v perf >/dev/null 2>&1 || missing="$$missing linux-perf"; \
	  [ -x /usr/bin/time ] || missing="$$missing time"; \
	  if [ -n "$$missing" ]; then echo "Installing$$missing with apt-get..."; \
	    $(APT) update -qq && $(APT) install -y -qq $$missing >/dev/null; fi
	$(MAKE) release
	python3 scripts/bench.py .build/release/board

# The man page, generated from the command definitions by argument-parser's plugin (works offline).
man: release
	$(SWIFT) package plugin generate-manual

# Binary, board template, man page and bash, zsh and fish completions.
install: release man
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/board $(DESTDIR)$(PREFIX)/share/man/man1 \
	  $(DESTDIR)$(PREFIX)/share/bash-completion/completions $(DESTDIR)$(PREFIX)/share/zsh/site-functions \
	  $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	install -m 755 .build/release/board $(DESTDIR)$(PREFIX)/bin/board
	cp -R .build/release/board_BoardKit.resources/board-template $(DESTDIR)$(PREFIX)/share/board/
	install -m 644 $(MAN) $(DESTDIR)$(PREFIX)/share/man/man1/board.1
	.build/release/board --generate-completion-script bash > $(DESTDIR)$(PREFIX)/share/bash-completion/completions/board
	.build/release/board --generate-completion-script zsh > $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_board
	.build/release/board --generate-completion-script fish > $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/board.fish

clean:
	rm -rf .build
