# dm-remap: top-level build.
#
#   make deps           install build and test dependencies (Debian, root)
#   make                build the module, the BPF objects and the tools
#   make check          deps + build + every test; last line "N passed, N failed"
#   make check-kernels  the in-VM suite on every supported kernel series
#   make check-debug    the in-VM suite on a debug kernel (KASAN, lockdep,
#                       kmemleak, UBSAN...) built from Debian's sources
#   make soak           the stress case for SOAK_SECONDS (default 600)
#   make fuzz-meta      corrupted spare metadata offered to the kernel and to
#                       dmremap-meta for FUZZ_SECONDS (default 600)
#   make demo           boot the test VM and show the product at work
#   make bench          performance ratios (see docs/)
#   make install        install module sources (DKMS), tools, man pages, units,
#                       the generator and the udev rule (DESTDIR, PREFIX)
#   make uninstall      remove what make install installed
#   make deb            the Debian packages dm-remap-dkms and dm-remap-tools
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
# The same module built with its tracepoints compiled out (-DNOTRACE makes
# <linux/tracepoint.h> declare no-op tracepoints): make bench compares it
# with the real one (tracepoints_off_cost).
VM_NOTRACE_DIR := $(BUILD)/$(KSERIES)/src/module-notrace
VM_IMAGE := $(BUILD)/vm/$(KSERIES)/initramfs.cpio
# The headers the module shares with the BPF programs and the tools: the
# tracepoint codes, the status key table and the table line's ranges
# (module/Kbuild: -I../bpf).
SHARED_HDRS := bpf/dm_remap_events.h bpf/dm_remap_status.h bpf/dm_remap_limits.h
MODULE_SRC := $(filter-out %/dm-remap-probes.h %/dm-remap-version.h,$(wildcard module/*.c module/*.h)) \
	module/Kbuild \
	$(SHARED_HDRS)

RUNNING_KDIR := /lib/modules/$(shell uname -r)/build
ifeq ($(origin KDIR), undefined)
  ifneq ($(wildcard $(RUNNING_KDIR)/Makefile),)
    KDIR := $(RUNNING_KDIR)
  endif
endif

PREFIX ?= /usr/local
DESTDIR ?=

# The one place the version is set: VERSION.  scripts/gen-version writes it
# into the module (module/dm-remap-version.h: target version, modinfo) and
# the tools (version.h, -V); make deb writes it into debian/changelog.
VERSION := $(shell cat $(TOP)/VERSION)
VERSION_H := module/dm-remap-version.h

$(VERSION_H): VERSION scripts/gen-version
	scripts/gen-version module $< $@

.PHONY: all deps module bpf tools vm-module vm-module-notrace vm-image check check-unit check-vm \
	check-kernels check-debug soak fuzz-meta demo bench checkpatch clean kernel

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
module: $(VERSION_H)
	scripts/kernel-probes $(KDIR) $(TOP)/module
	$(MAKE) -C $(KDIR) M=$(TOP)/module modules
else
module: $(KERNEL_ENV) $(VERSION_H)
	. $(KERNEL_ENV) && scripts/build-module $(TOP)/module "$$KDIR" "$$VMLINUX"
endif

# The VM's module: sources copied to a per-series tree so that both kernels
# can be built side by side.
vm-module: $(VM_MODULE_DIR)/dm-remap.ko

$(VM_MODULE_DIR)/dm-remap.ko: $(KERNEL_ENV) $(MODULE_SRC) $(VERSION_H) scripts/build-module scripts/kernel-probes
	mkdir -p $(VM_MODULE_DIR) $(BUILD)/$(KSERIES)/src/bpf
	cp module/*.c module/*.h module/Kbuild $(VM_MODULE_DIR)/
	cp $(SHARED_HDRS) $(BUILD)/$(KSERIES)/src/bpf/
	. $(KERNEL_ENV) && scripts/build-module $(VM_MODULE_DIR) "$$KDIR" "$$VMLINUX"

vm-module-notrace: $(VM_NOTRACE_DIR)/dm-remap.ko

$(VM_NOTRACE_DIR)/dm-remap.ko: $(KERNEL_ENV) $(MODULE_SRC) $(VERSION_H) scripts/build-module scripts/kernel-probes
	mkdir -p $(VM_NOTRACE_DIR) $(BUILD)/$(KSERIES)/src/bpf
	cp module/*.c module/*.h module/Kbuild $(VM_NOTRACE_DIR)/
	cp $(SHARED_HDRS) $(BUILD)/$(KSERIES)/src/bpf/
	. $(KERNEL_ENV) && KCFLAGS=-DNOTRACE scripts/build-module $(VM_NOTRACE_DIR) "$$KDIR" "$$VMLINUX"

# --- BPF and tools ---------------------------------------------------------
bpf: $(BPF_KERNEL_ENV)
	. $(BPF_KERNEL_ENV) && $(MAKE) -C bpf VMLINUX="$$VMLINUX" OUT=$(BPF_OUT)

# TOOLS_PREFIX: where the tools will be installed (the generator's units
# and the udev rule name PREFIX/sbin/dmremap-setup)
TOOLS_PREFIX ?= $(PREFIX)
tools: bpf
	$(MAKE) -C tools BPF_OUT=$(BPF_OUT) OUT=$(BIN) PREFIX=$(TOOLS_PREFIX)

# --- the test VM -----------------------------------------------------------
TEST_BIN := $(BUILD)/test-bin
TEST_HELPERS := $(patsubst tests/vm/helpers/%.c,$(TEST_BIN)/%,$(wildcard tests/vm/helpers/*.c))

vm-image: vm-module vm-module-notrace tools $(TEST_HELPERS)
	@$(MAKE) -s $(VM_IMAGE)

# Programs only the VM tests use (copied into the guest with the tools).
$(TEST_BIN)/%: tests/vm/helpers/%.c
	@mkdir -p $(TEST_BIN)
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -o $@ $<

# The metadata fuzzer's generator (tests/fuzz/metafuzz.c), on the unit
# tests' image writer: the VM case 70-meta-fuzz and `make fuzz-meta` run it.
METAFUZZ_SRCS := tests/fuzz/metafuzz.c tests/fuzz/metafuzz_gen.c tests/unit/meta_image.c \
	tools/lib/crc32c.c
TEST_HELPERS += $(TEST_BIN)/metafuzz
$(TEST_BIN)/metafuzz: $(METAFUZZ_SRCS) tests/fuzz/metafuzz_gen.h tests/unit/meta_image.h \
		tools/lib/dmr_meta.h module/dm-remap-format.h
	@mkdir -p $(TEST_BIN)
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror '-D__packed=__attribute__((packed))' \
		-Itests/fuzz -Itests/unit -Itools/lib $(METAFUZZ_SRCS) -Wl,--wrap=pread -o $@

# Its kernel side in the guest: variants through libdevmapper and the
# checker's library, many a second (a dozen processes each would be slow).
METAFUZZ_K_SRCS := tests/fuzz/metafuzz-kernel.c tests/fuzz/metafuzz_gen.c \
	tests/unit/meta_image.c tools/lib/crc32c.c tools/lib/dmr_meta.c
TEST_HELPERS += $(TEST_BIN)/metafuzz-kernel
$(TEST_BIN)/metafuzz-kernel: $(METAFUZZ_K_SRCS) tests/fuzz/metafuzz_gen.h tests/unit/meta_image.h \
		tools/lib/dmr_meta.h module/dm-remap-format.h
	@mkdir -p $(TEST_BIN)
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror '-D__packed=__attribute__((packed))' \
		-Itests/fuzz -Itests/unit -Itools/lib $(METAFUZZ_K_SRCS) -Wl,--wrap=pread \
		-ldevmapper -o $@

$(VM_IMAGE): $(VM_MODULE_DIR)/dm-remap.ko $(VM_NOTRACE_DIR)/dm-remap.ko $(wildcard $(BIN)/dmremap-*) \
		$(TEST_HELPERS) tests/vm/mkinitramfs tests/vm/guest-init
	tests/vm/mkinitramfs $(KERNEL_ENV) $(VM_MODULE_DIR)/dm-remap.ko $(BIN) $@ \
		$(VM_NOTRACE_DIR)/dm-remap.ko

# --- tests -----------------------------------------------------------------
check: deps
	@$(MAKE) --no-print-directory all vm-image
	@tests/run --kernel $(KSERIES)

check-unit: all
	@tests/run --only unit

# Corrupted and crafted spare metadata offered to the kernel and to
# dmremap-meta for FUZZ_SECONDS (tests/fuzz/run-vm): on the debug kernel
# when this tree has its lane (DEBUG_SERIES), else on KSERIES.  Failing
# seeds' images are saved under build/fuzz/.
FUZZ_SECONDS ?= 600
FUZZ_KSERIES ?= $(or $(DEBUG_SERIES),$(KSERIES))
fuzz-meta: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory vm-image KSERIES=$(FUZZ_KSERIES)
	@tests/fuzz/run-vm --kernel $(FUZZ_KSERIES) --seconds $(FUZZ_SECONDS) $(if $(FUZZ_SEED),--seed $(FUZZ_SEED))

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

# The stress case of `make check` (tests/vm/cases/80-stress.sh, 60 s there)
# for longer: fio QD32 on two devices under bad blocks, suspends, reloads,
# scrubs and tracers, then every byte verified.
SOAK_SECONDS ?= 600
soak: deps
	@$(MAKE) --no-print-directory all vm-image
	tests/vm/vmrun --kernel $(KSERIES) --timeout $$(($(SOAK_SECONDS) + 900)) \
		tests/vm/cases/80-stress.sh $(SOAK_SECONDS)

checkpatch:
	@scripts/checkpatch $(filter-out %.mod.c,$(wildcard module/*.[ch]))

demo: deps
	@$(MAKE) --no-print-directory all vm-image
	tests/vm/vmrun --kernel $(KSERIES) tests/vm/demo.sh

bench: deps
	@$(MAKE) --no-print-directory all vm-image
	VMRUN_NO_BUILD=1 tests/bench/run --kernel $(KSERIES)

# --- install ---------------------------------------------------------------
# make install [DESTDIR=...] [PREFIX=/usr/local]: the module sources for DKMS
# in /usr/src/dm-remap-VERSION (flat, the event codes header and the
# generated version header beside them: Kbuild searches its own directory),
# the tools in PREFIX/sbin, the man pages, the exporter's units, the
# generator and the udev rule where systemd and udev look for them.  On the
# real root (no DESTDIR) with dkms installed, the module is also built and
# installed for the running kernel through DKMS; make uninstall undoes all
# of it.  The paths of PREFIX are written into the generator (its units'
# ExecStart), the udev rule and the exporter's units.
SRC_DEST := $(DESTDIR)/usr/src/dm-remap-$(VERSION)
MODULE_FILES := $(filter-out %/dm-remap-probes.h %.mod.c %/dm-remap-version.h,\
	$(wildcard module/*.c module/*.h))
SYSTEMDDIR ?= /lib/systemd
UDEVDIR ?= /lib/udev
SBIN := $(DESTDIR)$(PREFIX)/sbin
MANDIR := $(DESTDIR)$(PREFIX)/share/man
INSTALL_TOOLS := dmremap-trace dmremap-meta dmremap-top dmremap-exporter dmremap-setup
MAN_PAGES := $(notdir $(wildcard docs/man/*.[578]))
UNITS := $(notdir $(wildcard dashboards/systemd/*.service dashboards/systemd/*.timer))
UDEV_RULE := 69-dm-remap.rules
# the man pages' .TH line carries the version: "dm-remap X.Y.Z"
MAN_VERSION := sed 's/^\(\.TH .*"dm-remap \)[0-9.]*"/\1$(VERSION)"/'

.PHONY: install uninstall install-dkms-src deb

install-dkms-src: $(VERSION_H)
	install -d $(SRC_DEST)
	install -m 0644 $(MODULE_FILES) $(VERSION_H) module/Kbuild module/Makefile \
		$(SHARED_HDRS) $(SRC_DEST)/
	install -m 0755 scripts/kernel-probes $(SRC_DEST)/
	sed 's/@VERSION@/$(VERSION)/' module/dkms.conf >$(SRC_DEST)/dkms.conf

install: install-dkms-src
	$(MAKE) --no-print-directory tools TOOLS_PREFIX=$(PREFIX)
	install -d $(SBIN) $(DESTDIR)$(SYSTEMDDIR)/system $(DESTDIR)$(SYSTEMDDIR)/system-generators \
		$(DESTDIR)$(UDEVDIR)/rules.d $(MANDIR)/man5 $(MANDIR)/man7 $(MANDIR)/man8
	install -m 0755 $(addprefix $(BIN)/,$(INSTALL_TOOLS)) $(SBIN)/
	install -m 0755 $(BIN)/dmremap-generator $(DESTDIR)$(SYSTEMDDIR)/system-generators/
	for m in $(MAN_PAGES); do \
		s=$${m##*.}; $(MAN_VERSION) docs/man/$$m >$(MANDIR)/man$$s/$$m && \
		chmod 0644 $(MANDIR)/man$$s/$$m || exit 1; \
	done
	for u in $(UNITS); do \
		sed 's|/usr/local/sbin/|$(PREFIX)/sbin/|g' dashboards/systemd/$$u \
			>$(DESTDIR)$(SYSTEMDDIR)/system/$$u || exit 1; \
	done
	sed 's|@SBINDIR@|$(PREFIX)/sbin|g; s|@TAB@|/etc/dmremaptab|g' udev/$(UDEV_RULE).in \
		>$(DESTDIR)$(UDEVDIR)/rules.d/$(UDEV_RULE)
	@if [ -z "$(DESTDIR)" ] && command -v dkms >/dev/null; then \
		echo "dkms install dm-remap/$(VERSION)"; \
		dkms install dm-remap/$(VERSION) || \
			echo "make install: DKMS could not build the module for $$(uname -r)" \
			     "(its headers: apt install linux-headers-$$(uname -r));" \
			     "then run: dkms install dm-remap/$(VERSION)" >&2; \
	fi

uninstall:
	@if [ -z "$(DESTDIR)" ] && command -v dkms >/dev/null && \
		dkms status dm-remap/$(VERSION) 2>/dev/null | grep -q .; then \
		echo "dkms remove dm-remap/$(VERSION) --all"; \
		dkms remove dm-remap/$(VERSION) --all; \
	fi
	rm -rf $(SRC_DEST)
	rm -f $(addprefix $(SBIN)/,$(INSTALL_TOOLS))
	rm -f $(DESTDIR)$(SYSTEMDDIR)/system-generators/dmremap-generator
	rm -f $(foreach m,$(MAN_PAGES),$(MANDIR)/man$(subst .,,$(suffix $(m)))/$(m))
	rm -f $(addprefix $(DESTDIR)$(SYSTEMDDIR)/system/,$(UNITS))
	rm -f $(DESTDIR)$(UDEVDIR)/rules.d/$(UDEV_RULE)

# --- Debian packages -------------------------------------------------------
# make deb: the tracked and new (not ignored) files are copied to
# build/deb/dm-remap-VERSION with the kernel the BPF objects are built
# against linked in, debian/changelog is written from VERSION (the one
# place the version is set), and dpkg-buildpackage builds the binary
# packages into build/deb.
DEB_DIR := $(BUILD)/deb
DEB_SRC := $(DEB_DIR)/dm-remap-$(VERSION)

deb: $(BPF_KERNEL_ENV)
	rm -rf $(DEB_DIR)
	mkdir -p $(DEB_SRC)/build
	git ls-files -z -c -o --exclude-standard | \
		tar --null -T - --ignore-failed-read -cf - 2>/dev/null | tar -xf - -C $(DEB_SRC)
	ln -s $$(readlink -f $(BUILD)/kernel) $(DEB_SRC)/build/kernel
	{ echo "dm-remap ($(VERSION)) unstable; urgency=medium"; echo; \
	  echo "  * dm-remap $(VERSION)."; echo; \
	  echo " -- dm-remap developers <dm-remap@example.org>  $$(git log -1 --format=%aD 2>/dev/null || date -R)"; \
	} >$(DEB_SRC)/debian/changelog
	cd $(DEB_SRC) && dpkg-buildpackage -b -us -uc
	@ls $(DEB_DIR)/*.deb

clean:
	rm -rf $(BUILD)/bpf $(BUILD)/bin $(BUILD)/vm $(BUILD)/6.1 $(BUILD)/6.12 $(BUILD)/unit \
		$(BUILD)/deb $(BUILD)/obj $(VERSION_H)
	-$(MAKE) -C module clean KDIR=$(or $(KDIR),$(RUNNING_KDIR)) 2>/dev/null
