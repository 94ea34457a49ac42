#!/bin/sh
# A 4Kn spare under a 512-byte main: the remap device takes the larger
# logical block size, so a 512-byte write can never land half in a
# 4096-byte spare sector (it used to be accepted and corrupt the block).
. /run/vmrun-lib/common.sh
. /run/vmrun-lib/faults.sh

nullb_create main 64 || bail "null_blk main"
NULLB_BLOCKSIZE=4096 nullb_create spare 16 || bail "4Kn null_blk spare"
check_eq "the spare is 4Kn" 4096 "$(cat /sys/block/spare/queue/logical_block_size)"
LEN=$(sectors_of /dev/main)
check_fails "block_size 512 is refused with a 4Kn spare" \
	sh -c "echo '0 $LEN remap /dev/main /dev/spare 2 block_size 512' | dmsetup create rx"
check "the reason is logged" sh -c "dmesg | grep -q 'smaller than the spare device.s logical block size'"
echo "0 $LEN remap /dev/main /dev/spare" | dmsetup create r0 || bail "create r0"
DM=$(dm_kname r0)
check_eq "r0's logical block size is the spare's" 4096 "$(cat "/sys/block/$DM/queue/logical_block_size")"
check "r0's physical block size is at least 4096" test "$(cat "/sys/block/$DM/queue/physical_block_size")" -ge 4096

make_ref "$SCRATCH/exp" 1024
write_at /dev/mapper/r0 "$SCRATCH/exp" 0 || bail "initial write"
check "remap block 16 by message" dmsetup message r0 0 remap 128
make_ref "$SCRATCH/half" 1
check_fails "a 512-byte direct write is refused" \
	"$DD" if="$SCRATCH/half" of=/dev/mapper/r0 bs=512 count=1 seek=129 oflag=direct conv=notrunc
write_ref "a 4 KiB direct write to the remapped block" /dev/mapper/r0 "$SCRATCH/a" 4 64
check "every byte reads back as written" same_data /dev/mapper/r0 "$SCRATCH/exp" 0

# A bad sector on main is remapped onto the 4Kn spare.
nullb_badblocks main "+2048-2055"
write_ref "a write over a bad sector succeeds" /dev/mapper/r0 "$SCRATCH/b" 4 1024
check_eq "two blocks remapped" 2 "$(status_key r0 remapped)"
check "the data after the remap" same_data /dev/mapper/r0 "$SCRATCH/exp" 0
check "remove and create again" sh -c "dmsetup remove r0 && echo '0 $LEN remap /dev/main /dev/spare' | dmsetup create r0"
check "the data after re-create" same_data /dev/mapper/r0 "$SCRATCH/exp" 0
check "remove" dmsetup remove r0
finish
