#!/bin/sh
# Bios over several remap blocks.  A range with nothing remapped, pending
# or being moved reaches main as one bio (no split per block); a range
# that holds a remapped block is split where it begins; a multi-block
# write that fails is redone block by block, so only the failing block is
# remapped; a multi-block read that fails marks only the failing block
# pending.  Data compared byte for byte throughout.
. /run/vmrun-lib/common.sh
. /run/vmrun-lib/faults.sh

T=/sys/kernel/tracing
remap_setup
make_ref "$SCRATCH/exp" 4096
write_at /dev/mapper/r0 "$SCRATCH/exp" 0 || bail "initial write"

echo 1 >"$T/events/dm_remap/dm_remap_io_start/enable" || bail "enable io_start"
echo >"$T/trace"
check "a 1 MiB direct read" "$DD" if=/dev/mapper/r0 of=/dev/null bs=1M count=1 iflag=direct
check "it reached the target as one 2048-sector bio" sh -c "grep -q ' read 0 + 2048 path=main' $T/trace"
check_eq "not one bio per block" 0 "$(grep -c ' read [0-9]* + 8 path=main' "$T/trace")"

# A remapped block inside the range: split where it begins.
check "remap block 100 by message" dmsetup message r0 0 remap 800
echo >"$T/trace"
check "a 1 MiB direct read over the remapped block" \
	"$DD" if=/dev/mapper/r0 of="$SCRATCH/one" bs=1M count=1 iflag=direct
"$DD" if="$SCRATCH/exp" of="$SCRATCH/exp1" bs=1M count=1 2>/dev/null
check "it read the right data" cmp "$SCRATCH/exp1" "$SCRATCH/one"
check "the part before it went whole to main" sh -c "grep -q ' read 0 + 800 path=main' $T/trace"
check "the remapped block went to the spare" sh -c "grep -q ' read 800 + 8 path=spare' $T/trace"
echo 0 >"$T/events/dm_remap/dm_remap_io_start/enable"

write_ref "a 64 KiB write over the remapped block" /dev/mapper/r0 "$SCRATCH/w" 64 384
check "the data after it" same_data /dev/mapper/r0 "$SCRATCH/exp" 0

# A 64 KiB write (blocks 256-271) fails on main at block 260 only.
nullb_badblocks main "+2080-2087"
write_ref "a 64 KiB write with one bad block inside succeeds" /dev/mapper/r0 "$SCRATCH/a" 64 1024
check_eq "two blocks remapped: 100 and 260 only" "100 0
260 1" "$(dmsetup message r0 0 list)"
check_eq "nothing lost" 0 "$(status_key r0 lost_sectors)"
check "every byte reads back" same_data /dev/mapper/r0 "$SCRATCH/exp" 0

# A 64 KiB read (blocks 512-527) fails at block 520 only: pending=1.
nullb_badblocks main "+4160-4167"
check_fails "a 64 KiB read over a bad block fails" read_at /dev/mapper/r0 "$SCRATCH/r" 2048 64
check_eq "only block 520 is pending" 1 "$(status_key r0 pending)"
write_ref "a 64 KiB write over the pending block succeeds" /dev/mapper/r0 "$SCRATCH/b" 64 2048
check "block 520 was remapped" sh -c "dmsetup message r0 0 list | grep -qx '520 2'"
check_eq "nothing pending" 0 "$(status_key r0 pending)"
check_eq "three blocks remapped" 3 "$(status_key r0 remapped)"
nullb_badblocks main "-2080-2087"
nullb_badblocks main "-4160-4167"
check "every byte reads back" same_data /dev/mapper/r0 "$SCRATCH/exp" 0
check "remove and create again" sh -c "dmsetup remove r0 && echo '$TABLE' | dmsetup create r0"
check "every byte after re-create" same_data /dev/mapper/r0 "$SCRATCH/exp" 0
check "remove" dmsetup remove r0
finish
