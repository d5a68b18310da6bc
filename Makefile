# ferry's build. `make run` starts ferry with the examples; `make test` runs every test.
GO      ?= go
BIN     := bin/ferry
TOOLS   := $(CURDIR)/.tools
export FERRY_TOOLS_DIR := $(TOOLS)

.PHONY: build run test deps unit fuzz bench clean

build:
	$(GO) build -o $(BIN) ./cmd/ferry

# Installs (when missing) the local AWS-compatible servers, then starts ferry with the examples imported.
run: deps build
	bash scripts/run.sh

# Installs every tool and server the tests use, then runs vet, all tests (every fuzz target's
# committed corpus included) and a short fuzz run of the template engine's parser and renderer.
test: deps build
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 60m ./...
	FUZZ_PKGS="./internal/vtl/ ./internal/mappingtemplate/" bash scripts/fuzz-short.sh

# Explores every fuzz target (or those of FUZZ_PKGS) for FUZZ_SECONDS (default 5) each; a finding
# is written under the package's testdata/fuzz.
fuzz:
	bash scripts/fuzz-short.sh

deps:
	bash scripts/install-deps.sh

bench: build
	bash scripts/bench.sh

clean:
	rm -rf bin
