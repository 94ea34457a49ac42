#!/bin/sh
# dmremap-trace events reports the teardown phases of create, suspend,
# resume and remove with the dm device's name, through tp_btf and raw_tp.
. /run/vmrun-lib/common.sh

remap_disks

# trace_lifecycle OUT ARGS...: trace one create/suspend/resume/remove cycle
# with `dmremap-trace ARGS` (e.g. "events -j"), stopped once the removal's
# last event is out (or 30 s later): no fixed duration, which a slow
# kernel outlasts.
trace_lifecycle() {
	start_tracer "$@"
	dmsetup create r0 --table "0 $LEN remap /dev/main /dev/spare" || bail "create r0"
	dmsetup suspend r0 || bail "suspend r0"
	dmsetup resume r0 || bail "resume r0"
	dmsetup remove r0 || bail "remove r0"
	wait_for grep -q 'dtr.*exit' "$1"
	kill -INT "$TPID"
	wait "$TPID"
}

# phases FILE: the phase/stage sequence of r0 in JSON lines FILE.
phases() {
	grep '"device":"r0"' "$1" | grep '"event":"teardown"' |
		sed 's/.*"phase":"\([a-z_]*\)".*"stage":"\([a-z]*\)".*/\1:\2/' | tr '\n' ' '
}

EXPECTED="preresume:enter preresume:exit resume:enter resume:exit \
presuspend:enter presuspend:exit postsuspend:enter postsuspend:exit \
preresume:enter preresume:exit resume:enter resume:exit \
presuspend:enter presuspend:exit postsuspend:enter postsuspend:exit dtr:enter dtr:exit "

trace_lifecycle "$SCRATCH/btf.json" events -j -v
# The "Tracing" line names the attach type really used (libbpf's -v log
# names both section kinds for every program, whichever is attached).
check "tp_btf programs were used" has "$SCRATCH/btf.json.err" '^Tracing dm_remap events (tp_btf)'
check_eq "teardown phases in order (tp_btf)" "$EXPECTED" "$(phases "$SCRATCH/btf.json")"

trace_lifecycle "$SCRATCH/raw.json" events -j -v --raw-tp
check "raw_tp programs were used" has "$SCRATCH/raw.json.err" '^Tracing dm_remap events (raw_tp)'
check_eq "teardown phases in order (raw_tp)" "$EXPECTED" "$(phases "$SCRATCH/raw.json")"

trace_lifecycle "$SCRATCH/plain.txt" events
check "readable output names the device and phase" \
	has "$SCRATCH/plain.txt" "r0 .*teardown.*postsuspend"
# The whole text, times and pids masked, against its golden output.
sed 's/^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]\.[0-9]\{6\} /HH:MM:SS.UUUUUU /; s/ [0-9]*\]$/ PID]/' \
	"$SCRATCH/plain.txt" >"$SCRATCH/plain.masked"
check_golden "the text output of a create/suspend/resume/remove cycle" events-text "$SCRATCH/plain.masked"

check "an unknown device is refused with its name" \
	fails_with "dmremap-trace: no such dm device 'nosuchdev'" dmremap-trace events -d 1 nosuchdev
check "the module unloads once the tracer exited" rmmod dm_remap
check "tracing without the module fails with one clear line" \
	fails_with "dmremap-trace: dm_remap is not loaded" dmremap-trace events -d 1
finish
