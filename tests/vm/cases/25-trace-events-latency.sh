#!/bin/sh
# dmremap-trace events shows a remap, its I/O error and metadata commit and
# a whole teardown sequence with the device's name; dmremap-trace latency
# gives non-empty histograms after fio load, split between main and spare
# (a remapped block is read from the spare), with Prometheus-ready bounds.
. /run/vmrun-lib/common.sh
. /run/vmrun-lib/trace.sh

remap_setup
is_blockdev /dev/mapper/r0 || bail "no /dev/mapper/r0"

EV=$SCRATCH/events.json
LAT=$SCRATCH/latency.json
start_tracer "$EV" events -j -v
EVPID=$TPID
start_tracer "$LAT" latency -j -v
LATPID=$TPID
# The "Tracing" line names the attach type really used (libbpf's -v log
# names both section kinds for every program).
check "events attached with tp_btf" has "$EV.err" '^Tracing dm_remap events (tp_btf)'
check "latency attached with tp_btf" has "$LAT.err" '^Tracing dm_remap I/O latency (tp_btf)'

# a remap: block 256 (sectors 2048-2055) fails on main
nullb_badblocks main "+2048-2055"
make_ref "$SCRATCH/a" 4
check "a write over bad sectors succeeds" write_at /dev/mapper/r0 "$SCRATCH/a" 1024
# load: random I/O over the first 2 MiB, plus reads of the remapped block
# (a fixed amount, 512 I/Os of 4 KiB, not a time: the debug kernel does
# about 40 in 3 s)
check "fio load" fio --name=load --filename=/dev/mapper/r0 --rw=randrw --bs=4k --direct=1 \
	--ioengine=psync --size=2M --output=/dev/null
i=0
while [ $i -lt 20 ]; do
	read_at /dev/mapper/r0 "$SCRATCH/rb" 1024 4 || break
	i=$((i + 1))
done
check_eq "20 reads of the remapped block" 20 $i
check "a write to the remapped block (served by the spare)" write_at /dev/mapper/r0 "$SCRATCH/a" 1024
check "remove r0 (teardown sequence)" dmsetup remove r0
sleep 1
kill -INT "$EVPID" "$LATPID"
waited "events exits cleanly" "$EVPID"
waited "latency exits cleanly (one report at SIGINT)" "$LATPID"

check "io_error event: r0, main, write, sector 2048" \
	has "$EV" '"event":"io_error","device":"r0",.*"target":"main","op":"write","sector":2048,"nr_sectors":8,"error":-5,"errno":"EIO"'
check "remap event: r0, block 256, write_error" \
	has "$EV" '"event":"remap","device":"r0",.*"block":256,"spare_block":0,"reason":"write_error"'
check "md_commit event: r0, one entry, no error" \
	has "$EV" '"event":"md_commit","device":"r0",.*"entries":1,.*"error":0'
check_eq "the removal's teardown sequence, named r0" \
	"presuspend:enter presuspend:exit postsuspend:enter postsuspend:exit dtr:enter dtr:exit " \
	"$(grep '"event":"teardown","device":"r0"' "$EV" |
		sed 's/.*"phase":"\([a-z_]*\)".*"stage":"\([a-z]*\)".*/\1:\2/' | tr '\n' ' ')"
check "no per-I/O events in the event stream" lacks "$EV" '"event":"io_done"'

count_of() {	# count_of PATTERN: the "count" of the latency line matching PATTERN
	grep "$1" "$LAT" | head -n 1 | sed 's/.*"count":\([0-9]*\),"sum_ns".*/\1/'
}
W_MAIN=$(count_of '"event":"latency","device":"r0",.*"op":"write","path":"main"')
R_MAIN=$(count_of '"event":"latency","device":"r0",.*"op":"read","path":"main"')
R_SPARE=$(count_of '"event":"latency","device":"r0",.*"op":"read","path":"spare"')
check_num "write latency on main is non-empty" "$W_MAIN" -gt 100
check_num "read latency on main is non-empty" "$R_MAIN" -gt 100
check_num "read latency on spare holds the remapped reads" "$R_SPARE" -ge 20
check "buckets start at slot 0 with le = 1 ns" \
	has "$LAT" '"event":"latency".*"buckets":\[{"le_ns":1,"le":1e-09,'
check "bucket bounds are 2^(i+1)-1 ns (slot 9: le 1.023e-06 s)" \
	has "$LAT" '{"le_ns":1023,"le":1.023e-06,'
check "md_commit latency of r0" \
	has "$LAT" '"event":"md_commit_latency","device":"r0",.*"count":1,.*"entries":1,"buckets":\[{'
check "io counters: reads of r0 include remapped ones" \
	has "$LAT" '"event":"io","device":"r0",.*"op":"read","ios":[0-9]*,"bytes":[0-9]*,"errors":0,"remapped":[1-9]'
# (The write that failed on main and was remapped is not counted as
# remapped: only I/O the spare served is.  The old check passed only when
# the timed fio load happened to rewrite that block.)
check "io counters: the write to the remapped block counts as remapped" \
	has "$LAT" '"event":"io","device":"r0",.*"op":"write",.*"remapped":[1-9]'

# text output, per interval
dmsetup create r0 --table "$TABLE" || bail "re-create r0"
dmremap-trace latency 2 1 >"$SCRATCH/lat.txt" 2>&1 &
TPID=$!
sleep 0.5
i=0
while [ $i -lt 10 ]; do
	read_at /dev/mapper/r0 "$SCRATCH/rb" 1024 4
	read_at /dev/mapper/r0 "$SCRATCH/rb" 0 4
	i=$((i + 1))
done
waited "latency 2 1 ends after one report" "$TPID"
check "text: per device and op" has "$SCRATCH/lat.txt" "device = r0, op = read"
check "text: a spare histogram" has "$SCRATCH/lat.txt" "path = spare"
check "text: bcc-style buckets" has "$SCRATCH/lat.txt" "nsecs.*count.*distribution"
check_fails "bad interval is refused" dmremap-trace latency 0
dmremap-trace latency -h >"$SCRATCH/help" 2>&1
check "-h prints help" has "$SCRATCH/help" INTERVAL
check "remove r0" dmsetup remove r0
check "rmmod dm_remap" rmmod dm_remap
check "latency without the module: one clear line" \
	fails_with "dmremap-trace: dm_remap is not loaded" dmremap-trace latency 1 1
echo "# latency lines:"; grep '"device":"r0"' "$LAT" | cut -c1-200 | sed 's/^/#   /'
finish
