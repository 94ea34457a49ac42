#!/bin/sh
# I/O passes through to the main device unchanged, byte for byte.
. /run/vmrun-lib/common.sh

remap_setup
is_blockdev /dev/mapper/r0 || bail "/dev/mapper/r0 is a block device"
check_eq "device size" "$LEN" "$(sectors_of /dev/mapper/r0)"

make_ref "$SCRATCH/ref" 8192
check "write 8 MiB through the target" write_at /dev/mapper/r0 "$SCRATCH/ref" 1024
check "read back through the target" same_data /dev/mapper/r0 "$SCRATCH/ref" 1024
check "the data is on the main device at the same offset" same_data /dev/main "$SCRATCH/ref" 1024
make_ref "$SCRATCH/small" 1
check "unaligned 1 KiB write" write_at /dev/mapper/r0 "$SCRATCH/small" 3
check "unaligned 1 KiB read back" same_data /dev/mapper/r0 "$SCRATCH/small" 3
check "buffered I/O and fsync" "$DD" if="$SCRATCH/ref" of=/dev/mapper/r0 bs=64k conv=fsync
check "buffered data on main" same_data /dev/main "$SCRATCH/ref" 0
check "fio verify, 4 writers" fio --name=v --filename=/dev/mapper/r0 --direct=1 --rw=randwrite \
	--bs=4k --size=8m --numjobs=4 --offset_increment=8m --verify=crc32c --do_verify=1 \
	--group_reporting --minimal
check "remove r0" dmsetup remove r0
finish
