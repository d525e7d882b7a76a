# board: make demo | make test | make bench | make install PREFIX=/usr/local
SWIFT   ?= swift
PREFIX  ?= /usr/local
SUDO    := $(shell [ "$$(id -u)" = 0 ] || command -v sudo >/dev/null 2>&1 && [ "$$(id -u)" != 0 ] && echo sudo)
APT     := DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get
BIN     := .build/debug/board
MAN     := .build/plugins/GenerateManual/outputs/board/board.1

.PHONY: all deps build release man demo test test-long bench install clean

all: build

# Installs the system packages the build needs, only when they are missing.
deps:
	@if ! command -v pkg-config >/dev/null 2>&1 || ! pkg-config --exists libgit2 || ! command -v git >/dev/null 2>&1; then \
	  echo "Installing libgit2-dev, pkg-config and git with apt-get..."; \
	  $(APT) update -qq && $(APT) install -y -qq libgit2-dev pkg-config git >/dev/null; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

# Builds, then runs board on a sample board in a temporary folder.
demo: build
	@bash scripts/demo.sh $(CURDIR)/$(BIN)

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

# The long property-based runs (10,000 cases each).
test-long: deps
	BOARD_PROPERTY_CASES=10000 $(SWIFT) test

# Times board against Taskwarrior, cat and git log on generated boards (docs/benchmarks.md).
# Not part of `make test`: it takes minutes and exits 1 when a speed target is missed.
bench: deps
	@missing=""; command -v task >/dev/null 2>&1 || missing="$$missing taskwarrior"; \
	  command -v perf >/dev/null 2>&1 || missing="$$missing linux-perf"; \
	  [ -x /usr/bin/time ] || missing="$$missing time"; \
	  if [ -n "$$missing" ]; then echo "Installing$$missing with apt-get..."; \
	    $(APT) update -qq && $(APT) install -y -qq $$missing >/dev/null; fi
	$(SWIFT) build -c release
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
