# dm-remap: top-level build.
#
#   make deps           install build and test dependencies (Debian, root)
#   make                build the module, the BPF objects and the tools
#   make check          deps + build + every test; last line "N passed, N failed"
#   make check-kernels  the in-VM suite on every supported kernel series
#   make check-debug    the in-VM suite on a debug kernel (KASAN, lockdep,
#                       kmemleak, UBSAN...) built from Debian's sources
#   make soak           the stress case for SOAK_SECONDS (default 600)
#   make demo           boot the test VM and show the product at work
#   make bench          performance ratios (see docs/)
#   make install        install module sources (DKMS), tools, man pages, units
#
# KDIR selects the kernel build tree for `make` (default: the running
# kernel's; when it has none, the Debian test kernel's).  KSERIES selects
# the test kernel of the VM targets (6.1, 6.12, or 6.1-debug).

KSERIES ?= 6.1
SERIES_ALL := 6.1 6.12
DEBUG_SERIES := 6.1-debug
TOP := $(CURDIR)
BUILD := $(TOP)/build
KERNEL_DIR := $(BUILD)/kernel/$(KSERIES)
KERNEL_ENV := $(KERNEL_DIR)/kernel.env
# CO-RE: the BPF programs are compiled once, against the 6.1 kernel's BTF.
BPF_KERNEL_ENV := $(BUILD)/kernel/6.1/kernel.env
BPF_OUT := $(BUILD)/bpf
BIN := $(BUILD)/bin
VM_MODULE_DIR := $(BUILD)/$(KSERIES)/src/module
VM_IMAGE := $(BUILD)/vm/$(KSERIES)/initramfs.cpio
MODULE_SRC := $(filter-out %/dm-remap-probes.h,$(wildcard module/*.c module/*.h)) module/Kbuild \
	bpf/dm_remap_events.h

RUNNING_KDIR := /lib/modules/$(shell uname -r)/build
ifeq ($(origin KDIR), undefined)
  ifneq ($(wildcard $(RUNNING_KDIR)/Makefile),)
    KDIR := $(RUNNING_KDIR)
  endif
endif

PREFIX ?= /usr/local
DESTDIR ?=

.PHONY: all deps module bpf tools vm-module vm-image check check-unit check-vm \
	check-kernels check-debug soak demo bench install checkpatch clean kernel

all: module tools

deps:
	@scripts/deps

# --- kernel ----------------------------------------------------------------
kernel: $(KERNEL_ENV)

$(BUILD)/kernel/%/kernel.env: scripts/fetch-kernel
	scripts/fetch-kernel $* $(BUILD)/kernel/$*

# The debug kernel is built, not fetched: once per machine, cached outside
# the tree under /var/cache/dm-remap (scripts/build-debug-kernel).
$(BUILD)/kernel/$(DEBUG_SERIES)/kernel.env: scripts/build-debug-kernel tests/debug-kernel/debug.config
	scripts/build-debug-kernel $(BUILD)/kernel/$(DEBUG_SERIES)

# `make` builds module/dm-remap.ko in place.  Without a KDIR of its own (this
# machine's kernel may have no build tree) it uses the test kernel, and then
# also adds module BTF.
ifdef KDIR
module:
	scripts/kernel-probes $(KDIR) $(TOP)/module
	$(MAKE) -C $(KDIR) M=$(TOP)/module modules
else
module: $(KERNEL_ENV)
	. $(KERNEL_ENV) && scripts/build-module $(TOP)/module "$$KDIR" "$$VMLINUX"
endif

# The VM's module: sources copied to a per-series tree so that both kernels
# can be built side by side.
vm-module: $(VM_MODULE_DIR)/dm-remap.ko

$(VM_MODULE_DIR)/dm-remap.ko: $(KERNEL_ENV) $(MODULE_SRC) scripts/build-module scripts/kernel-probes
	mkdir -p $(VM_MODULE_DIR) $(BUILD)/$(KSERIES)/src/bpf
	cp module/*.c module/*.h module/Kbuild $(VM_MODULE_DIR)/
	cp bpf/dm_remap_events.h $(BUILD)/$(KSERIES)/src/bpf/
	. $(KERNEL_ENV) && scripts/build-module $(VM_MODULE_DIR) "$$KDIR" "$$VMLINUX"

# --- BPF and tools ---------------------------------------------------------
bpf: $(BPF_KERNEL_ENV)
	. $(BPF_KERNEL_ENV) && $(MAKE) -C bpf VMLINUX="$$VMLINUX" OUT=$(BPF_OUT)

tools: bpf
	$(MAKE) -C tools BPF_OUT=$(BPF_OUT) OUT=$(BIN)

# --- the test VM -----------------------------------------------------------
TEST_BIN := $(BUILD)/test-bin
TEST_HELPERS := $(patsubst tests/vm/helpers/%.c,$(TEST_BIN)/%,$(wildcard tests/vm/helpers/*.c))

vm-image: vm-module tools $(TEST_HELPERS)
	@$(MAKE) -s $(VM_IMAGE)

# Programs only the VM tests use (copied into the guest with the tools).
$(TEST_BIN)/%: tests/vm/helpers/%.c
	@mkdir -p $(TEST_BIN)
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -o $@ $<

$(VM_IMAGE): $(VM_MODULE_DIR)/dm-remap.ko $(wildcard $(BIN)/dmremap-*) $(TEST_HELPERS) \
		tests/vm/mkinitramfs tests/vm/guest-init
	tests/vm/mkinitramfs $(KERNEL_ENV) $(VM_MODULE_DIR)/dm-remap.ko $(BIN) $@

# --- tests -----------------------------------------------------------------
check: deps
	@$(MAKE) --no-print-directory all vm-image
	@tests/run --kernel $(KSERIES)

check-unit: all
	@tests/run --only unit

check-vm: vm-image
	@tests/run --only vm --kernel $(KSERIES)

# Every supported kernel: tests/run fetches each kernel, builds the module
# (probed and built per series under build/<series>/), the tools (CO-RE:
# one build for all) and the guest image, then runs every VM case on it.  A
# series whose build fails is counted as a failure, not a stop.
check-kernels: deps
	@tests/run --only vm $(foreach s,$(SERIES_ALL),--kernel $(s))

# The in-VM suite on the debug kernel, then the canaries that prove its log
# scan sees each kind of report.  Not part of `make check`: the first run
# builds the kernel (see docs/reliability.md for the times).
check-debug: deps
	@$(MAKE) --no-print-directory all
	@tests/run --only vm --kernel $(DEBUG_SERIES)

# The stress case of `make check` (tests/vm/cases/60-stress.sh, 60 s there)
# for longer: fio QD32 on two devices under bad blocks, suspends, reloads,
# scrubs and tracers, then every byte verified.
SOAK_SECONDS ?= 600
soak: deps
	@$(MAKE) --no-print-directory all vm-image
	tests/vm/vmrun --kernel $(KSERIES) --timeout $$(($(SOAK_SECONDS) + 900)) \
		tests/vm/cases/60-stress.sh $(SOAK_SECONDS)

checkpatch:
	@scripts/checkpatch $(filter-out %.mod.c,$(wildcard module/*.[ch]))

demo: deps
	@$(MAKE) --no-print-directory all vm-image
	tests/vm/vmrun --kernel $(KSERIES) tests/vm/demo.sh

bench: deps
	@$(MAKE) --no-print-directory all vm-image
	tests/vm/vmrun --kernel $(KSERIES) --timeout 1200 tests/bench/bench.sh

# --- install ---------------------------------------------------------------
# The module sources go to /usr/src/dm-remap-VERSION, flat, for DKMS (the
# event codes header beside them: Kbuild searches its own directory).
VERSION := 0.2.0
SRC_DEST := $(DESTDIR)/usr/src/dm-remap-$(VERSION)
MODULE_FILES := $(filter-out %/dm-remap-probes.h %.mod.c,$(wildcard module/*.c module/*.h))

install: tools
	install -d $(SRC_DEST) $(DESTDIR)$(PREFIX)/sbin
	install -m 0644 $(MODULE_FILES) module/Kbuild module/Makefile \
		bpf/dm_remap_events.h $(SRC_DEST)/
	install -m 0755 scripts/kernel-probes $(SRC_DEST)/
	sed 's/@VERSION@/$(VERSION)/' module/dkms.conf >$(SRC_DEST)/dkms.conf
	install -m 0755 $(BIN)/dmremap-* $(DESTDIR)$(PREFIX)/sbin/
	install -d $(DESTDIR)$(PREFIX)/share/man/man8
	install -m 0644 docs/man/*.8 $(DESTDIR)$(PREFIX)/share/man/man8/
	install -d $(DESTDIR)/lib/systemd/system
	install -m 0644 dashboards/systemd/*.service dashboards/systemd/*.timer \
		$(DESTDIR)/lib/systemd/system/

clean:
	rm -rf $(BUILD)/bpf $(BUILD)/bin $(BUILD)/vm $(BUILD)/6.1 $(BUILD)/6.12 $(BUILD)/unit
	-$(MAKE) -C module clean KDIR=$(or $(KDIR),$(RUNNING_KDIR)) 2>/dev/null
