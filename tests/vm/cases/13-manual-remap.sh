#!/bin/sh
# "remap <sector>" moves a block with its data; list and stats report it.
. /run/vmrun-lib/common.sh

remap_setup
make_ref "$SCRATCH/exp" 2048
write_at /dev/mapper/r0 "$SCRATCH/exp" 0 || bail "initial write"

check "remap the block holding sector 1003" dmsetup message r0 0 remap 1003
check_eq "remapped=1" 1 "$(status_key r0 remapped)"
check "list: block 125 on spare block 0" sh -c "dmsetup message r0 0 list | grep -qx '125 0'"
check "data kept" same_data /dev/mapper/r0 "$SCRATCH/exp" 0
# Prove reads come from the spare: scribble over main's copy.
make_ref "$SCRATCH/junk" 4
write_at /dev/main "$SCRATCH/junk" 500
check "reads of block 125 come from the spare" same_data /dev/mapper/r0 "$SCRATCH/exp" 0
check "remapping it again is a no-op" dmsetup message r0 0 remap 1000
check_eq "still remapped=1" 1 "$(status_key r0 remapped)"

# A block with unreadable sectors: what can be read is kept.
nullb_badblocks main "+2001-2002"	# block 250, KiB 1000-1003
check "remap a block with 2 bad sectors" dmsetup message r0 0 remap 2000
check_eq "2 sectors lost" 2 "$(status_key r0 lost_sectors)"
"$DD" if=/dev/zero of="$SCRATCH/exp" bs=512 seek=2001 count=2 conv=notrunc 2>/dev/null
check "readable sectors kept, lost ones zero" same_data /dev/mapper/r0 "$SCRATCH/exp" 0
check "list from block 200, at most 5" sh -c "[ \"\$(dmsetup message r0 0 list 200 5)\" = '250 1' ]"
check "list of everything" sh -c "[ \"\$(dmsetup message r0 0 list | tr '\n' ,)\" = '125 0,250 1,' ]"

check "stats has the status keys and more" sh -c "dmsetup message r0 0 stats | grep -q 'remapped=2 .*spare_used=2'"
check "clear_stats" dmsetup message r0 0 clear_stats
check_eq "lost_sectors cleared" 0 "$(status_key r0 lost_sectors)"
check_eq "the table is kept" 2 "$(status_key r0 remapped)"

check_fails "remap beyond the device" dmsetup message r0 0 remap $LEN
check_fails "remap without a sector" dmsetup message r0 0 remap
check_fails "remap of a non-number" dmsetup message r0 0 remap 12x
check_fails "remap with two sectors" dmsetup message r0 0 remap 1 2
check_fails "list with a bad number" dmsetup message r0 0 list abc
check_fails "list with too many arguments" dmsetup message r0 0 list 1 2 3
check_fails "scrub without a verb" dmsetup message r0 0 scrub
check_fails "scrub with a bad verb" dmsetup message r0 0 scrub go
check_fails "stats with an argument" dmsetup message r0 0 stats x
check "each refusal is logged" sh -c "dmesg | grep -q 'usage: remap <sector>'"
check "remove" dmsetup remove r0
check "rmmod after all refusals" rmmod dm_remap
finish
