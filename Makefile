# settle: one non-recursive Makefile.
#
#   make               build build/bin/settle and the stand-in API
#   make check         install what is missing, then every test, the
#                      sanitizer pass, the analysers and the format check
#   make check-unit    unit tests only (cmocka)
#   make faults        the fault suite alone, more kill points (FAULT_KILLS=300)
#   make demo          the nightly job on the bundled sample data
#   make bench         benchmarks (BENCH_N=1000000)
#   make fuzz          bounded fuzzing of the parsers (FUZZ_SECONDS=60), what
#                      it learns kept in tests/fuzz/corpus/; make check runs
#                      each target FUZZ_RUNS=200000 executions
#   make analyze       cppcheck, clang-tidy, each header compiled alone,
#                      layers, function length, no floating point
#   make fmt / fmt-check
#   make install PREFIX=/usr/local
#
# O=DIR puts the build somewhere else (default build); SANITIZE=address,undefined
# builds into $(O)/san; V=1 shows the commands; WERROR= drops -Werror locally.

.DELETE_ON_ERROR:
.SECONDARY:
.SUFFIXES:
.DEFAULT_GOAL := all

O        ?= build
PREFIX   ?= /usr/local
WERROR   ?= -Werror
SANITIZE ?=
CC       ?= cc
PKGS     := libpq libcurl openssl xlsxwriter jansson zlib
ifeq ($(V),1)
Q :=
else
Q := @
endif

ifeq ($(SANITIZE),)
B        := $(O)
OPTFLAGS := -g -O2 -D_FORTIFY_SOURCE=2 -fstack-protector-strong
else
B        := $(O)/san
OPTFLAGS := -g -O1 -fsanitize=$(SANITIZE) -fno-sanitize-recover=all \
            -fno-omit-frame-pointer
endif

WARN := -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wstrict-prototypes \
        -Wmissing-prototypes -Wmissing-declarations -Wold-style-definition \
        -Wwrite-strings -Wpointer-arith -Wcast-qual -Wcast-align -Wformat=2 \
        -Wundef -Wvla -Wfloat-equal -Wdouble-promotion -Wimplicit-fallthrough \
        -Wduplicated-cond -Wlogical-op -Wredundant-decls
DEFS := -std=c11 -D_DEFAULT_SOURCE -fno-common -DOPENSSL_API_COMPAT=30000 \
        -DOPENSSL_NO_DEPRECATED

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcsv
CMOCKA_LIBS := $(shell pkg-config --libs cmocka 2>/dev/null)
MHD_LIBS   := $(shell pkg-config --libs libmicrohttpd 2>/dev/null)

ALL_CFLAGS  = $(DEFS) $(WARN) $(WERROR) $(OPTFLAGS) $(PKG_CFLAGS) -Ilib \
              -I$(B)/gen $(CFLAGS)
ALL_LDFLAGS = $(OPTFLAGS) $(LDFLAGS)

# ---------------------------------------------------------------- sources
LIB_SRC   := $(wildcard lib/*/*.c)
LIB_GEN   := $(B)/gen/sql_embed.c
LIB_OBJ   := $(LIB_SRC:%.c=$(B)/obj/%.o) $(B)/obj/gen/sql_embed.o
LIB_A     := $(B)/libsettle.a
SQL_FILES := $(sort $(wildcard sql/migrations/*.sql sql/queries/*.sql \
                               sql/ledger/*.sql sql/roles.sql))

SETTLE_SRC := $(wildcard cmd/settle/*.c)
SETTLE_OBJ := $(SETTLE_SRC:%.c=$(B)/obj/%.o)
SETTLE     := $(B)/bin/settle

STANDIN_SRC := $(wildcard cmd/amazon-pay-standin/*.c)
STANDIN_OBJ := $(STANDIN_SRC:%.c=$(B)/obj/%.o)
STANDIN     := $(if $(STANDIN_SRC),$(B)/bin/amazon-pay-standin)

TEST_SRC  := $(wildcard tests/test_*.c)
TEST_BIN  := $(TEST_SRC:tests/%.c=$(B)/tests/%)
TEST_OBJ  := $(TEST_SRC:%.c=$(B)/obj/%.o)
# What several tests share (the loopback HTTP server of test_http and
# test_api, the scratch directories), linked into each.
TEST_SUPPORT_SRC := tests/loopback.c tests/tmpdir.c
TEST_SUPPORT_OBJ := $(TEST_SUPPORT_SRC:%.c=$(B)/obj/%.o)

DEPS := $(LIB_OBJ:.o=.d) $(SETTLE_OBJ:.o=.d) $(STANDIN_OBJ:.o=.d) \
        $(TEST_OBJ:.o=.d) $(TEST_SUPPORT_OBJ:.o=.d)

# ---------------------------------------------------------------- build
.PHONY: all
all: $(SETTLE) $(STANDIN) $(TEST_BIN)

# Rebuild everything when the flags change.
$(B)/flags: FORCE
	@mkdir -p $(@D)
	@echo '$(ALL_CFLAGS) $(ALL_LDFLAGS)' | cmp -s - $@ || \
	    echo '$(ALL_CFLAGS) $(ALL_LDFLAGS)' > $@

$(B)/obj/%.o: %.c $(B)/flags
	@mkdir -p $(@D)
	@$(if $(Q),echo '  CC      $<')
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/obj/gen/%.o: $(B)/gen/%.c $(B)/flags
	@mkdir -p $(@D)
	@$(if $(Q),echo '  CC      $<')
	$(Q)$(CC) $(ALL_CFLAGS) -Wno-overlength-strings -MMD -MP -c -o $@ $<

$(LIB_GEN): $(SQL_FILES) ops/embed-sql
	@mkdir -p $(@D)
	@$(if $(Q),echo '  GEN     $@')
	$(Q)sh ops/embed-sql $(SQL_FILES) > $@.tmp && mv $@.tmp $@

$(LIB_A): $(LIB_OBJ)
	@$(if $(Q),echo '  AR      $@')
	$(Q)rm -f $@ && ar rcs $@ $^

$(SETTLE): $(SETTLE_OBJ) $(LIB_A)
	@mkdir -p $(@D)
	@$(if $(Q),echo '  LINK    $@')
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(B)/bin/amazon-pay-standin: $(STANDIN_OBJ) $(LIB_A)
	@mkdir -p $(@D)
	@$(if $(Q),echo '  LINK    $@')
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(MHD_LIBS)

$(B)/tests/%: $(B)/obj/tests/%.o $(TEST_SUPPORT_OBJ) $(LIB_A)
	@mkdir -p $(@D)
	@$(if $(Q),echo '  LINK    $@')
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(CMOCKA_LIBS)

# ---------------------------------------------------------------- tests
.PHONY: deps check check-unit check-integration check-faults faults check-san golden
deps:
	@sh ops/install-deps

check-unit: all
	@sh tests/run-unit $(B) $(TEST_BIN)

check-integration: all
	@sh tests/run-integration $(B)

check-faults: all
	@sh tests/faults/run $(B)

faults: all
	@FAULT_KILLS=$${FAULT_KILLS:-300} sh tests/faults/run $(B)

check-san:
	$(Q)$(MAKE) --no-print-directory SANITIZE=address,undefined all
	@sh tests/run-unit $(O)/san \
	    $(TEST_SRC:tests/%.c=$(O)/san/tests/%)

# The whole gate, what .ci/run calls. Every part runs even when an earlier
# one failed; each appends its counts to $(O)/results (analyze and fmt-check
# count as one check each), the last line sums them, and the status is
# non-zero when any part failed.
check: deps
	@rm -f $(O)/results
	$(Q)$(MAKE) --no-print-directory all
	$(Q)st=0; r=$(abspath $(O))/results; \
	RESULTS=$$r $(MAKE) --no-print-directory check-unit || st=1; \
	RESULTS=$$r $(MAKE) --no-print-directory check-integration || st=1; \
	RESULTS=$$r $(MAKE) --no-print-directory check-faults || st=1; \
	RESULTS=$$r FUZZ_RUNS=$${FUZZ_RUNS:-200000} sh tests/fuzz/run $(O) || st=1; \
	RESULTS=$$r $(MAKE) --no-print-directory check-san || st=1; \
	if $(MAKE) --no-print-directory analyze; then echo "analyze 1 0" >> $$r; \
	else st=1; echo "analyze 0 1" >> $$r; fi; \
	if $(MAKE) --no-print-directory fmt-check; then \
	    echo "fmt-check 1 0" >> $$r; \
	else st=1; echo "fmt-check 0 1" >> $$r; fi; \
	sh tests/summarize $$r || st=1; \
	exit $$st

golden: all
	@GOLDEN_UPDATE=1 sh tests/run-integration $(B) golden

# ---------------------------------------------------------------- quality
C_FILES := $(LIB_SRC) $(SETTLE_SRC) $(STANDIN_SRC)
H_FILES := $(wildcard lib/*/*.h cmd/*/*.h)
FMT_FILES := $(C_FILES) $(H_FILES) $(TEST_SRC) $(TEST_SUPPORT_SRC) \
             $(wildcard tests/*.h \
             tests/bench/*.c tests/fuzz/*.c)
TIDY_TEST_FILES := $(TEST_SRC) $(TEST_SUPPORT_SRC) \
                   $(wildcard tests/bench/*.c tests/fuzz/*.c)
TIDY_FLAGS := $(DEFS) $(filter-out -Wduplicated-cond -Wlogical-op,$(WARN)) \
              $(PKG_CFLAGS) -Ilib -I$(B)/gen

# cppcheck runs twice: tests/cmocka.cfg defines macros (fail, skip) that
# must not leak into lib/ and cmd/.
CPPCHECK := cppcheck --quiet --std=c11 \
            --enable=warning,style,performance,portability --inline-suppr \
            --error-exitcode=1 --library=posix --library=openssl \
            --library=libcurl --library=tests/libpq.cfg \
            --suppressions-list=ops/cppcheck.supp -D__GNUC__ -Ilib

.PHONY: analyze fmt fmt-check
analyze: $(LIB_GEN)
	@echo '  CPPCHECK'
	$(Q)$(CPPCHECK) lib cmd
	$(Q)$(CPPCHECK) --library=tests/cmocka.cfg tests
	@echo '  CLANG-TIDY'
	$(Q)clang-tidy --quiet $(C_FILES) $(TIDY_TEST_FILES) -- $(TIDY_FLAGS) \
	    2>/dev/null
	@echo '  HEADERS'
	$(Q)for h in $(H_FILES); do \
	    printf '#include "%s"\ntypedef int header_alone;\n' $$h | \
	    $(CC) $(DEFS) $(WARN) -Werror $(PKG_CFLAGS) -Ilib -I. -I$(B)/gen \
	        -x c -fsyntax-only - || exit 1; done
	@echo '  LAYERS'
	$(Q)sh ops/check-layers
	@echo '  FUNCTIONS'
	$(Q)sh ops/check-functions
	@echo '  NO-FLOAT'
	$(Q)for f in lib/*/*.c lib/*/*.h; do \
	    case $$f in *xlsx*) continue ;; esac; \
	    $(CC) -x c -fpreprocessed -dD -E -P $$f | \
	        grep -E '\b(float|double)\b' | sed "s|^|$$f: |"; \
	done | { ! grep .; }

fmt:
	$(Q)clang-format -i $(FMT_FILES)

fmt-check:
	@echo '  CLANG-FORMAT'
	$(Q)clang-format --dry-run --Werror $(FMT_FILES)

# ---------------------------------------------------------------- run
.PHONY: demo bench fuzz install clean
demo: deps
	$(Q)$(MAKE) --no-print-directory all
	@sh ops/demo $(B)

bench: deps
	$(Q)$(MAKE) --no-print-directory all
	@sh tests/bench/run $(B)

fuzz:
	@sh tests/fuzz/run $(O)

install: $(SETTLE)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/settle
	install -m 755 $(SETTLE) $(DESTDIR)$(PREFIX)/bin/settle
	cp -R sql templates $(DESTDIR)$(PREFIX)/share/settle/

clean:
	rm -rf $(O)

.PHONY: FORCE
FORCE:

-include $(DEPS)
