#!/bin/sh
# dmremap-trace hang started AFTER a removal began to hang: the background
# scrub of r0 is blocked reading a suspended main (dm-linear "mainlin") and
# `dmsetup remove r0` waits for it.  Although r0 has already left dm's name
# table, the report names it (from the remover's own ioctl), with the
# operation (remove), the phase, the waiting dmsetup and, in lower, mainlin
# suspended; the scrub worker is stuck_work remap_scrub_worker [dm_remap].
# Both clear when main resumes; the text output says the same.
. /run/vmrun-lib/common.sh
. /run/vmrun-lib/trace.sh

nullb_create nbmain 64 || bail "null_blk main"
nullb_create sp 16 || bail "null_blk spare"
LEN=$(sectors_of /dev/nbmain)
echo "0 $LEN linear /dev/nbmain 0" | dmsetup create mainlin || bail "main linear"
# a slow background scrub (1 MiB/s over 32 MiB) starts at resume
echo "0 $LEN remap /dev/mapper/mainlin /dev/sp 2 scrub_rate 1024" | dmsetup create r0 ||
	bail "create r0"
check "the scrub is running" sh -c "dmsetup status r0 | grep -q scrub=running"

dmsetup suspend mainlin || bail "suspend main"
# The scrub reads a few blocks per tick and sleeps between ticks; the removal
# hangs only if it catches the worker inside a read of the suspended main.
wait_for wq_worker_blocked dm_remap || bail "the scrub worker never blocked on mainlin"
dmsetup remove r0 &
REMOVER=$!
# its final wait: for the scrub worker, in r0's postsuspend; the age the
# tracer reports is the time since the remover last ran
wait_for task_waits_in remap_postsuspend || bail "the removal never waited for the scrub"
sleep 4		# the removal has waited >= 4 s before any tracer
check "the removal is waiting" kill -0 "$REMOVER"

OUT=$SCRATCH/hang.json
start_tracer "$OUT" hang -t 2 -j
TRACER=$TPID
TXT=$SCRATCH/hang.txt
start_tracer "$TXT" hang -t 2
TXTPID=$TPID
check_wait "stuck_work remap_scrub_worker [dm_remap] reported" \
	has "$OUT" '"event":"stuck_work","function":"remap_scrub_worker","module":"dm_remap","workqueue":"dm_remap"'
check "the scrub worker sleeps in I/O" \
	has "$OUT" '"function":"remap_scrub_worker".*"stack":\[.*submit_bio_wait.*remap_scrub_worker+0x[0-9a-f]*/0x[0-9a-f]* \[dm_remap\]'
check_wait "stuck_teardown of r0, remove, named from the remover's ioctl" \
	has "$OUT" '"event":"stuck_teardown","device":"r0","dev":"[0-9:]*","operation":"remove","phase":"[a-z]*"'
T=$(json_line "$OUT" '"event":"stuck_teardown"')
at_least "its age counts from before the tracer (>= 4 s)" 4 "$(json_num "$T" seconds)"
check "the remover is the one waiting" has "$OUT" '"event":"stuck_teardown".*"comm":"dmsetup'
check "lower: mainlin, a dm device, suspended" \
	has "$OUT" '"event":"stuck_teardown".*"lower":\[.*{"device":"mainlin","dev":"[0-9:]*",\("role":"main",\)\{0,1\}"dm":true,"state":"suspended","suspended":true'
check "the removal is still waiting" kill -0 "$REMOVER"

dmsetup resume mainlin
waited "the removal completes" "$REMOVER"
check "r0 is gone" sh -c "! dmsetup info r0"
check_wait "stuck_work cleared" \
	has "$OUT" '"event":"cleared","stall":"stuck_work","function":"remap_scrub_worker"'
check_wait "stuck_teardown cleared" \
	has "$OUT" '"event":"cleared","stall":"stuck_teardown","device":"r0","operation":"remove"'
check_eq "no stall is left uncleared" \
	"$(count_of "$OUT" '"event":"stuck_')" "$(count_of "$OUT" '"event":"cleared"')"
stop_tracer "the tracer exits cleanly" "$TRACER"
stop_tracer "the text tracer too" "$TXTPID"
check "text: stuck_work line with function, module, workqueue, pid" \
	grep -q "stuck_work  *remap_scrub_worker \[dm_remap\] of workqueue dm_remap, pid [0-9]* (kworker" "$TXT"
check "text: the stack follows, indented" sh -c "grep -A1 'stuck_work  *remap_scrub' $TXT | grep -q '^    [a-z_]*+0x' && grep -q '^    remap_scrub_worker+0x[0-9a-f]*/0x[0-9a-f]* \[dm_remap\]' $TXT"
check "text: stuck_teardown line" grep -q "stuck_teardown r0 remove, phase [a-z]*, for [0-9.]* s" "$TXT"
check "text: lower mainlin suspended" grep -q "^    lower mainlin (dm [0-9:]*[^)]*): suspended" "$TXT"
check "text: cleared line" grep -q "cleared  *stuck_teardown r0 remove after" "$TXT"
check "remove main" dmsetup remove mainlin
check "rmmod dm_remap" rmmod dm_remap
check "no hung-task or warning in the kernel log" kernel_log_clean
show_output "$OUT"
show_output "$TXT"
finish
