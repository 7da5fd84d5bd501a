# profiler — cold-start measurement of Lambda custom-runtime bootstraps with CO-RE eBPF.
#
#   make            build the profiler, the sample bootstrap and the test bootstraps
#   make deps       install missing Debian packages (apt-get, non-interactive)
#   make demo       deps + build + benchmark the sample bootstrap (10 cold starts)
#   make test       deps + build + unit tests (plain and ASan/UBSan) + integration tests (root)
#   make unit       unit tests only (no root needed)
#   make V=1 ...    show the full commands
.DELETE_ON_ERROR:
.SUFFIXES:

OUTPUT   ?= .output
CC       ?= cc
CLANG    ?= clang
BPFTOOL  ?= $(shell command -v bpftool 2>/dev/null || echo /usr/sbin/bpftool)
ARCH     := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/' -e 's/ppc64le/powerpc/' -e 's/s390x/s390/')
VMLINUX  := vmlinux/$(ARCH)/vmlinux.h
VERSION  := 0.1.0

CFLAGS   ?= -O2 -g
WARN     := -Wall -Wextra -Werror -Werror=unused-function -Wno-format-truncation
DEFS     := -D_GNU_SOURCE -DPROFILER_VERSION='"$(VERSION)"'
INCLUDES := -Iinclude -Isrc -I$(OUTPUT)
DEPFLAGS  = -MMD -MP
LDLIBS   := -lbpf -lelf -lz -larchive -lcjson -lmicrohttpd -lpthread -lm
TEST_LIBS := -lcmocka -lcjson -lmicrohttpd -lelf -lz -larchive -lpthread -lm
BPF_CFLAGS := -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_$(ARCH) -Wall -Werror -Iinclude -I$(dir $(VMLINUX))

DEB_PACKAGES := make gcc clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev libarchive-dev libcjson-dev \
                libcmocka-dev libmicrohttpd-dev pkg-config curl jq procps valgrind util-linux \
                dpkg-dev man-db groff-base libclang-rt-14-dev lintian

ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

# Modules the unit tests (tests/unit/) link, run without root: the pure ones
# (data in, data out) and those whose I/O a test reaches without privileges (files of its own
# under /tmp, this host's ld.so.cache and libraries read, the emulator on loopback, the
# runner's user rule and fd closing).
UNIT_MODS := jsonw textout output fnenv deployed package sandbox httpclass invocation timeline \
             coldstart stats results_fields results_encode results_decode results_stats \
             results_query util lambda_perf compare elf_info ldcache libsearch zipsize cgroup \
             coldcache strbuf svg html_report html_extensions chrome_trace chrome_trace_coldstart \
             chrome_trace_events chrome_trace_ext breakdown breakdown_build breakdown_json \
             breakdown_median breakdown_text idmap apiaddr rapi rapi_runtime rapi_ext rapi_conn \
             netns api_facts extensions clientctx runner
MODS      := $(UNIT_MODS) main interrupt cmd_benchmark bench_run bench_text cmd_compare cmd_report \
             cmd_memory memory_print cmd_trace tracer
BPF_PROGS := profiler

PROFILER    := $(OUTPUT)/profiler
TEST_OBJS   := $(patsubst %,$(OUTPUT)/src/%.o,$(UNIT_MODS))
OBJS        := $(patsubst %,$(OUTPUT)/src/%.o,$(MODS))
SKELS       := $(patsubst %,$(OUTPUT)/%.skel.h,$(BPF_PROGS))
UNIT_SRCS   := $(wildcard tests/unit/test_*.c)
UNIT_TESTS  := $(patsubst tests/unit/%.c,$(OUTPUT)/tests/unit/%,$(UNIT_SRCS))
ASAN_TESTS  := $(patsubst tests/unit/%.c,$(OUTPUT)/asan/tests/unit/%,$(UNIT_SRCS))
ASAN_OBJS   := $(patsubst %,$(OUTPUT)/asan/src/%.o,$(UNIT_MODS))
BOOT_C      := $(wildcard tests/bootstraps/*.c)
BOOTSTRAPS  := $(patsubst tests/bootstraps/%.c,$(OUTPUT)/bootstraps/%,$(BOOT_C))
SAMPLE      := $(OUTPUT)/sample/bootstrap
SANFLAGS    := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

# The bootstrap never runs as root unless asked: under sudo it runs as the caller.
# A root shell without sudo runs the bundled sample as root, said on the command line.
DEMO_USER := $(if $(SUDO_UID),,--run-as-root)

.PHONY: all deps demo test unit unit-asan integration install-test examples-test browser-test clean vmlinux
all: $(PROFILER) $(SAMPLE) $(BOOTSTRAPS)

deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "  DEPS     installing:$$missing"; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	else echo "  DEPS     all present"; fi

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(PROFILER) benchmark -b $(SAMPLE) -n 10 -o demo-results.json $(DEMO_USER)

# Every suite runs even when an earlier one failed; each is reported, and make test
# fails at the end if any did (tests/run-suites.sh).
SUITES := unit unit-asan integration install-test examples-test browser-test
test: deps
	$(Q)$(MAKE) --no-print-directory all $(UNIT_TESTS) $(ASAN_TESTS)
	$(Q)OUTPUT=$(OUTPUT) bash tests/run-suites.sh $(SUITES)

# Each unit binary runs, whatever the one before gave; the target fails if any failed.
unit: $(UNIT_TESTS)
	$(Q)failed=""; for t in $(UNIT_TESTS); do echo "  RUN      $$t"; \
		$$t || failed="$$failed $${t##*/}"; done; \
	if [ -n "$$failed" ]; then echo "  FAILED  $$failed"; exit 1; fi

unit-asan: $(ASAN_TESTS)
	$(Q)failed=""; for t in $(ASAN_TESTS); do echo "  RUN      $$t"; \
		ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 $$t || \
		failed="$$failed $${t##*/}"; done; \
	if [ -n "$$failed" ]; then echo "  FAILED  $$failed"; exit 1; fi

integration: all
	$(Q)OUTPUT=$(OUTPUT) bash tests/integration/run.sh

install-test: all
	$(Q)OUTPUT=$(OUTPUT) bash tests/install/run.sh

examples-test: all
	$(Q)OUTPUT=$(OUTPUT) bash tests/examples/run.sh

# The HTML report and SVG rendered in headless Chromium (installed by the test if missing).
browser-test: all
	$(Q)OUTPUT=$(OUTPUT) bash tests/browser/run.sh

vmlinux:
	tools/gen-vmlinux.sh

# --- BPF ---------------------------------------------------------------------
$(OUTPUT)/%.bpf.o: bpf/%.bpf.c $(VMLINUX) | $(OUTPUT)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) $(DEPFLAGS) -MT $@ -c $< -o $@.tmp
	$(Q)$(BPFTOOL) gen object $@ $@.tmp
	$(Q)rm -f $@.tmp

$(OUTPUT)/%.skel.h: $(OUTPUT)/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< > $@

# --- userspace ---------------------------------------------------------------
$(OUTPUT)/src/tracer.o: $(SKELS)

# The git revision --version prints: rewritten only when it changes, so main.o is
# rebuilt exactly then (a -D flag computed at parse time went stale).
$(OUTPUT)/gitrev.h: FORCE | $(OUTPUT)
	$(Q)rev=$$(git rev-parse --short HEAD 2>/dev/null || echo unknown); \
	git diff --quiet HEAD -- 2>/dev/null || rev="$$rev-dirty"; \
	line="#define PROFILER_GITREV \"$$rev\""; \
	[ -f $@ ] && [ "$$(cat $@)" = "$$line" ] || echo "$$line" > $@
$(OUTPUT)/src/main.o: $(OUTPUT)/gitrev.h

# Syscall names of the build host's architecture, from the kernel's own headers
# (linux-libc-dev): "[nr] = \"name\"," lines, included by breakdown.c.
$(OUTPUT)/syscall_table.h: | $(OUTPUT)
	$(call msg,GEN,$@)
	$(Q)echo '#include <asm/unistd.h>' | $(CC) -dM -E -x c - | \
		awk '$$1 == "#define" && $$2 ~ /^__NR_/ && $$3 ~ /^[0-9]+$$/ \
		{ sub(/^__NR_/, "", $$2); printf "\t[%s] = \"%s\",\n", $$3, $$2 }' > $@.tmp && \
		test -s $@.tmp && mv $@.tmp $@
$(OUTPUT)/src/breakdown.o $(OUTPUT)/asan/src/breakdown.o $(OUTPUT)/fuzz/src/breakdown.o: \
	$(OUTPUT)/syscall_table.h
.PHONY: FORCE
FORCE:

$(OUTPUT)/src/%.o: src/%.c | $(OUTPUT)/src
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(WARN) $(DEFS) $(INCLUDES) $(DEPFLAGS) -c $< -o $@

$(PROFILER): $(OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ $(LDLIBS) -o $@

# --- tests -------------------------------------------------------------------
$(OUTPUT)/tests/unit/%: tests/unit/%.c $(TEST_OBJS) | $(OUTPUT)/tests/unit
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(WARN) $(DEFS) $(INCLUDES) $(DEPFLAGS) $< $(TEST_OBJS) $(TEST_LIBS) -o $@

$(OUTPUT)/asan/src/%.o: src/%.c | $(OUTPUT)/asan/src
	$(call msg,CC-ASAN,$@)
	$(Q)$(CC) -O1 -g $(SANFLAGS) $(WARN) $(DEFS) $(INCLUDES) $(DEPFLAGS) -c $< -o $@

$(OUTPUT)/asan/tests/unit/%: tests/unit/%.c $(ASAN_OBJS) | $(OUTPUT)/asan/tests/unit
	$(call msg,CC-ASAN,$@)
	$(Q)$(CC) -O1 -g $(SANFLAGS) $(WARN) $(DEFS) $(INCLUDES) $(DEPFLAGS) $< $(ASAN_OBJS) $(TEST_LIBS) -o $@

$(OUTPUT)/bootstraps/%: tests/bootstraps/%.c | $(OUTPUT)/bootstraps
	$(call msg,CC,$@)
	$(Q)$(CC) -O2 -g $(WARN) $(DEFS) -Itests/bootstraps $(DEPFLAGS) $< -lpthread -o $@

$(SAMPLE): tools/sample-bootstrap/bootstrap.c | $(OUTPUT)/sample
	$(call msg,CC,$@)
	$(Q)$(CC) -O2 $(WARN) $(DEPFLAGS) $< -o $@

$(OUTPUT) $(OUTPUT)/src $(OUTPUT)/asan/src $(OUTPUT)/tests/unit $(OUTPUT)/asan/tests/unit $(OUTPUT)/bootstraps $(OUTPUT)/sample:
	$(Q)mkdir -p $@

# --- install, uninstall, Debian package --------------------------------------
# make install [PREFIX=/usr/local] [DESTDIR=]   the binary, profiler(1), bash completion
# make uninstall [PREFIX=...] [DESTDIR=]        removes exactly those three files
# make deb [DEB_MAINTAINER="Name <address>"]    $(OUTPUT)/profiler_$(VERSION)_<dpkg arch>.deb
#   A native package (the version has no Debian revision, so its changelog is changelog.gz) of
#   a PREFIX=/usr install that lintian passes with no error and no warning (tests/install/run.sh
#   runs it): the binary stripped as dh_strip does (no symbols, no debug info), Depends as
#   dpkg-shlibdeps derives it from that binary, the DEP-5 copyright file packaging/deb/copyright,
#   a changelog from packaging/deb/changelog.in, md5sums. Every date in it is SOURCE_DATE_EPOCH
#   (default: the last commit's), so one tree gives the same bytes each time.
#   Packagers set DEB_MAINTAINER to their own name and address. The default names nobody: its
#   address is on the reserved .invalid domain (RFC 2606), so no mail sent to it reaches anyone.
PREFIX      ?= /usr/local
DESTDIR     ?=
BINDIR      ?= $(PREFIX)/bin
MANDIR      ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
INSTALL     ?= install
STRIP       ?= strip
MANPAGE_GZ  := $(OUTPUT)/man/profiler.1.gz
# ARCH above is the kernel's name (BPF target); Debian names architectures its own way.
DEB_ARCH     = $(shell dpkg --print-architecture 2>/dev/null)
DEB_MAINTAINER ?= profiler maintainers <maintainers@profiler.invalid>
export DEB_MAINTAINER
# The package's tree is debian/profiler below DEB_DIR, with a debian/control beside it: the
# layout dpkg-shlibdeps expects of a source tree.
DEB_DIR     := $(OUTPUT)/deb
DEB_ROOT    := $(DEB_DIR)/debian/profiler
DEB_DOC     := $(DEB_ROOT)/usr/share/doc/profiler
DEB_FILE     = $(OUTPUT)/profiler_$(VERSION)_$(DEB_ARCH).deb
# A value made safe for the right-hand side of sed's s|||.
sed_repl     = $$(printf '%s' "$(1)" | sed 's/[|&\\]/\\&/g')

.PHONY: install uninstall deb

# man/profiler.1 carries VERSION in its .TH line itself (tests/install/run.sh checks it).
$(MANPAGE_GZ): man/profiler.1 Makefile
	$(call msg,GZIP,$@)
	$(Q)mkdir -p $(@D)
	$(Q)gzip -9n < $< > $@

install: $(PROFILER) $(MANPAGE_GZ)
	$(call msg,INSTALL,$(DESTDIR)$(BINDIR)/profiler)
	$(Q)$(INSTALL) -d -m 0755 $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(BASHCOMPDIR)
	$(Q)$(INSTALL) -m 0755 $(PROFILER) $(DESTDIR)$(BINDIR)/profiler
	$(call msg,INSTALL,$(DESTDIR)$(MANDIR)/man1/profiler.1.gz)
	$(Q)$(INSTALL) -m 0644 $(MANPAGE_GZ) $(DESTDIR)$(MANDIR)/man1/profiler.1.gz
	$(call msg,INSTALL,$(DESTDIR)$(BASHCOMPDIR)/profiler)
	$(Q)$(INSTALL) -m 0644 completions/profiler.bash $(DESTDIR)$(BASHCOMPDIR)/profiler

uninstall:
	$(call msg,RM,$(DESTDIR)$(BINDIR)/profiler)
	$(Q)rm -f $(DESTDIR)$(BINDIR)/profiler
	$(call msg,RM,$(DESTDIR)$(MANDIR)/man1/profiler.1.gz)
	$(Q)rm -f $(DESTDIR)$(MANDIR)/man1/profiler.1.gz
	$(call msg,RM,$(DESTDIR)$(BASHCOMPDIR)/profiler)
	$(Q)rm -f $(DESTDIR)$(BASHCOMPDIR)/profiler

deb: $(PROFILER) $(MANPAGE_GZ) $(OUTPUT)/gitrev.h
	$(Q)if [ -z "$(DEB_ARCH)" ]; then echo "make deb: needs dpkg (a Debian host)" >&2; exit 1; fi; \
	for t in dpkg-deb dpkg-shlibdeps $(STRIP); do command -v $$t >/dev/null || { \
		echo "make deb: needs $$t (dpkg-dev, binutils)" >&2; exit 1; }; done; \
	case "$$DEB_MAINTAINER" in ?*' <'?*@?*'>') ;; *) \
		echo "make deb: DEB_MAINTAINER must be \"Name <address>\", not \"$$DEB_MAINTAINER\"" >&2; \
		exit 1;; esac
	$(Q)rm -rf $(DEB_DIR) && mkdir -p $(DEB_ROOT)
	$(Q)$(MAKE) --no-print-directory install DESTDIR=$(abspath $(DEB_ROOT)) PREFIX=/usr \
		BINDIR=/usr/bin MANDIR=/usr/share/man BASHCOMPDIR=/usr/share/bash-completion/completions
	$(call msg,STRIP,$(DEB_ROOT)/usr/bin/profiler)
	$(Q)$(STRIP) --remove-section=.comment --remove-section=.note $(DEB_ROOT)/usr/bin/profiler
	$(call msg,INSTALL,$(DEB_DOC)/copyright)
	$(Q)$(INSTALL) -d -m 0755 $(DEB_DOC) $(DEB_ROOT)/DEBIAN
	$(Q)$(INSTALL) -m 0644 packaging/deb/copyright $(DEB_DOC)/copyright
	$(call msg,GEN,$(DEB_DOC)/changelog.gz)
	$(Q)epoch=$${SOURCE_DATE_EPOCH:-$$(git log -1 --format=%ct 2>/dev/null || date +%s)}; \
	echo "$$epoch" > $(DEB_DIR)/source-date-epoch; \
	date=$$(LC_ALL=C date -u -R -d "@$$epoch") && \
	rev=$$(sed -n 's/^#define PROFILER_GITREV "\(.*\)"$$/\1/p' $(OUTPUT)/gitrev.h) && \
	sed -e 's|@VERSION@|$(VERSION)|g' -e "s|@GITREV@|$$rev|" \
	    -e "s|@MAINTAINER@|$(call sed_repl,$$DEB_MAINTAINER)|" -e "s|@DATE@|$$date|" \
	    packaging/deb/changelog.in > $(DEB_DIR)/changelog && \
	gzip -9n < $(DEB_DIR)/changelog > $(DEB_DOC)/changelog.gz
	$(call msg,SHLIBDEP,$(DEB_ROOT)/usr/bin/profiler)
	$(Q)printf 'Source: profiler\n\nPackage: profiler\nArchitecture: any\n' > $(DEB_DIR)/debian/control
	$(Q)cd $(DEB_DIR) && dpkg-shlibdeps -O debian/profiler/usr/bin/profiler > shlibdeps
	$(call msg,GEN,$(DEB_ROOT)/DEBIAN/control)
	$(Q)deps=$$(sed -n 's/^shlibs:Depends=//p' $(DEB_DIR)/shlibdeps); \
	[ -n "$$deps" ] || { echo "make deb: dpkg-shlibdeps derived no Depends" >&2; exit 1; }; \
	find $(DEB_ROOT) -type d -exec chmod 0755 {} + && chmod 0644 $(DEB_DOC)/* && \
	(cd $(DEB_ROOT) && find usr -type f | LC_ALL=C sort | xargs md5sum) > $(DEB_ROOT)/DEBIAN/md5sums && \
	size=$$(cd $(DEB_ROOT) && find . -mindepth 1 -path ./DEBIAN -prune -o -printf '%y %s\n' | \
		awk '{ k += ($$1 == "f" || $$1 == "l") ? int(($$2 + 1023) / 1024) : 1 } END { print k }') && \
	sed -e 's|@VERSION@|$(VERSION)|' -e 's|@ARCH@|$(DEB_ARCH)|' \
	    -e "s|@MAINTAINER@|$(call sed_repl,$$DEB_MAINTAINER)|" -e "s|@INSTALLED_SIZE@|$$size|" \
	    -e "s|@DEPENDS@|$(call sed_repl,$$deps)|" packaging/deb/control.in > $(DEB_ROOT)/DEBIAN/control && \
	chmod 0644 $(DEB_ROOT)/DEBIAN/control $(DEB_ROOT)/DEBIAN/md5sums
	$(call msg,DEB,$(DEB_FILE))
	$(Q)epoch=$$(cat $(DEB_DIR)/source-date-epoch) && \
	find $(DEB_ROOT) -exec touch -h -d "@$$epoch" {} + && \
	SOURCE_DATE_EPOCH=$$epoch dpkg-deb --root-owner-group --build $(DEB_ROOT) $(DEB_DIR)/profiler.deb \
		>/dev/null && mv $(DEB_DIR)/profiler.deb $(DEB_FILE)

clean:
	$(call msg,CLEAN,$(OUTPUT))
	$(Q)rm -rf $(OUTPUT) demo-results.json

-include $(wildcard $(OUTPUT)/*.d $(OUTPUT)/*/*.d $(OUTPUT)/*/*/*.d $(OUTPUT)/*/*/*/*.d)

# --- fuzzing -------------------------------------------------------------------
# make fuzz [FUZZ_SECONDS=20]   libFuzzer targets for the code that reads outside input, built
#   with clang (-fsanitize=fuzzer,address,undefined) into $(OUTPUT)/fuzz/: httpclass (captured
#   write prefixes), results (results JSON), lambda_perf (lambda-perf JSON), elf (the ELF
#   inspector, on a file and in memory), rapi (the emulator: raw HTTP on loopback TCP), each
#   checking the module's documented invariants as well. The modules are compiled again with
#   clang for this (not the gcc objects). Each target runs FUZZ_SECONDS (-max_total_time) on
#   $(OUTPUT)/fuzz/corpus/<target>/: the committed seeds in fuzz/corpus/<target>/ are copied
#   there (never modified) and what earlier runs found stays. Every target runs; make fails if
#   any crashed (sanitizer report, broken invariant, leak, 10 s timeout): the input is saved as
#   $(OUTPUT)/fuzz/artifacts/<target>-crash-<sha1> (or -leak-, -timeout-, -oom-), the log is
#   $(OUTPUT)/fuzz/<target>.log; reproduce with `$(OUTPUT)/fuzz/fuzz_<target> FILE`. A crash
#   found becomes a cmocka regression test in tests/unit/test_<module>.c.
#   Needs clang's fuzzer runtime: libclang-rt-14-dev on Debian 12 (clang only recommends it).
FUZZ_SECONDS ?= 20
FUZZ_TARGETS := httpclass results lambda_perf elf rapi breakdown
# Every module the targets may need, in one archive: each target links only what it uses.
FUZZ_MODS    := jsonw strbuf fnenv deployed httpclass invocation timeline coldstart chrome_trace \
                chrome_trace_coldstart chrome_trace_events stats results_fields results_encode \
                results_decode results_stats util lambda_perf elf_info rapi \
                rapi_runtime rapi_ext rapi_conn netns api_facts textout output breakdown \
                breakdown_build breakdown_json breakdown_median breakdown_text idmap
FUZZ_CFLAGS  := -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -g -O1
FUZZ_WARN    := $(filter-out -Wno-format-truncation,$(WARN))
FUZZ_LIBS    := -lcjson -lmicrohttpd -lelf -lz -lpthread -lm
FUZZ_BINS    := $(patsubst %,$(OUTPUT)/fuzz/fuzz_%,$(FUZZ_TARGETS))
FUZZ_OBJS    := $(patsubst %,$(OUTPUT)/fuzz/src/%.o,$(FUZZ_MODS))
FUZZ_AR      := $(OUTPUT)/fuzz/libmods.a

.PHONY: fuzz fuzz-build
fuzz-build: $(FUZZ_BINS)

fuzz: $(FUZZ_BINS)
	$(Q)failed=""; mkdir -p $(OUTPUT)/fuzz/artifacts; \
	for t in $(FUZZ_TARGETS); do \
		dir=$(OUTPUT)/fuzz/corpus/$$t; log=$(OUTPUT)/fuzz/$$t.log; \
		mkdir -p $$dir && cp fuzz/corpus/$$t/* $$dir/ || exit 1; \
		echo "  FUZZ     $$t ($(FUZZ_SECONDS) s, $$(ls fuzz/corpus/$$t | wc -l) seeds)"; \
		if $(OUTPUT)/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
			-print_final_stats=1 -artifact_prefix=$(OUTPUT)/fuzz/artifacts/$$t- \
			$$dir >$$log 2>&1; then \
			awk '/^stat::number_of_executed_units/ { n = $$2 } \
			     /^stat::average_exec_per_sec/ { s = $$2 } \
			     /^#[0-9]+[ \t]+DONE/ { for (i = 1; i < NF; i++) if ($$i == "cov:") c = $$(i+1) } \
			     END { printf "           ok: %s runs, %s exec/s, cov %s, corpus %s files\n", \
				   n, s, c, "'"$$(ls $$dir | wc -l)"'" }' $$log; \
		else \
			echo "  FUZZ     $$t FAILED (log: $$log)"; tail -n 60 $$log; failed="$$failed $$t"; \
		fi; \
	done; \
	if [ -n "$$failed" ]; then echo "  FUZZ     crashed:$$failed"; exit 1; fi

$(OUTPUT)/fuzz/src/%.o: src/%.c | $(OUTPUT)/fuzz/src
	$(call msg,CC-FUZZ,$@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) $(FUZZ_WARN) $(DEFS) $(INCLUDES) $(DEPFLAGS) -c $< -o $@

$(FUZZ_AR): $(FUZZ_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(OUTPUT)/fuzz/fuzz_%: fuzz/fuzz_%.c $(FUZZ_AR) | $(OUTPUT)/fuzz
	$(call msg,CC-FUZZ,$@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) $(FUZZ_WARN) $(DEFS) $(INCLUDES) $(DEPFLAGS) $< $(FUZZ_AR) \
		$(FUZZ_LIBS) -o $@

$(OUTPUT)/fuzz $(OUTPUT)/fuzz/src:
	$(Q)mkdir -p $@

# --- benchmarks ------------------------------------------------------------------
# make bench [BENCH_QUICK=1]   (root) the benchmark suite of tools/bench/run.sh: accuracy,
#   observer overhead (vs strace and bpftrace), start-up, throughput, emulator round trip,
#   end to end and scaling. Rewrites BENCHMARKS.md with the figures, the machine and the
#   commands; BENCH_QUICK=1 is a ~1 minute smoke run written to $(OUTPUT)/bench/BENCHMARKS.quick.md
#   instead (BENCH_OUT=FILE writes elsewhere). Raw data stays in $(OUTPUT)/bench/data/.
#   Installs bpftrace and strace with apt-get when missing; mounts tracefs for bpftrace if it
#   is not mounted (unmounted again at the end). Benchmarks report: they never fail on a figure.
BENCH_QUICK ?= 0
BENCH_OUT   ?=
BENCH_DEB   := bpftrace strace jq procps
BENCH_SRCS  := $(filter-out %.bpf.c,$(wildcard tools/bench/*.c))
BENCH_BINS  := $(patsubst tools/bench/%.c,$(OUTPUT)/bench/%,$(BENCH_SRCS)) $(OUTPUT)/bench/empty.bpf.o

.PHONY: bench bench-deps bench-build
bench-deps:
	@missing=""; for p in $(BENCH_DEB); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "  DEPS     installing:$$missing"; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	else echo "  DEPS     bench: all present"; fi

bench: bench-deps
	$(Q)$(MAKE) --no-print-directory bench-build
	$(Q)OUTPUT=$(OUTPUT) BENCH_QUICK=$(BENCH_QUICK) BENCH_OUT=$(BENCH_OUT) bash tools/bench/run.sh

bench-build: all $(BENCH_BINS)

$(OUTPUT)/bench/%: tools/bench/%.c | $(OUTPUT)/bench
	$(call msg,CC,$@)
	$(Q)$(CC) -O2 -g $(WARN) $(DEFS) -Itests/bootstraps -Itools/bench $(DEPFLAGS) $< -lpthread -o $@

# the loader of the attach-point cost benchmark, and its programs that do nothing
$(OUTPUT)/bench/attach: tools/bench/attach.c | $(OUTPUT)/bench
	$(call msg,CC,$@)
	$(Q)$(CC) -O2 -g $(WARN) $(DEFS) $(DEPFLAGS) $< -lbpf -lelf -lz -o $@

# where the tracer's start-up goes: the profiler's own tracer_open, timed step by step
TRACER_OPEN_OBJS := $(OUTPUT)/src/tracer.o $(OUTPUT)/src/elf_info.o $(OUTPUT)/src/util.o
$(OUTPUT)/bench/tracer_open: tools/bench/tracer_open.c $(TRACER_OPEN_OBJS) | $(OUTPUT)/bench
	$(call msg,CC,$@)
	$(Q)$(CC) -O2 -g $(WARN) $(DEFS) $(INCLUDES) $(DEPFLAGS) $< $(TRACER_OPEN_OBJS) -lbpf -lelf -lz -ldl -o $@

# the reduced kernel BTF against the whole: the same relocations of every program?
$(OUTPUT)/bench/core_check: tools/bench/core_check.c $(TRACER_OPEN_OBJS) $(SKELS) | $(OUTPUT)/bench
	$(call msg,CC,$@)
	$(Q)$(CC) -O2 -g $(WARN) $(DEFS) $(INCLUDES) $(DEPFLAGS) $< $(TRACER_OPEN_OBJS) -lbpf -lelf -lz -o $@

$(OUTPUT)/bench/%.bpf.o: tools/bench/%.bpf.c $(VMLINUX) | $(OUTPUT)/bench
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(OUTPUT)/bench:
	$(Q)mkdir -p $@
