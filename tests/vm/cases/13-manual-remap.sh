#!/bin/sh
# "remap <sector>" moves a block with its data; list and stats report it.
. /run/vmrun-lib/common.sh

remap_setup
make_ref "$SCRATCH/exp" 2048
write_at /dev/mapper/r0 "$SCRATCH/exp" 0 || bail "initial write"

check "remap the block holding sector 1003" dmsetup message r0 0 remap 1003
check_eq "remapped=1" 1 "$(status_key r0 remapped)"
check "list: block 125 on spare block 0" is_output "125 0" dmsetup message r0 0 list
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
check "list from block 200, at most 5" is_output "250 1" dmsetup message r0 0 list 200 5
check "list from block 0, at most 1" is_output "125 0" dmsetup message r0 0 list 0 1
check "list of everything" is_output "125 0
250 1" dmsetup message r0 0 list

dmsetup message r0 0 stats >"$SCRATCH/stats"
check "stats has the status keys and more" has "$SCRATCH/stats" 'remapped=2 .*spare_used=2'

check "clear_stats" dmsetup message r0 0 clear_stats
check_eq "lost_sectors cleared" 0 "$(status_key r0 lost_sectors)"
check_eq "the table is kept" 2 "$(status_key r0 remapped)"

# Each refusal: the message fails, and the log gives its own reason.
DEVT=$(dm_devt r0)	# the name the target logs
log_mark
refused() {	# refused REASON MESSAGE...
	_why=$1
	shift
	check_fails "'$*' refused" dmsetup message r0 0 "$@"
	check "... logged: $_why" logged "$DEVT: $_why"
	log_mark	# the next refusal must log its own line
}
refused "remap: sector $LEN is beyond the device ($LEN sectors)" remap "$LEN"
refused "usage: remap <sector>" remap
refused "usage: remap <sector>" remap 12x
refused "usage: remap <sector>" remap 1 2
refused "usage: remap <sector>" remap 18446744073709551616
refused "usage: list [<first_block> [<max>]]" list abc
refused "usage: list [<first_block> [<max>]]" list 1 2 3
refused "usage: scrub start|stop" scrub
refused "usage: scrub start|stop" scrub go
refused "unsupported message 'stats' with 1 argument(s); try 'help'" stats x
refused "unsupported message 'clear_stats' with 1 argument(s); try 'help'" clear_stats now
check "remove" dmsetup remove r0
check "rmmod after all refusals" rmmod dm_remap
finish
