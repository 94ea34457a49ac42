#!/bin/sh
# dmremap-trace hang: a remap write blocked on a suspended spare while the
# remap device is being suspended is reported as stuck_work (remap_worker
# [dm_remap]), stuck_teardown (r0, waiting after presuspend) and stuck_io,
# each once; all three clear when the spare resumes, the suspend completes,
# the tracer exits and the module unloads.
. /run/vmrun-lib/common.sh

nullb_create main 64 || bail "null_blk main"
nullb_create sp 16 || bail "null_blk spare"
LEN=$(sectors_of /dev/main)
echo "0 $(sectors_of /dev/sp) linear /dev/sp 0" | dmsetup create splin || bail "spare linear"
echo "0 $LEN remap /dev/main /dev/mapper/splin" | dmsetup create r0 || bail "create r0"
is_blockdev /dev/mapper/r0 || bail "no /dev/mapper/r0"

OUT=$SCRATCH/hang.json
dmremap-trace hang -t 2 -j >"$OUT" 2>"$OUT.err" &
TRACER=$!
wait_for grep -q Tracing "$OUT.err" || bail "tracer did not start: $(cat "$OUT.err")"

dmsetup suspend splin || bail "suspend spare"
nullb_badblocks main "+2048-2055"
make_ref "$SCRATCH/a" 4
write_at /dev/mapper/r0 "$SCRATCH/a" 1024 &
WRITER=$!
sleep 1
dmsetup suspend r0 &
SUSPENDER=$!

has() {	# has PATTERN: a line of the tracer's output matches
	grep -q "$1" "$OUT"
}
waited() {	# waited DESCRIPTION PID: PID (a child of this shell) exited 0
	wait "$2"
	check_eq "$1" 0 "$?"
}
check "stuck_work remap_worker [dm_remap] reported" \
	wait_for has '"event":"stuck_work","function":"remap_worker","module":"dm_remap"'
check "stuck_teardown of r0 (suspend waits for in-flight I/O)" \
	wait_for has '"event":"stuck_teardown","device":"r0".*"phase":"presuspend","stage":"exit"'
check "stuck_io of r0 at sector 2048" \
	wait_for has '"event":"stuck_io","device":"r0".*"sector":2048'
check "the stuck I/O is held by the worker" has '"event":"stuck_io".*"target":"worker"'
check "the work item's stack is symbolized, innermost first" \
	has '"stack":\["__schedule+0x[0-9a-f]*".*"remap_worker+0x[0-9a-f]* \[dm_remap\]"'
check "the stuck_teardown carries inflight=1" has '"event":"stuck_teardown".*"inflight":1'
check "the pid is the kworker's" sh -c "grep '\"event\":\"stuck_work\",\"function\":\"remap_worker\"' $OUT | grep -q '\"comm\":\"kworker'"
sleep 3
check_eq "each stall is reported once" 1 \
	"$(grep -c '"event":"stuck_work","function":"remap_worker"' "$OUT")"
check_eq "... the teardown too" 1 "$(grep -c '"event":"stuck_teardown"' "$OUT")"
check "the suspend is still waiting" kill -0 "$SUSPENDER"

dmsetup resume splin
waited "the write completes" "$WRITER"
waited "the suspend completes" "$SUSPENDER"
check "stuck_work cleared" \
	wait_for has '"event":"cleared","stall":"stuck_work","function":"remap_worker"'
check "stuck_teardown cleared" \
	wait_for has '"event":"cleared","stall":"stuck_teardown","device":"r0"'
check "stuck_io cleared" wait_for has '"event":"cleared","stall":"stuck_io","device":"r0"'
check "cleared reports carry the total seconds" \
	sh -c "grep '\"event\":\"cleared\",\"stall\":\"stuck_work\"' $OUT | grep -q '\"seconds\":[3-9]'"
check "r0 resumes" dmsetup resume r0
check "the remapped data reads back" same_data /dev/mapper/r0 "$SCRATCH/a" 1024
check_eq "remapped=1" 1 "$(status_key r0 remapped)"
kill -INT "$TRACER"
waited "the tracer exits cleanly" "$TRACER"
check "remove" sh -c "dmsetup remove r0 && dmsetup remove splin"
check "rmmod dm_remap" rmmod dm_remap
check "no hung-task or warning in the kernel log" kernel_log_clean
echo "# tracer output:"; sed 's/^/#   /' "$OUT" | cut -c1-300
finish
