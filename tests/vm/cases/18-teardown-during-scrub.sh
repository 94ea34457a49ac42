#!/bin/sh
# Suspend and removal stop a running scrub promptly; no work outlives them.
. /run/vmrun-lib/common.sh

remap_setup 2 scrub_rate 256
check_eq "scrub running" running "$(status_key r0 scrub)"
sleep 0.5
check "suspend during scrub" dmsetup suspend r0
P1=$(stats_key r0 scrub_pos)
sleep 0.5
check_eq "no scrub reads while suspended" "$P1" "$(stats_key r0 scrub_pos)"
check_eq "the pass is still running" running "$(status_key r0 scrub)"
check "resume" dmsetup resume r0
check "the scrub carries on" wait_for sh -c "[ \$(dmsetup message r0 0 stats | tr ' ' '\n' | sed -n 's/^scrub_pos=//p') -gt $P1 ]"
START=$(date +%s)
check "remove while the scrub runs" dmsetup remove r0
check "removal took under 5 s" test $(($(date +%s) - START)) -lt 5
check "rmmod right after" rmmod dm_remap

# Removal under I/O load while the scrub runs unthrottled.
modprobe dm_remap
echo "0 $LEN remap /dev/main /dev/spare" | dmsetup create r1 || bail "create r1"
dmsetup message r1 0 scrub start
fio --name=l --filename=/dev/mapper/r1 --direct=1 --rw=randrw --bs=4k --size=16m \
	--time_based --runtime=3 >/dev/null 2>&1 &
FIO=$!
sleep 1
check "suspend under load and scrub" dmsetup suspend r1
check "resume" dmsetup resume r1
wait $FIO
check "remove" dmsetup remove r1
check "rmmod" rmmod dm_remap
finish
