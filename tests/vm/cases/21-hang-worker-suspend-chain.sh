#!/bin/sh
# dmremap-trace hang started AFTER the hang began: a remap write is blocked
# on a suspended spare (dm-linear "splin") and `dmsetup suspend r0` waits for
# it.  --once and the following tracer both report, with their true age:
# stuck_work (remap_worker [dm_remap], workqueue dm_remap, its stack),
# stuck_teardown (r0, suspend, presuspend, 1 I/O in flight, the waiting
# dmsetup, lower: splin suspended, main idle) and stuck_io (r0, spare, 1,
# its age that of the bio splin holds).
# Each is reported once, and cleared when the spare resumes.
. /run/vmrun-lib/common.sh
. /run/vmrun-lib/trace.sh

nullb_create main 64 || bail "null_blk main"
nullb_create sp 16 || bail "null_blk spare"
LEN=$(sectors_of /dev/main)
echo "0 $(sectors_of /dev/sp) linear /dev/sp 0" | dmsetup create splin || bail "spare linear"
echo "0 $LEN remap /dev/main /dev/mapper/splin" | dmsetup create r0 || bail "create r0"
dmsetup mknodes
is_blockdev /dev/mapper/r0 || bail "no /dev/mapper/r0"

# the hang: block 256 fails on main, its remap write waits on the suspended spare
dmsetup suspend splin || bail "suspend spare"
nullb_badblocks main "+2048-2055"
make_ref "$SCRATCH/a" 4
write_at /dev/mapper/r0 "$SCRATCH/a" 1024 &
WRITER=$!
wait_for wq_worker_blocked dm_remap || bail "the remap worker never blocked on the spare"
dmsetup suspend r0 &
SUSPENDER=$!
# the suspend's final wait: for r0's in-flight write (the age the tracer
# reports is the time since the suspender last ran)
wait_for task_waits_in dm_wait_for_completion || bail "the suspend never waited for the write"
sleep 4		# the write is >= 4 s old, the suspend >= 3 s, before any tracer

ONCE=$SCRATCH/once.json
dmremap-trace hang --once -t 2 -j >"$ONCE" 2>"$ONCE.err"
check_eq "--once exits 0 with stalls" 0 "$?"
W=$(json_line "$ONCE" '"event":"stuck_work".*"function":"remap_worker"')
check "--once: stuck_work remap_worker [dm_remap] of workqueue dm_remap" \
	has "$ONCE" '"event":"stuck_work","function":"remap_worker","module":"dm_remap","workqueue":"dm_remap","pid":[0-9]*,"comm":"kworker/[^"]*+dm_remap"'
at_least "--once: the work item's age counts from before the tracer (>= 4 s)" 4 \
	"$(json_num "$W" seconds)"
check "--once: its stack, symbolized by the kernel, innermost first" \
	has "$ONCE" '"function":"remap_worker".*"stack":\["submit_bio_wait+0x[0-9a-f]*/0x[0-9a-f]*","remap_sync_io+[^"]* \[dm_remap\]".*"remap_worker+0x[0-9a-f]*/0x[0-9a-f]* \[dm_remap\]","process_one_work'
T=$(json_line "$ONCE" '"event":"stuck_teardown"')
check "--once: stuck_teardown r0, suspend, presuspend, 1 I/O in flight" \
	has "$ONCE" '"event":"stuck_teardown","device":"r0","dev":"[0-9]*:[0-9]*","operation":"suspend","phase":"presuspend","seconds":[0-9.]*,"inflight":1,'
at_least "--once: the suspend's age counts from before the tracer (>= 3 s)" 3 \
	"$(json_num "$T" seconds)"
check "--once: the waiting process is dmsetup, waiting for dm's in-flight I/O" \
	has "$ONCE" '"event":"stuck_teardown".*"waits_in":"dm_wait_for_completion","pid":[0-9]*,"comm":"dmsetup'
check "--once: lower names the spare splin, suspended, and main, idle" \
	sh -c "grep '\"event\":\"stuck_teardown\"' $ONCE | grep -q '\"lower\":\[.*{\"device\":\"splin\",\"dev\":\"[0-9:]*\",\"role\":\"spare\",\"dm\":true,\"state\":\"suspended\",\"suspended\":true,\"inflight\":0,\"lower\":\[{\"device\":\"sp\"' &&
	   grep '\"event\":\"stuck_teardown\"' $ONCE | grep -q '{\"device\":\"main\",\"dev\":\"[0-9:]*\",\"role\":\"main\",\"dm\":false,\"state\":\"idle\"'"
check "--once: the waiter's stack shows dm_suspend" \
	has "$ONCE" '"event":"stuck_teardown".*"stack":\[.*"dm_suspend+'
check "--once: stuck_io r0, target spare, 1 I/O, issued before the tracer, held in splin" \
	has "$ONCE" '"event":"stuck_io","device":"r0","dev":"[0-9:]*","target":"spare","count":1,"seconds":[0-9.]*,"age_exact":false,"sector":null,"held_below":{"device":"splin","dev":"[0-9:]*","count":1,"count_exact":true,"suspended":true,"seconds":[0-9.]*,"sector":[0-9]*}}'
# the worker's write to the spare waits in splin's dm core with its issue
# time: the age of r0's I/O counts from when it was sent down, not from the
# tool's start (it was >= 4 s old before any tracer)
S=$(json_line "$ONCE" '"event":"stuck_io"')
at_least "--once: the held bio's age, from before the tracer (>= 4 s)" 4 "$(json_num "$S" seconds)"
at_least "--once: stuck_io's age is at least that (>= 4 s)" 4 \
	"$(json_num "${S%%,\"held_below\"*}" seconds)"

TXT=$SCRATCH/once.txt
dmremap-trace hang --once -t 2 >"$TXT" 2>&1
check "--once text: the chain reads off one report" sh -c "
	grep -q '^[0-9:]* stuck_teardown r0 suspend, phase presuspend, for [0-9.]* s: 1 I/O in flight; pid [0-9]* (dmsetup[^)]*) waits in dm_wait_for_completion' $TXT &&
	grep -q '^    lower splin (dm [0-9:]*, the spare): suspended, 0 in flight' $TXT &&
	grep -q '^[0-9:]* stuck_work     remap_worker \[dm_remap\] of workqueue dm_remap, pid [0-9]* (kworker' $TXT &&
	grep -q '^[0-9:]* stuck_io       r0 target spare: 1 I/O outstanding, oldest at least [0-9.]* s (.*); splin (dm, suspended) holds 1 I/O in dm core, the oldest issued [0-9.]* s ago at its sector [0-9]*$' $TXT"

OUT=$SCRATCH/hang.json
start_tracer "$OUT" hang -t 2 -j
TRACER=$TPID
check_wait "tracer: stuck_work reported at start" \
	has "$OUT" '"event":"stuck_work","function":"remap_worker","module":"dm_remap"'
check_wait "tracer: stuck_teardown reported at start" \
	has "$OUT" '"event":"stuck_teardown","device":"r0".*"operation":"suspend","phase":"presuspend"'
check_wait "tracer: stuck_io reported at start" \
	has "$OUT" '"event":"stuck_io","device":"r0",.*"target":"spare","count":1'
sleep 3
check_eq "each stall is reported once (work)" 1 "$(count_of "$OUT" '"event":"stuck_work","function":"remap_worker"')"
check_eq "... teardown" 1 "$(count_of "$OUT" '"event":"stuck_teardown"')"
check_eq "... I/O" 1 "$(count_of "$OUT" '"event":"stuck_io"')"
check "the suspend is still waiting" kill -0 "$SUSPENDER"

dmsetup resume splin
waited "the write completes" "$WRITER"
waited "the suspend completes" "$SUSPENDER"
check_wait "stuck_work cleared" \
	has "$OUT" '"event":"cleared","stall":"stuck_work","function":"remap_worker"'
check_wait "stuck_teardown cleared" \
	has "$OUT" '"event":"cleared","stall":"stuck_teardown","device":"r0","operation":"suspend"'
check_wait "stuck_io cleared" \
	has "$OUT" '"event":"cleared","stall":"stuck_io","device":"r0","target":"spare"'
C=$(json_line "$OUT" '"event":"cleared","stall":"stuck_work"')
at_least "cleared: the work item's total age (>= 7 s)" 7 "$(json_num "$C" seconds)"
stop_tracer "the tracer exits cleanly" "$TRACER"
check "r0 resumes" dmsetup resume r0
check "the remapped data reads back" same_data /dev/mapper/r0 "$SCRATCH/a" 1024
check_eq "remapped=1" 1 "$(status_key r0 remapped)"
check "remove" sh -c "dmsetup remove r0 && dmsetup remove splin"
check "rmmod dm_remap" rmmod dm_remap
check "no hung-task or warning in the kernel log" kernel_log_clean
show_output "$ONCE"
show_output "$TXT"
show_output "$OUT"
finish
