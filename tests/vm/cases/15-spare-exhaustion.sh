#!/bin/sh
# When the spare pool is full, new failures pass through and the status says so.
. /run/vmrun-lib/common.sh

remap_setup -s 1 2 block_size 65536
DEVT=$(dm_devt r0)	# the name the target logs
TOTAL=$(status_key r0 spare_total)
check_eq "a 1 MiB spare holds 15 blocks of 64 KiB" 15 "$TOTAL"
# 20 bad blocks of 64 KiB from block 1.  One short range each: 6.1's
# badblocks table breaks on ranges over 512 sectors.
k=1
while [ $k -le 20 ]; do
	nullb_badblocks main "+$((k * 128 + 8))-$((k * 128 + 15))"
	k=$((k + 1))
done
make_ref "$SCRATCH/exp" 1280
make_ref "$SCRATCH/b64" 64
"$DD" if="$SCRATCH/exp" of=/dev/mapper/r0 bs=64K seek=1 oflag=direct conv=notrunc,noerror 2>/dev/null
check_eq "15 blocks remapped" 15 "$(status_key r0 remapped)"
check_eq "spare_free=0" 0 "$(status_key r0 spare_free)"
"$DD" if="$SCRATCH/exp" of="$SCRATCH/a15" bs=1K count=960 2>/dev/null
check "the 15 remapped blocks hold their data" same_data /dev/mapper/r0 "$SCRATCH/a15" 64
check_fails "a write to a 16th bad block fails" write_at /dev/mapper/r0 "$SCRATCH/b64" 1088
check "... and the log says why" logged "$DEVT: no spare block left for block 17: the error goes to the caller"
check_num "write_errors counts the 15 remapped and the 16th" "$(status_key r0 write_errors)" -gt 15
check_eq "mode stays rw" rw "$(status_key r0 mode)"
check_fails "manual remap with no spare left fails" dmsetup message r0 0 remap 4096
check "... and the log says why" logged "$DEVT: remap of sector 4096 failed: -28 (no spare block left)"
make_ref "$SCRATCH/b" 64
check "writes to good blocks still work" write_at /dev/mapper/r0 "$SCRATCH/b" 4096
check "and read back" same_data /dev/mapper/r0 "$SCRATCH/b" 4096
check "remove" dmsetup remove r0
finish
