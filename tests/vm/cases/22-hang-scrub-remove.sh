#!/bin/sh
# dmremap-trace hang: a scrub blocked on a suspended main device while the
# remap device is removed is reported as stuck_work (remap_scrub_worker
# [dm_remap]) and stuck_teardown (phase postsuspend); both clear when main
# resumes, the removal completes, the tracer exits and the module unloads.
. /run/vmrun-lib/common.sh

nullb_create nbmain 64 || bail "null_blk main"
nullb_create sp 16 || bail "null_blk spare"
LEN=$(sectors_of /dev/nbmain)
echo "0 $LEN linear /dev/nbmain 0" | dmsetup create mainlin || bail "main linear"
# a slow background scrub (1 MiB/s over 32 MiB) starts at resume
echo "0 $LEN remap /dev/mapper/mainlin /dev/sp 2 scrub_rate 1024" | dmsetup create r0 ||
	bail "create r0"

OUT=$SCRATCH/hang.json
dmremap-trace hang -t 2 -j >"$OUT" 2>"$OUT.err" &
TRACER=$!
wait_for grep -q Tracing "$OUT.err" || bail "tracer did not start: $(cat "$OUT.err")"
TXT=$SCRATCH/hang.txt
dmremap-trace hang -t 2 >"$TXT" 2>"$TXT.err" &
TXTPID=$!
wait_for grep -q Tracing "$TXT.err" || bail "text tracer did not start: $(cat "$TXT.err")"
check "the scrub is running" sh -c "dmsetup status r0 | grep -q scrub=running"

dmsetup suspend mainlin || bail "suspend main"
dmsetup remove r0 &
REMOVER=$!

has() {
	grep -q "$1" "$OUT"
}
waited() {	# waited DESCRIPTION PID: PID (a child of this shell) exited 0
	wait "$2"
	check_eq "$1" 0 "$?"
}
check "stuck_work remap_scrub_worker [dm_remap] reported" \
	wait_for has '"event":"stuck_work","function":"remap_scrub_worker","module":"dm_remap"'
check "stuck_teardown of r0 in postsuspend" \
	wait_for has '"event":"stuck_teardown","device":"r0".*"phase":"postsuspend","stage":"enter"'
check "the scrub worker sleeps in I/O" \
	has '"function":"remap_scrub_worker".*"stack":\[.*submit_bio_wait.*remap_scrub_worker'
check "the remover is the one waiting" has '"event":"stuck_teardown".*"comm":"dmsetup'
check "the removal is still waiting" kill -0 "$REMOVER"

dmsetup resume mainlin
waited "the removal completes" "$REMOVER"
check "r0 is gone" sh -c "! dmsetup info r0"
check "stuck_work cleared" \
	wait_for has '"event":"cleared","stall":"stuck_work","function":"remap_scrub_worker"'
check "stuck_teardown cleared" \
	wait_for has '"event":"cleared","stall":"stuck_teardown","device":"r0","phase":"postsuspend"'
check_eq "no stall is left uncleared" \
	"$(grep -c '"event":"stuck_' "$OUT")" "$(grep -c '"event":"cleared"' "$OUT")"
kill -INT "$TRACER" "$TXTPID"
waited "the tracer exits cleanly" "$TRACER"
waited "the text tracer too" "$TXTPID"
check "text: stuck_work line with function, module, pid" \
	grep -q "stuck_work  *remap_scrub_worker \[dm_remap\] pid [0-9]* (kworker" "$TXT"
check "text: the stack follows, indented, without the tracer's frames" sh -c "grep -A1 'stuck_work  *remap_scrub' $TXT | grep -q '^    __schedule+' && grep -q '^    remap_scrub_worker+0x[0-9a-f]* \[dm_remap\]' $TXT"
check "text: stuck_teardown line" grep -q "stuck_teardown r0 phase postsuspend not finished for" "$TXT"
check "text: cleared lines" grep -q "cleared  *stuck_teardown r0 phase postsuspend after" "$TXT"
check "remove main" dmsetup remove mainlin
check "rmmod dm_remap" rmmod dm_remap
check "no hung-task or warning in the kernel log" kernel_log_clean
echo "# tracer output:"; sed 's/^/#   /' "$OUT" "$TXT" | cut -c1-400
finish
