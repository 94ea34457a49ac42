#!/bin/sh
# Main hangs while the remap worker is in its own synchronous probe of it.
# Main is a dm-linear "lin" over null_blk.  A write to a bad block fails with
# BLK_STS_IOERR, which a bad sector and a dead path both return, so before
# it remaps, the worker reads a block of main known to be good (the probe).
# Here main's reads hang just then: lin is reloaded as dm-delay whose reads
# wait (a delay the case never waits out) and whose writes pass at once.
# The worker waits in the probe and `dmremap-trace hang --once` shows it
# there; a second failed write queues behind it; a write to a healthy block
# completes meanwhile (it never waits for the worker); nothing is remapped,
# counted as failed or declared offline.  When main's reads answer again,
# both bad blocks are remapped, every write completes, and every byte reads
# back.
. /run/vmrun-lib/common.sh
. /run/vmrun-lib/faults.sh
. /run/vmrun-lib/trace.sh

remap_over_linear main
make_ref "$SCRATCH/exp" 8192
write_at /dev/mapper/r0 "$SCRATCH/exp" 0 || bail "initial write"
MAIN=$(hang_lower lin)
SECTORS=$(sectors_of /dev/mapper/lin)

# main's reads hang, its writes do not
dm_swap lin "0 $SECTORS delay $MAIN 0 60000 $MAIN 0 0" || bail "reads of main hang"
_free=$(status_key r0 spare_free)
_commits=$(status_key r0 md_commits)

# block 100 goes bad and is written: the write fails on main, the worker probes
nullb_badblocks main "+800-807"
make_ref "$SCRATCH/b100" 4
write_at /dev/mapper/r0 "$SCRATCH/b100" 400 &
W1=$!
wait_for wq_worker_blocked dm_remap || bail "the remap worker never blocked"
# worker_stack: the stack of the kworker running a dm_remap item
worker_stack() {
	for _c in /proc/[0-9]*/comm; do
		case $(cat "$_c" 2>/dev/null) in
		*+dm_remap) cat "${_c%/comm}/stack" 2>/dev/null ;;
		esac
	done
}
worker_stack >"$SCRATCH/wstack"
# the probe's own frame (main_answers, unless the compiler inlined it)
PROBE=$(grep -Eo 'main_answers|remap_main_failure_is_local' "$SCRATCH/wstack" | head -n 1)
check "the worker waits in its probe of main (its stack: $(tr '\n' ' ' <"$SCRATCH/wstack"))" \
	test -n "$PROBE"
sleep 2		# past the tracer's 1 s threshold
ONCE=$SCRATCH/once.json
dmremap-trace hang --once -t 1 -j >"$ONCE" 2>"$ONCE.err"
check_eq "dmremap-trace hang --once exits 0" 0 "$?"
check "--once: stuck_work remap_worker [dm_remap], in remap_sync_io under $PROBE" \
	has "$ONCE" "\"event\":\"stuck_work\",\"function\":\"remap_worker\",\"module\":\"dm_remap\",.*\"stack\":\[.*\"remap_sync_io+[^\"]*\[dm_remap\]\",.*\"$PROBE+"

# block 200 goes bad too: its failed write waits behind the probe
nullb_badblocks main "+1600-1607"
make_ref "$SCRATCH/b200" 4
write_at /dev/mapper/r0 "$SCRATCH/b200" 800 &
W2=$!
wait_for inflight_at_least r0 0 2
check "both writes to bad blocks wait in r0 (in flight: $(inflight_of r0))" \
	inflight_at_least r0 0 2
# a healthy block is written meanwhile
make_ref "$SCRATCH/b512" 4
timed_ms timeout 20 "$DD" if="$SCRATCH/b512" of=/dev/mapper/r0 bs=4096 seek=512 count=1 \
	oflag=direct conv=notrunc 2>/dev/null
check_eq "a write to a healthy block completes meanwhile ($ELAPSED_MS ms)" 0 $?
put_block "$SCRATCH/exp" 2048 "$SCRATCH/b512"
check "... while both bad-block writes still wait" still_running $W1 $W2
check_eq "nothing remapped yet" 0 "$(status_key r0 remapped)"
check_eq "nothing pending" 0 "$(status_key r0 pending)"
check_eq "main is not declared offline" ok "$(status_key r0 main)"
check_eq "mode stays rw" rw "$(status_key r0 mode)"

# main's reads answer again: the probe succeeds, both blocks are remapped
dm_swap lin "$(linear_table "$MAIN" "$SECTORS")" || bail "main answers again"
waited "the first bad-block write completes" $W1
waited "the second too" $W2
put_block "$SCRATCH/exp" 400 "$SCRATCH/b100"
put_block "$SCRATCH/exp" 800 "$SCRATCH/b200"
check_eq "two blocks remapped" 2 "$(status_key r0 remapped)"
check_eq "two spare blocks used" $((_free - 2)) "$(status_key r0 spare_free)"
check_num "their remaps committed" "$(status_key r0 md_commits)" -gt "$_commits"
check_eq "main ok" ok "$(status_key r0 main)"
check_eq "nothing zero-filled" 0 "$(status_key r0 lost_sectors)"
check "every byte reads back" same_data /dev/mapper/r0 "$SCRATCH/exp" 0
check "remove" sh -c "dmsetup remove r0 && dmsetup remove lin"
check "the module unloads" rmmod dm_remap
check "kernel log clean" kernel_log_clean
show_output "$ONCE"
finish
