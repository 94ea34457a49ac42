#!/bin/sh
# A read that fails twice reports the error (never made-up data) and marks
# the block pending; the next write remaps it.
. /run/vmrun-lib/common.sh

remap_setup
make_ref "$SCRATCH/exp" 1024
write_at /dev/mapper/r0 "$SCRATCH/exp" 0 || bail "initial write"

nullb_badblocks main "+800-807"	# block 100, KiB 400-403
check_fails "reading a bad block fails" read_at /dev/mapper/r0 "$SCRATCH/x" 400 4
check_eq "pending=1" 1 "$(status_key r0 pending)"
check_eq "read_errors=1 (the retry is not counted twice)" 1 "$(status_key r0 read_errors)"
check_fails "it still fails: no data is made up" read_at /dev/mapper/r0 "$SCRATCH/x" 400 4
check_eq "still pending=1" 1 "$(status_key r0 pending)"
"$DD" if="$SCRATCH/exp" of="$SCRATCH/head" bs=1K count=400 2>/dev/null
check "the blocks before it still read" same_data /dev/mapper/r0 "$SCRATCH/head" 0

write_ref "a write to the pending block succeeds" /dev/mapper/r0 "$SCRATCH/a" 4 400
check_eq "pending=0" 0 "$(status_key r0 pending)"
check_eq "remapped=1" 1 "$(status_key r0 remapped)"
check "the whole range reads back" same_data /dev/mapper/r0 "$SCRATCH/exp" 0

# A partial write to a pending block: the unreadable rest is zero-filled
# and counted as lost.
nullb_badblocks main "+1600-1607"	# block 200, KiB 800-803
check_fails "read block 200 fails" read_at /dev/mapper/r0 "$SCRATCH/x" 800 4
make_ref "$SCRATCH/b" 1
check "a 1 KiB write to the pending block succeeds" write_at /dev/mapper/r0 "$SCRATCH/b" 801
zero_ref "$SCRATCH/z" 4
put_block "$SCRATCH/exp" 800 "$SCRATCH/z"
put_block "$SCRATCH/exp" 801 "$SCRATCH/b"
check_eq "6 sectors lost" 6 "$(status_key r0 lost_sectors)"
check "block 200: zeroes around the new data" same_data /dev/mapper/r0 "$SCRATCH/exp" 0

# no_auto_remap: pending blocks wait for a manual remap.
echo "0 $LEN remap /dev/main /dev/spare 1 no_auto_remap" | dmsetup reload r0 && dmsetup resume r0
nullb_badblocks main "+2400-2407"	# block 300, KiB 1200
check_fails "read block 300 fails" read_at /dev/mapper/r0 "$SCRATCH/x" 1200 4
make_ref "$SCRATCH/c" 4
check_fails "with no_auto_remap the write to it fails" write_at /dev/mapper/r0 "$SCRATCH/c" 1200
check_eq "block 300 is still pending" 1 "$(status_key r0 pending)"
check "remap it by message" dmsetup message r0 0 remap 2400
check_eq "pending=0 after the manual remap" 0 "$(status_key r0 pending)"
check "now the write succeeds" write_at /dev/mapper/r0 "$SCRATCH/c" 1200
check "and reads back" same_data /dev/mapper/r0 "$SCRATCH/c" 1200
check "remove" dmsetup remove r0

# The bound: past max_pending unreadable blocks, reads still fail but the
# failures are only counted (pending_dropped); the writes still work.
P=/sys/module/dm_remap/parameters/max_pending
check_eq "max_pending defaults to 65536" 65536 "$(cat $P)"
echo 2 >$P || bail "set max_pending"
echo "$TABLE" | dmsetup create r0 || bail "create r0 again"
nullb_badblocks main "+3200-3207"	# blocks 400, 500, 600: KiB 1600, 2000, 2400
nullb_badblocks main "+4000-4007"
nullb_badblocks main "+4800-4807"
for kib in 1600 2000 2400; do
	check_fails "reading the bad block at KiB $kib fails" read_at /dev/mapper/r0 "$SCRATCH/x" $kib 4
done
check_eq "pending=2: the bound" 2 "$(status_key r0 pending)"
check_eq "pending_dropped=1" 1 "$(stats_key r0 pending_dropped)"
check_fails "the dropped block still fails its reads" read_at /dev/mapper/r0 "$SCRATCH/x" 2400 4
check_eq "each read failed past the bound is counted: pending_dropped=2" 2 "$(stats_key r0 pending_dropped)"
check_fails "a pending block fails its reads too" read_at /dev/mapper/r0 "$SCRATCH/x" 1600 4
check_eq "it is remembered, not dropped: pending_dropped=2" 2 "$(stats_key r0 pending_dropped)"
make_ref "$SCRATCH/d" 12
for kib in 1600 2000 2400; do
	"$DD" if="$SCRATCH/d" of="$SCRATCH/d$kib" bs=1024 skip=$(((kib - 1600) / 100)) count=4 2>/dev/null
	check "a write to KiB $kib succeeds (remapped)" write_at /dev/mapper/r0 "$SCRATCH/d$kib" $kib
	check "and reads back" same_data /dev/mapper/r0 "$SCRATCH/d$kib" $kib
done
check_eq "pending=0" 0 "$(status_key r0 pending)"
echo 65536 >$P
check "remove" dmsetup remove r0
finish
