#!/bin/sh
# The scrub finds unreadable blocks and marks them pending; writes heal them.
. /run/vmrun-lib/common.sh

remap_setup
nullb_badblocks main "+8000-8000"	# block 1000
nullb_badblocks main "+40000-40007"	# block 5000
nullb_badblocks main "+120000-120003"	# block 15000
check_eq "scrub is idle" idle "$(status_key r0 scrub)"
check "scrub start" dmsetup message r0 0 scrub start
check "the scrub finishes" wait_for sh -c "dmsetup status r0 | grep -q scrub=done"
check_eq "3 blocks pending" 3 "$(status_key r0 pending)"
check_eq "scrub_found=3" 3 "$(stats_key r0 scrub_found)"
make_ref "$SCRATCH/a" 4
check "write to a found block" write_at /dev/mapper/r0 "$SCRATCH/a" 20000
check "it reads back" same_data /dev/mapper/r0 "$SCRATCH/a" 20000
check_eq "2 still pending" 2 "$(status_key r0 pending)"
check "scrub stop when done is fine" dmsetup message r0 0 scrub stop
dmsetup remove r0

# scrub_rate starts a throttled pass by itself; stop halts it.
T0=$(now-ns)
echo "0 $LEN remap /dev/main /dev/spare 2 scrub_rate 512" | dmsetup create r1 || bail "create r1"
check_eq "a scrub_rate starts a pass" running "$(status_key r1 scrub)"
sleep 1
POS=$(stats_key r1 scrub_pos)
MS=$((($(now-ns) - T0) / 1000000))
# 512 KiB/s is 51.2 KiB (12.8 blocks of 4 KiB) per 100 ms tick: in MS ms at most
# MS / 100 + 2 ticks (the first at once, one partly elapsed), whatever the
# kernel's speed (a fixed count after "1 s" failed on the debug kernel,
# where the create and the status calls took seconds).
MAX=$((13 * (MS / 100 + 2)))
check "it progresses, throttled to 512 KiB/s (pos $POS blocks after $MS ms, at most $MAX)" \
	test "$POS" -gt 0 -a "$POS" -le "$MAX"
check "scrub stop" dmsetup message r1 0 scrub stop
check_eq "scrub is idle after stop" idle "$(status_key r1 scrub)"
P1=$(stats_key r1 scrub_pos)
sleep 0.5
check_eq "it stays stopped" "$P1" "$(stats_key r1 scrub_pos)"
check "remove" dmsetup remove r1
finish
