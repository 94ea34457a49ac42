#!/bin/sh
# Flushes and FUA reach both devices.  A write-back spare under a
# write-through main: the remap device must advertise a write cache and
# FUA, and an fsync after writing a remapped block must flush the spare.
# (Reporting only main to dm core let the block layer drop every flush.)
. /run/vmrun-lib/common.sh
. /run/vmrun-lib/faults.sh

nullb_create main 64 || bail "null_blk main"
NULLB_CACHE_MIB=8 nullb_create spare 16 || bail "null_blk spare with a cache"
check_eq "main is write-through" "write through" "$(cat /sys/block/main/queue/write_cache)"
check_eq "the spare has a write-back cache" "write back" "$(cat /sys/block/spare/queue/write_cache)"
LEN=$(sectors_of /dev/main)
echo "0 $LEN remap /dev/main /dev/spare" | dmsetup create r0 || bail "create r0"
DM=$(dm_kname r0)
check_eq "r0 advertises a write-back cache" "write back" "$(cat "/sys/block/$DM/queue/write_cache")"
check_eq "r0 advertises FUA" 1 "$(cat "/sys/block/$DM/queue/fua")"
check "dmsetup deps lists both devices" sh -c "dmsetup deps r0 | grep -q '2 dependencies'"

make_ref "$SCRATCH/exp" 1024
write_at /dev/mapper/r0 "$SCRATCH/exp" 0 || bail "initial write"
check "remap block 16 (sector 128) by message" dmsetup message r0 0 remap 128

# An O_DSYNC write into the remapped block, then fsync.
make_ref "$SCRATCH/a" 4
F0=$(flushes_of spare)
check "an O_DSYNC write + fsync to the remapped block" \
	"$DD" if="$SCRATCH/a" of=/dev/mapper/r0 bs=4096 seek=16 oflag=direct,dsync conv=notrunc,fsync
F1=$(flushes_of spare)
put_block "$SCRATCH/exp" 64 "$SCRATCH/a"
check "the spare saw a flush (flushes $F0 -> $F1)" test "$F1" -gt "$F0"
check "the data reads back" same_data /dev/mapper/r0 "$SCRATCH/exp" 0

# A plain fsync of the device flushes the spare too (empty flush bio).
F0=$(flushes_of spare)
check "sync of the remap device" "$DD" if=/dev/null of=/dev/mapper/r0 conv=notrunc,fsync
F1=$(flushes_of spare)
check "an empty flush reached the spare (flushes $F0 -> $F1)" test "$F1" -gt "$F0"
check "remove" dmsetup remove r0
finish
