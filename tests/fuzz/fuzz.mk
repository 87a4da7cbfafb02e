# Fuzzing.  Each tests/fuzz/*.cpp but replay.cpp is one libFuzzer target.
#
#   make $(B)/fuzz-replay-TARGET   the target over saved inputs, no libFuzzer,
#                                  built with $(CXX) like everything else
#   tests/fuzz/replay-all          replays every corpus and crasher directory
#   make fuzz [FUZZ_SECONDS=60] [FUZZ_TARGETS="form handler"] [FUZZ_MERGE=1]
#                                  clang and libFuzzer, in build-fuzz/; new
#                                  inputs stay there unless FUZZ_MERGE=1
#                                  adds those with new coverage to the corpus;
#                                  first, tests/fuzz/selftest/faulty.cpp shows
#                                  that a crash, hang, leak or sanitizer report
#                                  is caught
#   make fuzz-clean                removes build-fuzz/

FUZZ_ALL     = $(sort $(filter-out replay,$(basename $(notdir $(wildcard tests/fuzz/*.cpp)))))
FUZZ_TARGETS ?= $(FUZZ_ALL)
FUZZ_SECONDS ?= 60
FUZZ_MERGE   ?=
FUZZ_REPLAY  = $(FUZZ_ALL:%=$(B)/fuzz-replay-%)
# What make check builds: the replays and their self-test.
FUZZ_PROGRAMS = $(FUZZ_REPLAY) $(FUZZ_SELFTEST)

XML_CFLAGS = $(shell pkg-config --cflags libxml-2.0 2>/dev/null)
XML_LIBS   = $(shell pkg-config --libs libxml-2.0 2>/dev/null || echo -lxml2)

# --- replay, with the normal compiler and flags ----------------------------

$(B)/fuzz/%.o: tests/fuzz/%.cpp
	@mkdir -p $(@D)
	$(CXX) $(ALL_CXXFLAGS) $(SRC_INC) $(TEST_INC) $(XML_CFLAGS) -c -o $@ $<

$(FUZZ_REPLAY): $(B)/fuzz-replay-%: $(B)/fuzz/%.o $(B)/fuzz/replay.o $(CORE_OBJ)
	$(CXX) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(XML_LIBS) -lpthread

# A target that fails on purpose: replay-all shows first that the replay
# catches every kind of failure.
FUZZ_SELFTEST = $(B)/fuzz-replay-selftest
$(FUZZ_SELFTEST): $(B)/fuzz/selftest/faulty.o $(B)/fuzz/replay.o
	$(CXX) $(ALL_LDFLAGS) -o $@ $^

# --- libFuzzer, with clang, in a build directory of its own -----------------

FB = build-fuzz
FUZZ_CXX = clang++
FUZZ_DEB_PACKAGES = clang libclang-rt-14-dev
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CXXFLAGS = -std=c++17 $(WARN) -MD -MP -DPDCF_VERSION='"$(VERSION)"' $(PKG_CFLAGS) -g -O1 $(FUZZ_SAN) \
	-fsanitize=fuzzer-no-link
FUZZ_CORE_OBJ = $(CORE_SRC:src/%.cpp=$(FB)/src/%.o)

$(FB)/src/%.o: src/%.cpp
	@mkdir -p $(@D)
	$(FUZZ_CXX) $(FUZZ_CXXFLAGS) $(SRC_INC) -c -o $@ $<

$(FB)/fuzz/%.o: tests/fuzz/%.cpp
	@mkdir -p $(@D)
	$(FUZZ_CXX) $(FUZZ_CXXFLAGS) $(SRC_INC) $(TEST_INC) $(XML_CFLAGS) -c -o $@ $<

$(FUZZ_ALL:%=$(FB)/fuzz-%): $(FB)/fuzz-%: $(FB)/fuzz/%.o $(FUZZ_CORE_OBJ)
	$(FUZZ_CXX) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ $(PKG_LIBS) $(XML_LIBS) -lpthread

$(FB)/fuzz-selftest: $(FB)/fuzz/selftest/faulty.o
	$(FUZZ_CXX) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^

# The project's packages and clang's, installed as `make deps` does.
fuzz-deps:
	@$(MAKE) --no-print-directory deps DEB_PACKAGES='$(DEB_PACKAGES) $(FUZZ_DEB_PACKAGES)'

# Builds after the packages are in, so pkg-config answers.
fuzz: fuzz-deps
	@$(MAKE) --no-print-directory -j$(JOBS) $(FUZZ_TARGETS:%=$(FB)/fuzz-%) $(FB)/fuzz-selftest
	@FB=$(FB) FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_MERGE=$(FUZZ_MERGE) tests/fuzz/run-fuzz $(FUZZ_TARGETS)

fuzz-clean:
	rm -rf $(FB)

.PHONY: fuzz fuzz-deps fuzz-clean

-include $(wildcard $(FB)/*/*.d $(FB)/*/*/*.d $(FB)/fuzz/selftest/*.d)
-include $(wildcard $(B)/fuzz/selftest/*.d)
