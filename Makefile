# The README's commands. Each target first installs any missing Debian packages.
SWIFT ?= swift
DEBIAN_PACKAGES = libopenblas-dev libncurses-dev libjpeg62-turbo-dev libpng-dev libwebp-dev zlib1g-dev libcurl4 pkg-config tmux
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup build run test bench clean

setup:
	@missing=$$(for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages:" $$missing; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $$missing; \
	fi

build: setup
	$(SWIFT) build -c release

run: build
	$(SWIFT) run -c release --skip-build clip-explorer $(ARGS)

# Each test runs in its own process (--parallel), so tests that set
# environment variables or start servers cannot disturb one another.
test: setup
	$(SWIFT) build --build-tests
	@status=0; $(SWIFT) test --skip-build --parallel --num-workers 2 --disable-swift-testing \
		--xunit-output .build/xunit.xml || status=$$?; \
	sh tools/test-summary.sh .build/xunit.xml; exit $$status

# Benchmarks compare against the Python references, so they need the packages
# listed in tools/requirements.txt (pip install -r tools/requirements.txt).
bench: build
	@for script in tools/bench/bench_*.py; do \
		[ -e "$$script" ] || continue; \
		echo "== $$script"; python3 "$$script" --binary .build/release/clip-explorer || exit 1; \
	done

clean:
	$(SWIFT) package clean
