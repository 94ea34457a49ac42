#!/bin/sh
# dmremap-setup open/close/status with every kind of device name: the
# table points at the same devices whatever the name, and the remaps and
# data written under one name are there under the next.
. /run/vmrun-lib/common.sh
. /run/vmrun-lib/setup.sh

setup_disks || bail "GPT loop disks with a file system"
want="$(mm "$MAIN") $(mm "$SPARE")"
V=$(cat /sys/module/dm_remap/version 2>/dev/null)
check_eq "dmremap-setup -V reports the module's version" "dmremap-setup $V" "$(dmremap-setup -V)"
check "-h shows examples" sh -c "dmremap-setup -h | grep -q 'dmremap-setup open data'"

# 1. paths
check "open by path" dmremap-setup open r1 "$MAIN" "$SPARE"
check "/dev/mapper/r1 is a block device" is_blockdev /dev/mapper/r1
check_eq "table names main and spare" "$want" "$(table_devs r1)"
check_eq "whole blocks of main" "$(( $(sectors_of "$MAIN") / 8 * 8 ))" "$(sectors_of /dev/mapper/r1)"
make_ref "$SCRATCH/ref" 1024
# after the file system's first blocks: UUID= must still find it
check "write 1 MiB at 2 MiB" write_at /dev/mapper/r1 "$SCRATCH/ref" 2048
check "remap the block of sector 4200" dmsetup message r1 0 remap 4200
check "status lists r1 with main and spare" sh -c "dmremap-setup status r1 | grep -q '^r1: main $MAIN .* spare $SPARE'"
check "status -j: one object with the keys" sh -c "dmremap-setup status -j r1 | grep -q '\"name\":\"r1\",\"main\":\"$MAIN\",\"spare\":\"$SPARE\".*\"remapped\":1'"
check "status of every device lists r1" sh -c "dmremap-setup status | grep -q '^r1:'"
check "close" dmremap-setup close r1
check_fails "r1 is gone" dm_exists r1
check_fails "status of a closed device fails" dmremap-setup status r1

# 2..4: each name kind, for main and for spare
reopen() {	# reopen DESC MAIN_SPEC SPARE_SPEC
	check "open by $1" dmremap-setup open r1 "$2" "$3"
	check_eq "$1: same devices in the table" "$want" "$(table_devs r1)"
	check_eq "$1: the remap is back" 1 "$(status_key r1 remapped)"
	check "$1: every byte is back" same_data /dev/mapper/r1 "$SCRATCH/ref" 2048
	check "$1: close" dmremap-setup close r1
}
reopen "UUID= and PARTLABEL=" "UUID=$MAIN_UUID" "PARTLABEL=dmr-spare"
reopen "PARTUUID= and ID=" "PARTUUID=$MAIN_PARTUUID" "ID=test-spare"
reopen "ID= and PARTUUID=" "ID=test-main" "PARTUUID=$SPARE_PARTUUID"
reopen "PARTLABEL= and a by-id path" "PARTLABEL=dmr-main" /dev/disk/by-id/test-spare

# options reach the table line
check "open with options" dmremap-setup open r1 "$MAIN" "$SPARE" no_auto_remap,scrub_rate=512,nofail
check "table has no_auto_remap and scrub_rate 512" sh -c "dmsetup table r1 | grep -q 'no_auto_remap' && dmsetup table r1 | grep -q 'scrub_rate 512'"
check "close" dmremap-setup close r1
check "rmmod" rmmod dm_remap
finish
