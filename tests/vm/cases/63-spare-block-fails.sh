#!/bin/sh
# The spare is a disk too.  A write to a remapped block whose spare block
# fails moves the block to a new spare block, its content rebuilt from the
# old one; the failed spare block is never handed out again.  A read error
# on a spare block marks the block pending and the next write moves it.
. /run/vmrun-lib/common.sh
. /run/vmrun-lib/faults.sh

remap_setup
make_ref "$SCRATCH/exp" 1024
write_at /dev/mapper/r0 "$SCRATCH/exp" 0 || bail "initial write"
check "remap block 2 by message" dmsetup message r0 0 remap 16
check_eq "block 2 is on spare block 0" "2 0" "$(dmsetup message r0 0 list)"
POOL=$(stats_key r0 pool_start)

# Sectors 2-3 of spare block 0 go bad; a 1 KiB write covers them exactly.
nullb_badblocks spare "+$((POOL + 2))-$((POOL + 3))"
write_ref "a write over the failing spare sectors succeeds" /dev/mapper/r0 "$SCRATCH/a" 1 9
check_eq "block 2 moved to spare block 1" "2 1" "$(dmsetup message r0 0 list)"
check_eq "still one remapped block" 1 "$(status_key r0 remapped)"
check_eq "nothing lost: the rest came from the old spare block" 0 "$(status_key r0 lost_sectors)"
check "every byte reads back" same_data /dev/mapper/r0 "$SCRATCH/exp" 0

# The failed spare block is never handed out again, even after a reload.
nullb_badblocks spare "-$((POOL + 2))-$((POOL + 3))"
check "remove and create again" sh -c "dmsetup remove r0 && echo '$TABLE' | dmsetup create r0"
check_eq "the move survived" "2 1" "$(dmsetup message r0 0 list)"
check "remap block 100" dmsetup message r0 0 remap 800
check "block 100 got spare block 2, not the failed 0" \
	sh -c "dmsetup message r0 0 list | grep -qx '100 2'"
make_ref "$SCRATCH/b" 4
write_at /dev/mapper/r0 "$SCRATCH/b" 400 || bail "write block 100"
put_block "$SCRATCH/exp" 400 "$SCRATCH/b"

# A read error on spare block 1 (block 2): the read fails, the block is
# pending, and a full-block write moves it.
nullb_badblocks spare "+$((POOL + 8))-$((POOL + 15))"
check_fails "a read of block 2 fails (never made-up data)" read_at /dev/mapper/r0 "$SCRATCH/r" 8 4
check_eq "block 2 is pending" 1 "$(status_key r0 pending)"
write_ref "a full-block write to block 2 succeeds" /dev/mapper/r0 "$SCRATCH/c" 4 8
check "block 2 moved to spare block 3" sh -c "dmsetup message r0 0 list | grep -qx '2 3'"
check_eq "nothing pending" 0 "$(status_key r0 pending)"
check "every byte reads back" same_data /dev/mapper/r0 "$SCRATCH/exp" 0

# A spare that stops answering burns no spare blocks: its superblocks and
# block 100's spare block fail (null_blk takes short bad ranges only).
FREE=$(status_key r0 spare_free)
nullb_badblocks spare "+0-15"
nullb_badblocks spare "+$((POOL + 16))-$((POOL + 23))"
make_ref "$SCRATCH/d" 4
check_fails "a write to a remapped block fails while the spare is dead" write_at /dev/mapper/r0 "$SCRATCH/d" 400
check_eq "no spare block burnt" "$FREE" "$(status_key r0 spare_free)"
nullb_badblocks spare "-0-15"
nullb_badblocks spare "-$((POOL + 16))-$((POOL + 23))"
check "every byte is still there" same_data /dev/mapper/r0 "$SCRATCH/exp" 0
check "remove" dmsetup remove r0
finish
