# Partnerships: every command a user needs.  `make help` lists them.

PREFIX  ?= /usr/local
DESTDIR ?=
PORT    ?= 8080
URL_PATH ?= /
# Where the local stacks and builds live: ./var, or, when root runs a checkout
# the service user cannot reach (such as one under /root), a directory that
# ./var links to (deploy/var-dir.sh says which).
ifndef VAR
VAR := $(shell deploy/var-dir.sh)
endif
BUILD   := $(VAR)/build

CC      ?= cc
PKGS    := jansson libpq libsodium
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wno-format-nonliteral
CFLAGS  ?= -O2 -g
# pkg-config runs in the recipe's shell, after deploy/deps.sh has installed
# the -dev packages it asks about, not when make reads this file.
BASE_CFLAGS = -std=gnu11 -D_GNU_SOURCE $(WARN) -D_FORTIFY_SOURCE=2 $$(pkg-config --cflags $(PKGS))
LDLIBS  = -lfcgi $$(pkg-config --libs $(PKGS)) -lm
DEPS     = deploy/deps.sh --check $(1) || deploy/deps.sh $(1)
SAN     := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

SRC     := $(wildcard fcgi/*.c)
HDR     := $(wildcard fcgi/*.h)
LIB_SRC := $(filter-out fcgi/main.c,$(SRC))
UNIT    := $(wildcard tests/unit/test_*.c)
FUZZ    := $(patsubst tests/fuzz/fuzz_%.c,$(BUILD)/fuzz/fuzz_%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_SECONDS ?= 60
# libFuzzer with AddressSanitizer and UndefinedBehaviorSanitizer (clang).
FUZZ_CFLAGS := -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
# The sanitizer and fuzzer builds compile each source once, into objects
# that the program, every unit test and every harness link.
ASAN_OBJ := $(patsubst fcgi/%.c,$(BUILD)/asan/obj/%.o,$(SRC))
ASAN_LIB := $(filter-out %/main.o,$(ASAN_OBJ))
FUZZ_LIB := $(patsubst fcgi/%.c,$(BUILD)/fuzz/obj/%.o,$(LIB_SRC))
JOBS    := -j$(shell nproc 2>/dev/null || echo 2)

.PHONY: all deps run test bench soak clean install help unit asan fuzz fuzzers

all: $(BUILD)/release/partnerships

help:
	@echo "make            build the program ($(BUILD)/release/partnerships)"
	@echo "make deps       install every Debian package the project uses (each command installs its own)"
	@echo "make run        run the whole stack on http://127.0.0.1:$(PORT) (Ctrl-C stops it)"
	@echo "make test       run every test suite on a fresh private stack"
	@echo "make asan, unit the sanitizer build of the program, of the unit tests (var/build/asan/)"
	@echo "make bench      every route with wrk against pgbench of its own SQL (SCALE=1, SECONDS_PER_RUN=5)"
	@echo "make fuzz       run every fuzzer for FUZZ_SECONDS (60) each"
	@echo "make soak       concurrent writers and killed workers for SOAK_SECONDS (600), then every write checked"
	@echo "make install    install into \$$(DESTDIR)\$$(PREFIX) (PREFIX=$(PREFIX)): program, sql, frontend, nginx and systemd files;"
	@echo "                URL_PATH=/partners/ serves the app under that path of the site (default /)"
	@echo "make clean      remove build outputs and test stacks (keeps var/ data of make run)"

# Build, run and test dependencies (Debian packages), installed when missing.
deps:
	@deploy/deps.sh all

$(BUILD)/release/partnerships: $(SRC) $(HDR) | $(BUILD)/release
	@$(call DEPS,build)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -o $@ $(SRC) $(LDLIBS)

# The test build: AddressSanitizer and UndefinedBehaviorSanitizer.
$(BUILD)/asan/obj/%.o: fcgi/%.c $(HDR) | $(BUILD)/asan/obj
	$(CC) $(BASE_CFLAGS) -O1 -g $(SAN) -c -o $@ $<

$(BUILD)/asan/partnerships: $(ASAN_OBJ)
	$(CC) $(SAN) -o $@ $(ASAN_OBJ) $(LDLIBS)

$(BUILD)/asan/test_%: tests/unit/test_%.c tests/unit/check.h tests/unit/catalogue.h $(ASAN_LIB) $(HDR)
	$(CC) $(BASE_CFLAGS) -O1 -g $(SAN) -Ifcgi -o $@ $< $(ASAN_LIB) $(LDLIBS)

$(BUILD)/fuzz/obj/%.o: fcgi/%.c $(HDR) | $(BUILD)/fuzz/obj
	clang $(BASE_CFLAGS) $(subst -fsanitize=fuzzer,-fsanitize=fuzzer-no-link,$(FUZZ_CFLAGS)) -c -o $@ $<

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/unit/catalogue.h $(FUZZ_LIB) $(HDR)
	clang $(BASE_CFLAGS) $(FUZZ_CFLAGS) -Ifcgi -o $@ $< $(FUZZ_LIB) $(LDLIBS)

fuzzers: $(FUZZ)

# Every harness for FUZZ_SECONDS (60) each; make test runs them for 3.
fuzz:
	@$(call DEPS,fuzz)
	@$(MAKE) --no-print-directory $(JOBS) fuzzers
	@tests/fuzz/run.sh $(BUILD)/fuzz $(FUZZ_SECONDS)

$(BUILD)/release $(BUILD)/asan/obj $(BUILD)/fuzz/obj:
	@mkdir -p $@

# The tests' npm packages (tests/package.json), exactly as locked.
tests/node_modules/.package-lock.json: tests/package.json tests/package-lock.json
	cd tests && npm ci --no-audit --no-fund --loglevel=error

unit: $(patsubst tests/unit/%.c,$(BUILD)/asan/%,$(UNIT))

# The sanitizer build of the program alone (var/build/asan/partnerships).
asan: $(BUILD)/asan/partnerships

bench: $(BUILD)/release/partnerships
	@$(call DEPS,bench)
	@tests/bench/run.sh $(BUILD)/release/partnerships

# The soak test for SOAK_SECONDS (600) on its own stack; make test runs it for 10.
soak:
	@$(call DEPS,test)
	@$(MAKE) --no-print-directory $(JOBS) $(BUILD)/asan/partnerships tests/node_modules/.package-lock.json
	@tests/soak/run.sh $(BUILD)/asan

run: $(BUILD)/release/partnerships
	@$(call DEPS,run)
	@deploy/stack.sh run "$(VAR)" "$(PORT)" "$(BUILD)/release/partnerships"

test:
	@$(call DEPS,test)
	@$(MAKE) --no-print-directory $(JOBS) $(BUILD)/asan/partnerships unit fuzzers tests/node_modules/.package-lock.json
	@TEST_VAR="$(VAR)/test" tests/run.sh "$(BUILD)/asan"

# Installed tree: bin/partnerships, share/man/man8/partnerships.8,
# share/partnerships/{sql,frontend,nginx},
# lib/systemd/system/partnerships.{service,socket}, share/doc/partnerships,
# and /etc/partnerships/partnerships.conf (never overwritten).
SHARE := $(DESTDIR)$(PREFIX)/share/partnerships
install: $(BUILD)/release/partnerships
	install -d $(DESTDIR)$(PREFIX)/bin $(SHARE)/sql $(SHARE)/nginx $(DESTDIR)$(PREFIX)/lib/systemd/system \
		$(DESTDIR)$(PREFIX)/share/doc/partnerships $(DESTDIR)$(PREFIX)/share/man/man8 $(DESTDIR)/etc/partnerships
	install -m 0755 $(BUILD)/release/partnerships $(DESTDIR)$(PREFIX)/bin/partnerships
	install -m 0644 sql/*.sql $(SHARE)/sql/
	deploy/frontend.sh frontend $(SHARE)/frontend
	deploy/nginx/snippet.sh $(URL_PATH) $(PREFIX)/share/partnerships/frontend >$(SHARE)/nginx/partnerships.conf
	install -m 0644 deploy/nginx/partnerships-http.conf $(SHARE)/nginx/
	for f in deploy/nginx/example-server.conf deploy/systemd/partnerships.service deploy/systemd/partnerships.socket; do \
		case $$f in *.conf) out=$(SHARE)/nginx;; *) out=$(DESTDIR)$(PREFIX)/lib/systemd/system;; esac; \
		sed 's|@PREFIX@|$(PREFIX)|g' $$f >$$out/$$(basename $$f); \
	done
	sed 's|@PREFIX@|$(PREFIX)|g' deploy/partnerships.conf.example >$(SHARE)/partnerships.conf.example
	test -e $(DESTDIR)/etc/partnerships/partnerships.conf || \
		install -m 0640 $(SHARE)/partnerships.conf.example $(DESTDIR)/etc/partnerships/partnerships.conf
	install -m 0644 README.md $(DESTDIR)$(PREFIX)/share/doc/partnerships/
	deploy/man.sh $(BUILD)/release/partnerships $(PREFIX) >$(DESTDIR)$(PREFIX)/share/man/man8/partnerships.8

clean:
	rm -rf $(BUILD) $(VAR)/test $(VAR)/test-bench $(VAR)/bench $(VAR)/soak
