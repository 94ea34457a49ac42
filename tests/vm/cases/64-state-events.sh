#!/bin/sh
# The target raises a dm event (seen by dmsetup wait and dmeventd) when
# the spare pool first drops below 10%, when it reaches zero, and when the
# device turns read-only because its metadata cannot be written.
. /run/vmrun-lib/common.sh
. /run/vmrun-lib/faults.sh

nullb_create main 64 || bail "null_blk main"
nullb_create spare 1 || bail "null_blk spare"
LEN=$(sectors_of /dev/main)
SLEN=$(sectors_of /dev/spare)
echo "0 $SLEN linear /dev/spare 0" | dmsetup create sp || bail "create sp"
echo "0 $LEN remap /dev/main /dev/mapper/sp 2 block_size 65536" | dmsetup create r0 ||
	bail "create r0"
TOTAL=$(status_key r0 spare_total)
check "a small pool (total $TOTAL)" test "$TOTAL" -ge 10 -a "$TOTAL" -le 20
make_ref "$SCRATCH/exp" 4096
write_at /dev/mapper/r0 "$SCRATCH/exp" 0 || bail "initial write"

# Remap blocks by message until the pool is below 10%: no event before.
EV=$(dm_events r0)
b=0
while [ $(( $(status_key r0 spare_free) * 10 - 10 )) -ge "$TOTAL" ]; do
	dmsetup message r0 0 remap $((b * 128)) || bail "remap block $b"
	b=$((b + 1))
done
check_eq "no event while the pool is above 10%" "$EV" "$(dm_events r0)"
dmsetup message r0 0 remap $((b * 128)) || bail "remap block $b"
b=$((b + 1))
check "an event when spare_free drops below 10% (free $(status_key r0 spare_free) of $TOTAL)" \
	wait_for events_grew r0 "$EV"
EV=$(dm_events r0)
while [ "$(status_key r0 spare_free)" -gt 0 ]; do
	dmsetup message r0 0 remap $((b * 128)) || bail "remap block $b"
	b=$((b + 1))
done
check "an event when spare_free reaches 0" wait_for events_grew r0 "$EV"
check "the kernel log says the pool is exhausted" sh -c "dmesg | grep -q 'spare pool exhausted'"
EV=$(dm_events r0)
check_fails "one more remap fails: no spare left" dmsetup message r0 0 remap $((b * 128))
check_eq "spare_free=0" 0 "$(status_key r0 spare_free)"
sleep 1
check_eq "no second 'exhausted' event" "$EV" "$(dm_events r0)"
check "the data is intact" same_data /dev/mapper/r0 "$SCRATCH/exp" 0

# The read-only latch: a second device whose metadata writes fail.
dmsetup remove r0 && dmsetup remove sp || bail "remove"
nullb_remove spare
nullb_create spare 16 || bail "null_blk spare 16"
SLEN=$(sectors_of /dev/spare)
echo "0 $SLEN linear /dev/spare 0" | dmsetup create sp || bail "create sp"
echo "0 $LEN remap /dev/main /dev/mapper/sp" | dmsetup create r1 || bail "create r1"
POOL=$(stats_key r1 pool_start)
dm_swap sp "$(printf '0 %s error\n%s %s linear /dev/spare %s' "$POOL" "$POOL" $((SLEN - POOL)) "$POOL")" ||
	bail "break the metadata area"
EV=$(dm_events r1)
check_fails "a remap whose commit fails is refused" dmsetup message r1 0 remap 4096
check_eq "mode=ro" ro "$(status_key r1 mode)"
check "a dm event announced read-only (events $EV -> $(dm_events r1))" wait_for events_grew r1 "$EV"
check "dmsetup wait returns for it" timeout 5 dmsetup wait r1 "$EV"
check "remove" sh -c "dmsetup remove r1 && dmsetup remove sp"
finish
