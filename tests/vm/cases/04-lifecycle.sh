#!/bin/sh
# Suspend/resume, reload, remove and rmmod keep data and leave nothing.
. /run/vmrun-lib/common.sh

remap_setup
make_ref "$SCRATCH/ref" 4096
write_at /dev/mapper/r0 "$SCRATCH/ref" 0 || bail "initial write"

check "suspend" dmsetup suspend r0
check "state is suspended" sh -c "dmsetup info r0 | grep -q 'State: *SUSPENDED'"
check "resume" dmsetup resume r0
check "data intact after suspend/resume" same_data /dev/mapper/r0 "$SCRATCH/ref" 0

# I/O in flight while suspending: fio keeps writing across 5 suspend cycles.
fio --name=load --filename=/dev/mapper/r0 --direct=1 --rw=randwrite --bs=4k \
	--size=16m --offset=16m --time_based --runtime=6 --ioengine=psync >/dev/null 2>&1 &
FIO=$!
sleep 1
i=0
while [ $i -lt 5 ]; do
	dmsetup suspend r0 && dmsetup resume r0 || not_ok "suspend/resume cycle $i under load"
	i=$((i + 1))
done
if wait $FIO; then ok "fio under suspend/resume cycles finished cleanly"; else not_ok "fio under suspend/resume cycles"; fi
check "data intact after cycles under load" same_data /dev/mapper/r0 "$SCRATCH/ref" 0

# Reload: a new table is loaded while the old one is live.
check_fails "a reload with another block_size is refused" sh -c "echo '0 $LEN remap /dev/main /dev/spare 2 block_size 8192' | dmsetup load r0"
check "... because the spare was formatted with 4096" sh -c "dmesg | grep -q 'block_size differs from the one the spare was formatted with'"
check "load a new table (no_auto_remap)" sh -c "echo '0 $LEN remap /dev/main /dev/spare 3 block_size 4096 no_auto_remap' | dmsetup load r0"
check "resume into the new table" dmsetup resume r0
check "the new table is live" sh -c "dmsetup table r0 | grep -q 'no_auto_remap'"
check "data intact after reload" same_data /dev/mapper/r0 "$SCRATCH/ref" 0
check "reload the same table again" sh -c "echo '$TABLE' | dmsetup reload r0 && dmsetup resume r0"

check "remove" dmsetup remove r0
check "main is no longer held" sh -c '[ -z "$(ls /sys/block/main/holders)" ]'
check "recreate" sh -c "echo '$TABLE' | dmsetup create r0"
check "data intact after remove/create" same_data /dev/mapper/r0 "$SCRATCH/ref" 0
check "remove while suspended" sh -c "dmsetup suspend r0 && dmsetup remove r0"
check "rmmod after removal" rmmod dm_remap
check "modprobe again" modprobe dm_remap
check "create after modprobe" sh -c "echo '$TABLE' | dmsetup create r0"
check "data intact after rmmod/modprobe" same_data /dev/mapper/r0 "$SCRATCH/ref" 0
check "final remove" dmsetup remove r0
check "final rmmod" rmmod dm_remap
finish
