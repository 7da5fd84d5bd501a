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
GITREV   := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)

CFLAGS   ?= -O2 -g
WARN     := -Wall -Wextra -Werror -Werror=unused-function -Wno-format-truncation
DEFS     := -D_GNU_SOURCE -DPROFILER_VERSION='"$(VERSION)"' -DPROFILER_GITREV='"$(GITREV)"'
INCLUDES := -Iinclude -Isrc -I$(OUTPUT)
DEPFLAGS  = -MMD -MP
LDLIBS   := -lbpf -lelf -lz -lcjson -lmicrohttpd -lpthread -lm
TEST_LIBS := -lcmocka -lcjson -lmicrohttpd -lelf -lz -lpthread -lm
BPF_CFLAGS := -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_$(ARCH) -Wall -Werror -Iinclude -I$(dir $(VMLINUX))

DEB_PACKAGES := make gcc clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev libcjson-dev \
                libcmocka-dev libmicrohttpd-dev pkg-config curl jq procps

ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

# Modules with no kernel or I/O dependency: unit-tested without root.
PURE_MODS := httpclass timeline stats results util lambda_perf compare elf_info
# Unit tests link these: the pure modules plus the emulator (loopback only, no root).
TEST_MODS := $(PURE_MODS) rapi
MODS      := $(TEST_MODS) main cmd_benchmark cmd_compare cmd_report cmd_memory tracer runner
BPF_PROGS := profiler

PROFILER    := $(OUTPUT)/profiler
TEST_OBJS   := $(patsubst %,$(OUTPUT)/src/%.o,$(TEST_MODS))
OBJS        := $(patsubst %,$(OUTPUT)/src/%.o,$(MODS))
SKELS       := $(patsubst %,$(OUTPUT)/%.skel.h,$(BPF_PROGS))
UNIT_SRCS   := $(wildcard tests/unit/test_*.c)
UNIT_TESTS  := $(patsubst tests/unit/%.c,$(OUTPUT)/tests/unit/%,$(UNIT_SRCS))
ASAN_TESTS  := $(patsubst tests/unit/%.c,$(OUTPUT)/asan/tests/unit/%,$(UNIT_SRCS))
ASAN_OBJS   := $(patsubst %,$(OUTPUT)/asan/src/%.o,$(TEST_MODS))
BOOT_C      := $(wildcard tests/bootstraps/*.c)
BOOTSTRAPS  := $(patsubst tests/bootstraps/%.c,$(OUTPUT)/bootstraps/%,$(BOOT_C))
SAMPLE      := $(OUTPUT)/sample/bootstrap
SANFLAGS    := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

# The bootstrap never runs as root unless asked: under sudo it runs as the caller.
# A root shell without sudo runs the bundled sample as root, said on the command line.
DEMO_USER := $(if $(SUDO_UID),,--run-as-root)

.PHONY: all deps demo test unit unit-asan integration clean vmlinux
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

test: deps
	$(Q)$(MAKE) --no-print-directory all $(UNIT_TESTS) $(ASAN_TESTS)
	$(Q)$(MAKE) --no-print-directory unit unit-asan integration

unit: $(UNIT_TESTS)
	$(Q)set -e; for t in $(UNIT_TESTS); do echo "  RUN      $$t"; $$t; done

unit-asan: $(ASAN_TESTS)
	$(Q)set -e; for t in $(ASAN_TESTS); do echo "  RUN      $$t"; \
		ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 $$t; done

integration: all
	$(Q)bash tests/integration/run.sh

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

clean:
	$(call msg,CLEAN,$(OUTPUT))
	$(Q)rm -rf $(OUTPUT) demo-results.json

-include $(wildcard $(OUTPUT)/*.d $(OUTPUT)/*/*.d $(OUTPUT)/*/*/*.d $(OUTPUT)/*/*/*/*.d)
