# motcua — the two entry points. Each does all set-up it needs on a fresh Debian 12
# machine: installs missing packages, configures, builds.
#
#   make demo   hub (embedded SQLite, demo catalog) + an enrolled kiosk;
#               with a display the kiosk window opens, without one the demo tour
#               is replayed headless and screenshots are written.
#   make test   warnings-as-errors build + the whole test suite through CTest,
#               then the unit tests again under AddressSanitizer + UBSan.
#   make screens  screenshots of every screen into docs/screens/ (tours replayed headless).

BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc)
CMAKE_GEN  := -G Ninja

.PHONY: demo test deps build asan clean screens

deps:
	@./provisioning/install-deps.sh

$(BUILD)/build.ninja: | deps
	cmake -S . -B $(BUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMOTCUA_WERROR=ON

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

demo: build
	./provisioning/run-demo.sh $(BUILD)/bin

test: build
	./provisioning/test-services.sh
	ctest --test-dir $(BUILD) --output-on-failure -j 2 --timeout 600
	$(MAKE) --no-print-directory asan

# Screenshots of every screen, portrait and landscape, normal and large text,
# into docs/screens/ (tests/ui/screens.sh; docs/testing.md).
screens: build
	./tests/ui/screens.sh $(BUILD)/bin docs/screens

# Unit tests with AddressSanitizer + UndefinedBehaviorSanitizer (separate tree).
asan: deps
	cmake -S . -B $(ASAN_BUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Debug -DMOTCUA_WERROR=ON \
	  -DMOTCUA_SANITIZE=ON -DMOTCUA_UNIT_ONLY=ON -DMOTCUA_BENCH=OFF
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --test-dir $(ASAN_BUILD) --output-on-failure -j 2 --timeout 600

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
