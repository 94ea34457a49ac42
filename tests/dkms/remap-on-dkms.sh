#!/bin/sh
# Run in the guest by tests/dkms/run, booted with the dm-remap.ko that
# DKMS built (vmrun --module): that file is the one loaded, it reports
# the project's version, and a write failing on main is remapped with it.
#   remap-on-dkms.sh SHA256_OF_THE_DKMS_KO VERSION
. /run/vmrun-lib/common.sh

ko=/lib/modules/$(uname -r)/extra/dm-remap.ko
check_eq "the guest's dm-remap.ko is the one DKMS built" "$1" "$(sha256sum "$ko" | cut -d' ' -f1)"
check_eq "modinfo version" "$2" "$(modinfo -F version "$ko" 2>/dev/null || modinfo "$ko" | sed -n 's/^version: *//p')"
check_eq "the loaded module's version" "$2" "$(cat /sys/module/dm_remap/version)"
check "the target's version" sh -c "dmsetup targets | grep -q '^remap *v$2'"

remap_setup
make_ref "$SCRATCH/exp" 64
write_at /dev/mapper/r0 "$SCRATCH/exp" 0 || bail "initial write"
nullb_badblocks main "+16-23"
write_ref "a write over bad sectors succeeds" /dev/mapper/r0 "$SCRATCH/a" 4 8
check_eq "remapped=1" 1 "$(status_key r0 remapped)"
check "every byte reads back" same_data /dev/mapper/r0 "$SCRATCH/exp" 0
check "remove" dmsetup remove r0
check "rmmod" rmmod dm_remap
finish
