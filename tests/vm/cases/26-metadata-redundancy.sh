#!/bin/sh
# The spare is a disk too: every metadata block in use (both superblock
# slots, every table block of both copies), made unreadable on its own
# with null_blk badblocks, or overwritten with garbage, must neither lose a
# remap nor stop the device from loading.  The kernel log names the damaged
# copy, dmremap-meta check calls it repairable (exit 4), and the next
# commit rewrites it (check clean again).  Both copies of a table block
# unreadable: the table is refused, naming the entry.
. /run/vmrun-lib/common.sh

remap_setup
SLEN=$(sectors_of /dev/spare)
# 2 MiB of data, whose first 260 blocks fail on main when written, so that
# they are remapped: table blocks 0 and 1 of each copy in use.  That many
# blocks failing within seconds would trip the outage breaker (256 blocks in
# 10 s by default): this case is about the metadata, so the breaker is off.
echo 0 >/sys/module/dm_remap/parameters/breaker_blocks || bail "breaker_blocks=0"
make_ref "$SCRATCH/exp" 2048
write_at /dev/mapper/r0 "$SCRATCH/exp" 0 || bail "initial write"
b=0
while [ $b -lt 260 ]; do
	nullb_badblocks main "+$((b * 8))-$((b * 8 + 7))"
	b=$((b + 1))
done
T0=$(date +%s)
k=0
while [ $k -lt 260 ]; do
	n=32
	[ $((k + n)) -gt 260 ] && n=$((260 - k))
	"$DD" if="$SCRATCH/exp" of=/dev/mapper/r0 bs=4096 skip=$k seek=$k count=$n \
		oflag=direct conv=notrunc 2>/dev/null || bail "rewrite of blocks $k.. failed"
	k=$((k + n))
done
b=0
while [ $b -lt 260 ]; do
	nullb_badblocks main "-$((b * 8))-$((b * 8 + 7))"
	b=$((b + 1))
done
echo "# 260 remaps in $(($(date +%s) - T0)) s"
check_eq "260 blocks remapped" 260 "$(status_key r0 remapped)"
TB=$(stats_key r0 table_blocks)
echo "# spare $SLEN sectors, $TB table blocks per copy"
[ -n "$TB" ] || bail "table_blocks from stats"
dmsetup remove r0 || bail "remove r0"
check "dmremap-meta check: consistent" dmremap-meta check /dev/spare

NEXT=260	# the block the next remap (a commit) moves

# loaded_intact WHAT: r0 loads with every remap and the data as written.
loaded_intact() {
	check "$1: the device loads" sh -c "echo '$TABLE' | dmsetup create r0"
	check_eq "$1: every remap is there" "$LIST" "$(dmsetup message r0 0 list)"
	check "$1: data intact, byte for byte" same_data /dev/mapper/r0 "$SCRATCH/exp" 0
}

# repaired WHAT: one more remap commits (r0 is loaded); afterwards the
# metadata checks clean and holds that remap too.
repaired() {
	check "$1: a remap commits" dmsetup message r0 0 remap $((NEXT * 8))
	NEXT=$((NEXT + 1))
	LIST=$(dmsetup message r0 0 list)
	check "$1: data intact after the commit" same_data /dev/mapper/r0 "$SCRATCH/exp" 0
	dmsetup remove r0
	check "$1: check is clean after the commit" dmremap-meta check /dev/spare
}

# damaged WHAT LOGLINE CHECKLINE: the kernel log and the tool name the copy.
damaged() {
	check "$1: the kernel log names it" log_has -F "$2"
	dmremap-meta check /dev/spare >"$SCRATCH/check.out" 2>&1
	check_eq "$1: check calls it repairable (exit 4)" 4 "$?"
	check "$1: check names it" grep -F -q "$3" "$SCRATCH/check.out"
}

check "create again" sh -c "echo '$TABLE' | dmsetup create r0"
LIST=$(dmsetup message r0 0 list)
check_eq "the list has 260 lines" 260 "$(echo "$LIST" | wc -l)"
dmsetup remove r0

# Every block in use: slots A, B; table blocks 0, 1 of copies A and B.
for what in "slot A:0" "slot B:1" "copy A 0:2" "copy A 1:3" \
	"copy B 0:$((2 + TB))" "copy B 1:$((3 + TB))"; do
	name=${what%:*}
	blk=${what#*:}
	case $name in
	slot*)
		log="superblock slot ${name#slot } (metadata block $blk)"
		tool="superblock slot ${name#slot } (block $blk) is damaged" ;;
	copy*)
		t=${name##* }
		c=${name#copy }
		c=${c%% *}
		log="table copy $c block $t (metadata block $blk)"
		tool="table copy $c block $t (metadata block $blk) is unreadable" ;;
	esac
	first=$((blk * 8))
	nullb_badblocks spare "+$first-$((first + 7))"
	log_mark
	loaded_intact "$name unreadable"
	damaged "$name unreadable" "$log" "$tool"
	# Healed under the live device: the commit rewrites what the load found.
	nullb_badblocks spare "-$first-$((first + 7))"
	repaired "$name unreadable"
done

# Garbage instead of a bad sector: slot B and table block 1 of copy A.
for what in "slot B:1" "copy A 1:3"; do
	name=${what%:*}
	blk=${what#*:}
	"$DD" if=/dev/urandom of=/dev/spare bs=4096 seek="$blk" count=1 oflag=direct \
		conv=notrunc 2>/dev/null || bail "overwrite block $blk"
	log_mark
	case $name in
	slot*) log="superblock slot B (metadata block 1)"; tool="slot B (block 1) is damaged" ;;
	*) log="table copy A block 1 (metadata block 3)"; tool="table copy A block 1 (metadata block 3) has" ;;
	esac
	loaded_intact "$name corrupt"
	damaged "$name corrupt" "$log" "$tool"
	repaired "$name corrupt"
done

# Both copies of table block 0 unreadable: remaps are lost, the table is refused.
nullb_badblocks spare "+16-23"
nullb_badblocks spare "+$(((2 + TB) * 8))-$(((2 + TB) * 8 + 7))"
log_mark
check_fails "both copies unreadable: the table is refused" sh -c "echo '$TABLE' | dmsetup create r0"
check "... naming the entry" log_has 'remap table entry 0 is corrupt or unreadable in both copies'
dmsetup remove r0 2>/dev/null
check_fails "... and check fails" dmremap-meta check -q /dev/spare
nullb_badblocks spare "-16-23"
nullb_badblocks spare "-$(((2 + TB) * 8))-$(((2 + TB) * 8 + 7))"
check "healed: loads again" sh -c "echo '$TABLE' | dmsetup create r0"
check_eq "with every remap" "$LIST" "$(dmsetup message r0 0 list)"
check "remove" dmsetup remove r0
check "rmmod" rmmod dm_remap
finish
