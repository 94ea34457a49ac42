#!/bin/sh
# The breaker: a main device whose writes fail all over while its reads
# still work (an SSD that turned itself read-only; dm-flakey error_writes)
# is not growing bad sectors.  After breaker_blocks blocks within 10 s
# (the module parameter, 256 by default, 16 here) the target stops
# remapping, reports main=offline and keeps serving reads; the next write
# that succeeds brings it back.
. /run/vmrun-lib/common.sh
. /run/vmrun-lib/faults.sh

nullb_create main 64 || bail "null_blk main"
nullb_create spare 16 || bail "null_blk spare"
LEN=$(sectors_of /dev/main)
LINEAR="0 $LEN linear /dev/main 0"
echo "$LINEAR" | dmsetup create ml || bail "create ml"
echo "0 $LEN remap /dev/mapper/ml /dev/spare" | dmsetup create r0 || bail "create r0"
make_ref "$SCRATCH/exp" 2048
write_at /dev/mapper/r0 "$SCRATCH/exp" 0 || bail "initial write"
FREE=$(status_key r0 spare_free)
EV=$(dm_events r0)
echo 16 >/sys/module/dm_remap/parameters/breaker_blocks || bail "set breaker_blocks"

dm_swap ml "0 $LEN flakey /dev/main 0 0 3600 1 error_writes" || bail "writes fail"
make_ref "$SCRATCH/blk" 4
i=0
while [ $i -lt 40 ]; do
	"$DD" if="$SCRATCH/blk" of=/dev/mapper/r0 bs=4096 seek=$((i * 2)) oflag=direct conv=notrunc 2>/dev/null &
	i=$((i + 1))
done
wait
REMAPPED=$(status_key r0 remapped)
check_eq "the breaker stopped remapping at 16 blocks" 16 "$REMAPPED"
check_eq "main=offline" offline "$(status_key r0 main)"
check_eq "offline_reason=breaker" breaker "$(stats_key r0 offline_reason)"
check_eq "spare used only for the remapped blocks" $((FREE - REMAPPED)) "$(status_key r0 spare_free)"
check "a dm event announced it" wait_for events_grew r0 "$EV"
check "reads still work" read_at /dev/mapper/r0 "$SCRATCH/r" 1024 64
sleep 2
check_eq "a read does not end a breaker trip" offline "$(status_key r0 main)"

dm_swap ml "$LINEAR" || bail "writes work again"
write_ref "a write succeeds" /dev/mapper/r0 "$SCRATCH/ok" 4 1536
check "main=ok after a successful write" wait_for key_is r0 main ok
# Blocks that were remapped hold the data the failed-over writes carried.
i=0
while [ $i -lt 40 ]; do
	if dmsetup message r0 0 list | grep -q "^$((i * 2)) "; then
		put_block "$SCRATCH/exp" $((i * 8)) "$SCRATCH/blk"
	fi
	i=$((i + 1))
done
check "every byte is as acknowledged" same_data /dev/mapper/r0 "$SCRATCH/exp" 0
check "remove" sh -c "dmsetup remove r0 && dmsetup remove ml"
finish
