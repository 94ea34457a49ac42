#!/bin/sh
# The tracer's three commands work with a dm-remap.ko whose .BTF section was
# stripped (raw_tp fallback), and fail with a clear error without the module.
. /run/vmrun-lib/common.sh
. /run/vmrun-lib/trace.sh

NOBTF=/lib/modules/$(uname -r)/extra-nobtf/dm-remap.ko
[ -f "$NOBTF" ] || bail "no stripped module at $NOBTF"
rmmod dm_remap || bail "rmmod the BTF module"
insmod "$NOBTF" || bail "insmod the stripped module"
check "the module has no BTF" test ! -e /sys/kernel/btf/dm_remap
check "... and is loaded" test -d /sys/module/dm_remap

nullb_create main 64 || bail "null_blk main"
nullb_create sp 16 || bail "null_blk spare"
LEN=$(sectors_of /dev/main)
echo "0 $(sectors_of /dev/sp) linear /dev/sp 0" | dmsetup create splin || bail "spare linear"
echo "0 $LEN remap /dev/main /dev/mapper/splin" | dmsetup create r0 || bail "create r0"

EV=$SCRATCH/ev.json
LAT=$SCRATCH/lat.json
HANG=$SCRATCH/hang.json
start_tracer "$EV" events -j
EVPID=$TPID
start_tracer "$LAT" latency -j
LATPID=$TPID
start_tracer "$HANG" hang -t 2 -j --sectors
HANGPID=$TPID
check "events fell back to raw_tp" has "$EV.err" '^Tracing dm_remap events (raw_tp)'
check "latency fell back to raw_tp" has "$LAT.err" '^Tracing dm_remap I/O latency (raw_tp)'
check "hang fell back to raw_tp" has "$HANG.err" '^Tracing stalls .* remap I/O via raw_tp'
check "hang looks at held I/O through the kprobe (no fentry without module BTF)" \
	has "$HANG.err" '^Tracing stalls .* held I/O via kprobe'

nullb_badblocks main "+2048-2055"
make_ref "$SCRATCH/a" 4
check "a write over bad sectors succeeds" write_at /dev/mapper/r0 "$SCRATCH/a" 1024
i=0
while [ $i -lt 10 ]; do
	read_at /dev/mapper/r0 "$SCRATCH/rb" 1024 4 && read_at /dev/mapper/r0 "$SCRATCH/rb" 0 4 ||
		break
	i=$((i + 1))
done

# a stall, seen through raw_tp: a second remap write blocked on the
# suspended spare while r0 is suspended
dmsetup suspend splin || bail "suspend spare"
nullb_badblocks main "+4096-4103"
write_at /dev/mapper/r0 "$SCRATCH/a" 2048 &
WRITER=$!
wait_for wq_worker_blocked dm_remap || bail "the remap worker never blocked on the spare"
dmsetup suspend r0 &
SUSPENDER=$!
check_wait "raw_tp: stuck_work remap_worker" \
	has "$HANG" '"event":"stuck_work","function":"remap_worker","module":"dm_remap"'
check_wait "raw_tp: stuck_teardown of r0" has "$HANG" '"event":"stuck_teardown","device":"r0"'
# a write to r0 now waits in dm core, behind r0's unfinished suspend
write_at /dev/mapper/r0 "$SCRATCH/a" 3072 &
HELDW=$!
check_wait "kprobe: that write is stuck_io target held, r0 being suspended" \
	has "$HANG" '"event":"stuck_io","device":"r0",.*"target":"held","count":1,.*"age_exact":true,"sector":6144,"count_exact":true,"suspended":false}'
check_wait "raw_tp: stuck_io of r0 (io_done's trailing id read as ctx[7])" \
	has "$HANG" '"event":"stuck_io","device":"r0",.*"sector":4096'
dmsetup resume splin
waited "the write completes" "$WRITER"
waited "the suspend completes" "$SUSPENDER"
check_wait "raw_tp: all cleared" at_least_lines "$HANG" '"event":"cleared"' 3
check "r0 resumes" dmsetup resume r0
waited "the held write completes" "$HELDW"
check_wait "kprobe: the held write cleared" \
	has "$HANG" '"event":"cleared","stall":"stuck_io","device":"r0","target":"held","count":1'
check "the first remapped block reads back" same_data /dev/mapper/r0 "$SCRATCH/a" 1024
check "the second too" same_data /dev/mapper/r0 "$SCRATCH/a" 2048
check "the held write too" same_data /dev/mapper/r0 "$SCRATCH/a" 3072
check "remove r0" dmsetup remove r0
sleep 1
kill -INT "$EVPID" "$LATPID" "$HANGPID"
waited "events exits" "$EVPID"
waited "latency exits" "$LATPID"
waited "hang exits" "$HANGPID"

check "raw_tp: remap event named r0" has "$EV" '"event":"remap","device":"r0",.*"block":256'
check "raw_tp: io_error event" has "$EV" '"event":"io_error","device":"r0",.*"sector":2048'
check "raw_tp: md_commit event" has "$EV" '"event":"md_commit","device":"r0"'
check "raw_tp: dtr of r0" has "$EV" '"event":"teardown","device":"r0",.*"phase":"dtr","stage":"exit"'
check "raw_tp: read latency on the spare" \
	has "$LAT" '"event":"latency","device":"r0",.*"op":"read","path":"spare","count":[1-9]'
check "raw_tp: read latency on main" \
	has "$LAT" '"event":"latency","device":"r0",.*"op":"read","path":"main","count":[1-9]'
check "raw_tp: md commit latency" has "$LAT" '"event":"md_commit_latency","device":"r0",.*"count":2'

check "remove the spare" dmsetup remove splin
check "rmmod dm_remap" rmmod dm_remap
for cmd in "events -d 1" "latency 1 1" "hang -d 1"; do
	# shellcheck disable=SC2086
	check "$cmd without the module: one clear line, exit 1" sh -c \
		"out=\$(dmremap-trace $cmd 2>&1); rc=\$?; [ \$rc = 1 ] && [ \"\$out\" = 'dmremap-trace: dm_remap is not loaded' ]"
done
check "hang -h works" sh -c "dmremap-trace hang -h | grep -q stuck_teardown"
check "hang -V works" sh -c "dmremap-trace hang -V | grep -q dmremap-trace"
check "a bad threshold is a usage error" sh -c "dmremap-trace hang -t x 2>/dev/null; [ \$? = 2 ]"
check "no warning in the kernel log" kernel_log_clean
show_output "$HANG"
show_output "$HANG.err"
finish
