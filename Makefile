# pd-call-forward: answers Twilio's incoming-call webhook with TwiML that
# dials whoever is on call in PagerDuty.  Plain GNU make, no generator.
#
#   make                 build ./pd-call-forward
#   make check           install missing Debian packages, build, run every test
#   make demo [KEEP=1]   run the whole path once on loopback and show the answer
#   make bench           requests/s and latency through nginx (warm, cold, a line called
#                        every 2 min), memory, CGI start-up, shared and portable builds;
#                        BENCH_WRITE=BENCHMARKS.md records it
#   make portable        build/portable/pd-call-forward: everything but glibc linked in
#   make install         PREFIX=/usr/local DESTDIR= [SYSTEMD=1: the systemd units too]
#   make valgrind        unit tests and CGI requests under valgrind memcheck
#   make fuzz            every libFuzzer target for FUZZ_SECONDS (clang)
#   make deb             build/deb/pd-call-forward_VERSION_ARCH.deb, lintian-clean (debian/)
#   make SANITIZE=address,undefined check    everything sanitized, in build-san/

VERSION   = 0.1.0
PREFIX   ?= /usr/local
SBINDIR  ?= $(PREFIX)/sbin
MANDIR   ?= $(PREFIX)/share/man
DOCDIR   ?= $(PREFIX)/share/doc/pd-call-forward
SYSCONFDIR ?= /etc

CXX      ?= g++
# Debian's own build flags (hardening included) unless the caller gives
# any: `make check` then tests the very objects `make deb` packages, and
# the package build compiles nothing again.  Read once, not at every use.
ifeq ($(origin CXXFLAGS),undefined)
CXXFLAGS := $(shell dpkg-buildflags --get CXXFLAGS 2>/dev/null || echo -O2 -g)
endif
ifeq ($(origin CPPFLAGS),undefined)
CPPFLAGS := $(shell dpkg-buildflags --get CPPFLAGS 2>/dev/null)
endif
ifeq ($(origin LDFLAGS),undefined)
LDFLAGS := $(shell dpkg-buildflags --get LDFLAGS 2>/dev/null)
endif

# Our flags go before the caller's so a CXXFLAGS from the command line
# can still override them (for example -O0).
PKGS        = cpp-httplib fcgi openssl nettle libical
PKG_CFLAGS  = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS    = $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lcpp-httplib -lfcgi -lssl -lcrypto -lnettle -lical) $(DATE_LIBS)
# Howard Hinnant's date library, as Debian builds it (its CMake file says
# so): time zones from the system's database, /usr/share/zoneinfo.
DATE_FLAGS  = -DUSE_OS_TZDB=1 -DHAS_STRING_VIEW=1 -DONLY_C_LOCALE=1
DATE_LIBS   = -ldate-tz
WARN        = -Wall -Wextra -Wshadow -Wnon-virtual-dtor -Wformat=2
ALL_CXXFLAGS = -std=c++17 $(WARN) -MD -MP -DPDCF_VERSION='"$(VERSION)"' $(PKG_CFLAGS) $(DATE_FLAGS) $(SAN_FLAGS) \
	$(CPPFLAGS) $(CXXFLAGS)
ALL_LDFLAGS  = $(SAN_FLAGS) $(LDFLAGS)

ifneq ($(SANITIZE),)
SAN_FLAGS = -fsanitize=$(SANITIZE) -fno-sanitize-recover=all -fno-omit-frame-pointer
B = build-san
else
B = build
endif

# glibc warns about _FORTIFY_SOURCE in every file compiled without
# optimisation: the sanitized build (-O0) and the unit tests' own files.
NO_FORTIFY = $(filter-out -D_FORTIFY_SOURCE%,$(1))
ifneq ($(SANITIZE)$(filter -O0,$(CXXFLAGS)),)
CPPFLAGS := $(call NO_FORTIFY,$(CPPFLAGS))
endif

# Inner builds use every core: `make check` is usually run without -j.
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

# A plain `make check` also runs the unit tests and the fuzz corpus
# sanitized (build-san/, -O0: with the sanitizers an optimised build takes
# several times as long, and the tests run in seconds either way);
# CHECK_SANITIZE= skips.
CHECK_SANITIZE ?= address,undefined
CHECK_SAN_CXXFLAGS ?= -O0 -g

# The layers of src/, lowest first: each includes only those before it
# (tests/layers checks it), by its folder ("core/limits.hpp").  main.cpp,
# on top, puts them together.
LAYERS   = core config twilio pagerduty alerts call text serve commands
SRC_INC  = -Isrc
# What the unit and fuzz tests share (base_config.hpp).
TEST_INC = -Itests
CORE_SRC = $(wildcard $(LAYERS:%=src/%/*.cpp))
CORE_OBJ = $(CORE_SRC:src/%.cpp=$(B)/src/%.o)
UNIT_SRC = $(wildcard tests/unit/*.cpp $(LAYERS:%=tests/unit/%/*.cpp))
UNIT_OBJ = $(UNIT_SRC:tests/unit/%.cpp=$(B)/unit/%.o)
STANDIN_SRC = $(wildcard tests/standin/*.cpp)
STANDIN_OBJ = $(STANDIN_SRC:tests/standin/%.cpp=$(B)/standin/%.o)

ifeq ($(SANITIZE),)
PROGRAM = pd-call-forward
else
PROGRAM = $(B)/pd-call-forward
endif

all: $(PROGRAM)

$(PROGRAM): $(B)/src/main.o $(CORE_OBJ)
	$(CXX) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) -lpthread

$(B)/src/%.o: src/%.cpp
	@mkdir -p $(@D)
	$(CXX) $(ALL_CXXFLAGS) $(SRC_INC) -c -o $@ $<

# The unit tests' own files compile without optimisation: Boost.Test's
# assertions take twice as long to optimise and gain nothing by it; the
# code under test keeps CXXFLAGS.  UNIT_CXXFLAGS= builds them as the rest.
UNIT_CXXFLAGS ?= -O0
$(B)/unit/%.o: tests/unit/%.cpp
	@mkdir -p $(@D)
	$(CXX) $(call NO_FORTIFY,$(ALL_CXXFLAGS)) $(UNIT_CXXFLAGS) -DBOOST_TEST_DYN_LINK $(SRC_INC) $(TEST_INC) -Itests/unit $(shell pkg-config --cflags libxml-2.0 2>/dev/null) -c -o $@ $<

$(B)/standin/%.o: tests/standin/%.cpp
	@mkdir -p $(@D)
	$(CXX) $(ALL_CXXFLAGS) -c -o $@ $<

$(B)/unit-tests: $(UNIT_OBJ) $(CORE_OBJ)
	$(CXX) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) -lboost_unit_test_framework -lxml2 -lpthread

$(B)/pd-standin: $(STANDIN_OBJ)
	$(CXX) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) -lpthread

TEST_PROGRAMS = $(PROGRAM) $(B)/unit-tests $(B)/pd-standin
test-programs: $(TEST_PROGRAMS)

# Fuzz targets, their corpus replay (part of check) and `make fuzz`.
include tests/fuzz/fuzz.mk
TEST_PROGRAMS += $(FUZZ_PROGRAMS)
test-programs: $(FUZZ_PROGRAMS)

# Debian packages the build, the tests and the demo need.  `make deps`
# installs whichever are missing (through sudo when not root).
DEB_PACKAGES = g++ make pkg-config libfcgi-dev libcpp-httplib-dev libssl-dev nettle-dev \
	libboost-dev libboost-test-dev nlohmann-json3-dev libxml2-dev \
	libhowardhinnant-date-dev libical-dev tzdata faketime \
	ca-certificates openssl curl python3 python3-twilio \
	nginx-light spawn-fcgi mandoc apache2 libapache2-mod-fcgid systemd dpkg-dev debhelper lintian

# node and npm too, for the end-to-end tests' second signer: Debian's nodejs
# and npm, unless a node and npm are on PATH already (NodeSource's nodejs,
# for one, carries its own npm and conflicts with Debian's).
deps:
	@missing=; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	{ command -v node && command -v npm; } >/dev/null 2>&1 || missing="$$missing nodejs npm"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then sudo=; else sudo=sudo; fi; \
	  echo "make deps: installing$$missing"; \
	  $$sudo apt-get update -q && \
	  $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	fi
	@$(MAKE) --no-print-directory -s $(NODE_MODULES) $(PROMTOOL)

# promtool, which checks /metrics in the tests, is in Debian's prometheus
# package only; installing that would start a Prometheus server listening
# on every address.  So the package is fetched (apt checks it against
# Debian's signed index) and only promtool taken out of it.
PROMTOOL = build/tools/promtool
PROMTOOL_TMP = build/tools/prometheus-deb
$(PROMTOOL):
	@rm -rf $(PROMTOOL_TMP) && mkdir -p $(PROMTOOL_TMP)
	@cd $(PROMTOOL_TMP) && { apt-get download -q prometheus 2>/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then sudo=; else sudo=sudo; fi; \
	  $$sudo apt-get update -q >/dev/null && apt-get download -q prometheus; }; }
	dpkg-deb --fsys-tarfile $(PROMTOOL_TMP)/prometheus_*.deb | tar -x -C $(PROMTOOL_TMP) ./usr/bin/promtool
	mv $(PROMTOOL_TMP)/usr/bin/promtool $@
	@rm -rf $(PROMTOOL_TMP)

# The npm package twilio (twilio-node), which signs the end-to-end tests'
# requests beside python3-twilio, at the version package-lock.json pins;
# installed again whenever the lock file changes.  It asks for node 20;
# Debian 12's node 18 and npm 9 install it with an EBADENGINE warning and
# run its webhook helpers, all the tests use, unchanged.
NODE_DIR = tests/e2e/node
NODE_MODULES = $(NODE_DIR)/node_modules/.package-lock.json

$(NODE_MODULES): $(NODE_DIR)/package.json $(NODE_DIR)/package-lock.json
	cd $(NODE_DIR) && npm ci --no-audit --no-fund
	@touch $@

# check and demo install what is missing first, then re-enter make so the
# pkg-config flags are read with the packages in place.
#
# With CHECK_SANITIZE the unit tests run once, sanitized: the same tests
# with more checks, and one build of them less (the longest part of a
# build here).
check: deps
ifeq ($(SANITIZE),)
ifneq ($(CHECK_SANITIZE),)
	@$(MAKE) --no-print-directory -j$(JOBS) $(filter-out $(B)/unit-tests,$(TEST_PROGRAMS)) $(PORTABLE)
	@$(MAKE) --no-print-directory -j$(JOBS) SANITIZE=$(CHECK_SANITIZE) \
		CXXFLAGS='$(CHECK_SAN_CXXFLAGS)' sanitized-programs
	@B=$(B) PROGRAM=$(PROGRAM) SAN_B=build-san PORTABLE=$(PORTABLE) tests/run-all
else
	@$(MAKE) --no-print-directory -j$(JOBS) test-programs $(PORTABLE)
	@B=$(B) PROGRAM=$(PROGRAM) PORTABLE=$(PORTABLE) tests/run-all
endif
else
	@$(MAKE) --no-print-directory -j$(JOBS) test-programs
	@B=$(B) PROGRAM=$(PROGRAM) tests/run-all
endif

# What the sanitized suites of a plain check run.
sanitized-programs: $(B)/unit-tests $(FUZZ_PROGRAMS)

# valgrind memcheck: the unit tests, then CGI requests against the
# stand-in; any error or definite leak fails.
valgrind: deps
	@[ -z "$(SANITIZE)" ] || { echo "make valgrind: not with SANITIZE (valgrind checks the plain build)"; exit 2; }
	@command -v valgrind >/dev/null || { if [ "$$(id -u)" = 0 ]; then sudo=; else sudo=sudo; fi; \
		$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends valgrind; }
	@$(MAKE) --no-print-directory -j$(JOBS) $(PROGRAM) $(B)/unit-tests $(B)/pd-standin
	@B=$(B) PROGRAM=$(PROGRAM) /usr/bin/python3 tests/valgrind/run

# make portable: build/portable/pd-call-forward, for a host where nothing
# can be installed (shared hosting).  libstdc++, libgcc, OpenSSL, libfcgi,
# libical (with ICU), cpp-httplib and date's time zone code are linked in;
# only glibc (libc, libm) and its loader stay shared, so the host needs a
# glibc at least as new as the one `make portable` names.  Debian ships
# cpp-httplib and date's time zone code as shared libraries only: their
# Debian source packages, at the installed version, are fetched with
# apt-get source (checked by apt against Debian's signed index) into
# build/portable/sources and compiled in.  cpp-httplib is built as Debian
# builds it (poll), with no compression (the program asks for none), and
# without its static initializer of OpenSSL: OpenSSL since 1.1.0 sets
# itself up when first used, and upstream has dropped it too; at every
# start it loaded OpenSSL's error strings and config, a fifth of a CGI
# call that asks PagerDuty nothing.
P = build/portable
PORTABLE = $(P)/pd-call-forward
DEBIAN_MIRROR ?= http://deb.debian.org/debian
DEBIAN_SECURITY_MIRROR ?= http://deb.debian.org/debian-security
CODENAME = $(shell . /etc/os-release 2>/dev/null && echo $$VERSION_CODENAME)
# The sources are fetched again when an upgrade changes either package.
SOURCE_VERSIONS = $(shell dpkg-query -W -f='$${source:Version}-' libcpp-httplib-dev libhowardhinnant-date-dev 2>/dev/null)
FETCHED = $(P)/sources/.fetched-$(subst :,_,$(SOURCE_VERSIONS))
APT_OPTS = -q -o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts=$(CURDIR)/$(P)/apt/sources \
	-o Dir::State::Lists=$(CURDIR)/$(P)/apt/lists -o Dir::Cache=$(CURDIR)/$(P)/apt/cache -o Debug::NoLocking=1 \
	-o Acquire::AllowInsecureRepositories=false -o Acquire::AllowDowngradeToInsecureRepositories=false
HTTPLIB_SRC = $(P)/sources/cpp-httplib
DATE_SRC = $(P)/sources/date
PORTABLE_FLAGS = -std=c++17 -DPDCF_VERSION='"$(VERSION)"' $(shell pkg-config --cflags fcgi openssl nettle libical 2>/dev/null) \
	$(DATE_FLAGS) -DCPPHTTPLIB_OPENSSL_SUPPORT -DCPPHTTPLIB_USE_POLL -ffunction-sections -fdata-sections $(CXXFLAGS)
# Not position-independent: a CGI program starts at every request, and
# relocating a PIE this size took 2.5 ms at each start here, more than
# the rest of a warm call.  The price: the program's own code sits at a
# fixed address (libc, the heap and the stack are still placed at random).
# Unused sections go: httplib's server, which the program never runs,
# would otherwise ask for a newer glibc (std::random_device).
PORTABLE_LIBS = -no-pie -static-libstdc++ -static-libgcc -Wl,--as-needed -Wl,--gc-sections \
	-Wl,-Bstatic -lfcgi -lssl -lcrypto -lnettle -lical -licalss -licalvcal -licui18n -licuuc -licudata \
	-Wl,-Bdynamic -lpthread

$(FETCHED):
	@rm -rf $(P)/sources $(P)/apt
	@mkdir -p $(P)/sources $(P)/apt/sources $(P)/apt/lists/partial $(P)/apt/cache/archives/partial
	@printf 'Types: deb-src\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\n' \
		'$(DEBIAN_MIRROR)' '$(CODENAME) $(CODENAME)-updates' '$(DEBIAN_SECURITY_MIRROR)' '$(CODENAME)-security' \
		> $(P)/apt/sources/debian.sources
	apt-get $(APT_OPTS) update
	cd $(P)/sources && for p in libcpp-httplib-dev:cpp-httplib libhowardhinnant-date-dev:howardhinnant-date; do \
		v=$$(dpkg-query -W -f='$${source:Version}' $${p%%:*}) && \
		apt-get $(APT_OPTS) source --download-only $${p#*:}=$$v || exit 1; done
	cd $(P)/sources && dpkg-source -x cpp-httplib_*.dsc cpp-httplib && dpkg-source -x howardhinnant-date_*.dsc date
	sed -i '/^static SSLInit sslinit_;$$/d' $(HTTPLIB_SRC)/httplib.h
	@! grep -q 'SSLInit sslinit_' $(HTTPLIB_SRC)/httplib.h || { echo "make portable: httplib.h's SSLInit is still there"; exit 1; }
	@touch $@

$(P)/http_client.o: src/pagerduty/http_client.cpp $(FETCHED)
	$(CXX) $(PORTABLE_FLAGS) -MD -MP $(WARN) -isystem $(HTTPLIB_SRC) $(SRC_INC) -c -o $@ $<

# No -MD: its source is fetched, and goes whenever it is fetched again.
$(P)/tz.o: $(FETCHED)
	$(CXX) $(PORTABLE_FLAGS) -DHAS_REMOTE_API=0 -I$(DATE_SRC)/include -c -o $@ $(DATE_SRC)/src/tz.cpp

$(PORTABLE): build/src/main.o $(filter-out build/src/pagerduty/http_client.o,$(CORE_SRC:src/%.cpp=build/src/%.o)) \
		$(P)/http_client.o $(P)/tz.o
	$(CXX) -o $@ $^ $(PORTABLE_LIBS)
	strip $@
	@echo "$@: needs glibc $$(objdump -T $@ | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -1 | cut -d_ -f2) or newer;" \
		"shared: $$(ldd $@ | awk '{print $$1}' | tr '\n' ' ')"

portable: deps
	@[ -z "$(SANITIZE)" ] || { echo "make portable: not with SANITIZE"; exit 2; }
	@$(MAKE) --no-print-directory -j$(JOBS) $(PORTABLE)

# Benchmarks: not part of check; BENCH_WRITE=BENCHMARKS.md records them.
$(B)/bench-hello: tests/bench/hello.cpp
	@mkdir -p $(@D)
	$(CXX) $(ALL_CXXFLAGS) -o $@ $< $(ALL_LDFLAGS) $(PKG_LIBS)

bench: deps
	@[ -z "$(SANITIZE)" ] || { echo "make bench: not with SANITIZE"; exit 2; }
	@$(MAKE) --no-print-directory -j$(JOBS) $(PROGRAM) $(B)/pd-standin $(B)/bench-hello $(PORTABLE)
	@{ command -v wrk && [ -x /usr/bin/time ]; } >/dev/null || { if [ "$$(id -u)" = 0 ]; then sudo=; else sudo=sudo; fi; \
		$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends wrk time; }
	@B=$(B) PROGRAM=$(PROGRAM) /usr/bin/python3 tests/bench/bench.py --build $(B) $(if $(BENCH_WRITE),--write $(BENCH_WRITE))

demo: deps
	@$(MAKE) --no-print-directory -j$(JOBS) $(PROGRAM) $(B)/pd-standin
	@/usr/bin/python3 tests/demo.py --build $(B) $(if $(KEEP),--keep)

demo-stop:
	@/usr/bin/python3 tests/demo.py --stop

# make deb: the Debian package (debian/), which lintian must pass without
# an error or a warning (its info tags are shown).  dpkg-buildpackage
# writes beside the source tree; what it wrote is moved into build/deb/.
# The changelog's version must be VERSION.
DEB_NAME = pd-call-forward_$(VERSION)_$(shell dpkg --print-architecture 2>/dev/null)
deb: deps
	@v=$$(dpkg-parsechangelog -S Version) && [ "$$v" = "$(VERSION)" ] || \
		{ echo "make deb: debian/changelog says $$v, the Makefile $(VERSION)"; exit 1; }
	dpkg-buildpackage -us -uc -b -J$(JOBS)
	@rm -rf build/deb && mkdir -p build/deb
	@# No -dbgsym package when DEB_BUILD_OPTIONS has noautodbgsym.
	mv ../$(DEB_NAME).deb ../$(DEB_NAME).buildinfo ../$(DEB_NAME).changes \
		$$(ls ../pd-call-forward-dbgsym_$(VERSION)_*.deb 2>/dev/null) build/deb/
	@# lintian leaves directories behind in TMPDIR: one of ours, removed after.
	t=$$(mktemp -d) && TMPDIR=$$t lintian --fail-on error,warning --display-info build/deb/$(DEB_NAME).changes; \
		rc=$$?; rm -rf "$$t"; exit $$rc
	@echo "make deb: build/deb/$(DEB_NAME).deb"

# The config file goes to $(SYSCONFDIR)/pd-call-forward, where the program
# looks by default; the systemd units only with SYSTEMD=1.
CONFDIR = $(SYSCONFDIR)/pd-call-forward
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
UNITS = pd-call-forward.socket pd-call-forward.service pd-call-forward-flush.service pd-call-forward-flush.timer \
	pd-call-forward-readiness.service pd-call-forward-readiness.timer \
	pd-call-forward-refresh.service pd-call-forward-refresh.timer
# The units name the binary where this install puts it.
UNIT_SUBST = sed -e 's|@SBINDIR@|$(SBINDIR)|g'

install: $(PROGRAM)
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man5
	install -m 0755 $(PROGRAM) $(DESTDIR)$(SBINDIR)/pd-call-forward
	install -m 0644 man/pd-call-forward.8 $(DESTDIR)$(MANDIR)/man8/pd-call-forward.8
	install -m 0644 man/pd-call-forward.ini.5 $(DESTDIR)$(MANDIR)/man5/pd-call-forward.ini.5
	install -d $(DESTDIR)$(DOCDIR)/examples/nginx $(DESTDIR)$(DOCDIR)/examples/apache \
		$(DESTDIR)$(DOCDIR)/examples/systemd
	install -m 0644 README.md COPYING $(DESTDIR)$(DOCDIR)/
	install -m 0644 pd-call-forward.ini $(DESTDIR)$(DOCDIR)/examples/
	install -m 0644 nginx/* $(DESTDIR)$(DOCDIR)/examples/nginx/
	install -m 0644 apache/* $(DESTDIR)$(DOCDIR)/examples/apache/
	for u in $(UNITS); do $(UNIT_SUBST) systemd/$$u > $(DESTDIR)$(DOCDIR)/examples/systemd/$$u && \
		chmod 0644 $(DESTDIR)$(DOCDIR)/examples/systemd/$$u; done
	@# Filled in, the config holds secrets: 0640.  An existing one is kept.
	install -d -m 0750 $(DESTDIR)$(CONFDIR)
	[ -e $(DESTDIR)$(CONFDIR)/pd-call-forward.ini ] || \
		install -m 0640 pd-call-forward.ini $(DESTDIR)$(CONFDIR)/pd-call-forward.ini
ifneq ($(SYSTEMD),)
	install -d $(DESTDIR)$(SYSTEMDUNITDIR)
	for u in $(UNITS); do $(UNIT_SUBST) systemd/$$u > $(DESTDIR)$(SYSTEMDUNITDIR)/$$u && \
		chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/$$u; done
endif

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/pd-call-forward
	rm -f $(DESTDIR)$(MANDIR)/man8/pd-call-forward.8 $(DESTDIR)$(MANDIR)/man5/pd-call-forward.ini.5
	rm -rf $(DESTDIR)$(DOCDIR)
	rm -f $(addprefix $(DESTDIR)$(SYSTEMDUNITDIR)/,$(UNITS))
	@# The config goes only while it is still the untouched example.
	@if cmp -s pd-call-forward.ini $(DESTDIR)$(CONFDIR)/pd-call-forward.ini; then \
		rm -f $(DESTDIR)$(CONFDIR)/pd-call-forward.ini; rmdir $(DESTDIR)$(CONFDIR) 2>/dev/null || true; \
	elif [ -e $(DESTDIR)$(CONFDIR)/pd-call-forward.ini ]; then \
		echo "kept $(DESTDIR)$(CONFDIR)/pd-call-forward.ini: it holds your settings"; fi

clean:
	rm -rf build build-san build-fuzz pd-call-forward

.PHONY: all deps check valgrind portable bench demo demo-stop deb install uninstall clean test-programs sanitized-programs

# Every object is built again when the compiler or a flag changes, not
# only its source: $(B)/.flags holds the last ones used (-n writes nothing).
FLAGS_STAMP = $(B)/.flags
FLAGS_NOW = $(CXX) $(ALL_CXXFLAGS) $(UNIT_CXXFLAGS) $(ALL_LDFLAGS)
DRY_RUN = $(if $(filter-out -%,$(firstword $(MAKEFLAGS))),$(findstring n,$(firstword $(MAKEFLAGS))))
ifeq ($(DRY_RUN),)
ifneq ($(FLAGS_NOW),$(file <$(FLAGS_STAMP)))
$(shell mkdir -p $(B))
$(file >$(FLAGS_STAMP),$(FLAGS_NOW))
endif
endif
$(B)/src/main.o $(CORE_OBJ) $(UNIT_OBJ) $(STANDIN_OBJ) $(B)/bench-hello $(P)/http_client.o $(P)/tz.o \
	$(patsubst tests/fuzz/%.cpp,$(B)/fuzz/%.o,$(wildcard tests/fuzz/*.cpp tests/fuzz/*/*.cpp)): $(FLAGS_STAMP)
$(FLAGS_STAMP): ;

-include $(wildcard $(B)/*/*.d $(B)/*/*/*.d $(P)/*.d)
