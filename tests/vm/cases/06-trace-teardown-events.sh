#!/bin/sh
# dmremap-trace events reports the teardown phases of create, suspend,
# resume and remove with the dm device's name, through tp_btf and raw_tp.
. /run/vmrun-lib/common.sh

nullb_create main 64 || bail "null_blk main"
nullb_create spare 16 || bail "null_blk spare"
LEN=$(sectors_of /dev/main)

# trace_lifecycle OUT ARGS...: trace one create/suspend/resume/remove cycle.
trace_lifecycle() {
	_out=$1
	shift
	dmremap-trace events "$@" >"$_out" 2>"$_out.err" &
	_pid=$!
	_i=0
	while ! grep -q Tracing "$_out.err" 2>/dev/null && [ $_i -lt 100 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	echo "0 $LEN remap /dev/main /dev/spare" | dmsetup create r0
	dmsetup suspend r0
	dmsetup resume r0
	dmsetup remove r0
	wait $_pid
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

trace_lifecycle "$SCRATCH/btf.json" -j -d 4 -v
check "tp_btf programs were used" grep -q "tp_btf" "$SCRATCH/btf.json.err"
check_eq "teardown phases in order (tp_btf)" "$EXPECTED" "$(phases "$SCRATCH/btf.json")"

trace_lifecycle "$SCRATCH/raw.json" -j -d 4 -v --raw-tp
check "raw_tp programs were used" grep -q "raw_tp" "$SCRATCH/raw.json.err"
check_eq "teardown phases in order (raw_tp)" "$EXPECTED" "$(phases "$SCRATCH/raw.json")"

trace_lifecycle "$SCRATCH/plain.txt" -d 4
check "readable output names the device and phase" \
	grep -q "r0 .*teardown.*postsuspend" "$SCRATCH/plain.txt"

check_fails "an unknown device is refused" dmremap-trace events -d 1 nosuchdev
check "the module unloads once the tracer exited" rmmod dm_remap
check_fails "tracing without the module fails" dmremap-trace events -d 1
check "... with a clear error" sh -c "dmremap-trace events -d 1 2>&1 | grep -q 'dm_remap is not loaded'"
finish
