#!/bin/sh
# If the metadata cannot be written the device turns read-only: reads go
# on, writes fail, and what was acknowledged stays.
. /run/vmrun-lib/common.sh

nullb_create main 64 || bail "null_blk main"
nullb_create spare 16 || bail "null_blk spare"
LEN=$(sectors_of /dev/main)
SLEN=$(sectors_of /dev/spare)
echo "0 $SLEN linear /dev/spare 0" | dmsetup create sp || bail "create sp"
echo "0 $LEN remap /dev/main /dev/mapper/sp" | dmsetup create r0 || bail "create r0"
make_ref "$SCRATCH/exp" 2048
write_at /dev/mapper/r0 "$SCRATCH/exp" 0 || bail "initial write"
nullb_badblocks main "+80-87"
write_ref "a first remap commits" /dev/mapper/r0 "$SCRATCH/a" 4 40

# Make the metadata area of the spare fail writes; keep its pool working.
POOL=$(stats_key r0 pool_start)
printf '0 %s error\n%s %s linear /dev/spare %s\n' "$POOL" "$POOL" $((SLEN - POOL)) "$POOL" |
	dmsetup load sp && dmsetup suspend sp && dmsetup resume sp || bail "reload sp"
nullb_badblocks main "+160-167"
make_ref "$SCRATCH/b" 4
check_fails "a write needing a commit fails" write_at /dev/mapper/r0 "$SCRATCH/b" 80
check_eq "mode=ro" ro "$(status_key r0 mode)"
check "the kernel log says why" sh -c "dmesg | grep -q 'device is now read-only'"
check_fails "writes to good blocks fail too" write_at /dev/mapper/r0 "$SCRATCH/b" 1000
# The failed write was never acknowledged; heal its block to read it back.
nullb_badblocks main "-160-167"
check "reads go on, and the acknowledged remap is intact" same_data /dev/mapper/r0 "$SCRATCH/exp" 0
check_eq "remapped=1" 1 "$(status_key r0 remapped)"
check_fails "manual remap refused" dmsetup message r0 0 remap 4000
check "remove" dmsetup remove r0

# With the spare healthy again, the committed state comes back, read-write.
printf '0 %s linear /dev/spare 0\n' "$SLEN" | dmsetup load sp && dmsetup suspend sp && dmsetup resume sp
check "create again" sh -c "echo '0 $LEN remap /dev/main /dev/mapper/sp' | dmsetup create r0"
check_eq "mode=rw" rw "$(status_key r0 mode)"
check_eq "remapped=1" 1 "$(status_key r0 remapped)"
check "data as acknowledged" same_data /dev/mapper/r0 "$SCRATCH/exp" 0
check "remove" sh -c "dmsetup remove r0 && dmsetup remove sp"
finish
