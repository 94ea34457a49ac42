#!/bin/sh
# A main device that hangs and comes back.  Main is a dm-linear "lin" over
# null_blk; it hangs twice, first suspended, then reloaded as dm-delay (a
# delay the case never waits out), while reads and writes of healthy blocks
# are in flight.  A hang returns no error, so the target has nothing to
# classify: the I/O must wait, nothing may be remapped, marked pending or
# zero-filled, main stays "ok" (no outage, no breaker trip), and a block
# remapped before the hang is still served from the spare meanwhile.  When
# main answers again (resumed, or the delay table replaced by linear) every
# I/O completes and every byte reads back.
. /run/vmrun-lib/common.sh
. /run/vmrun-lib/faults.sh

remap_over_linear main
make_ref "$SCRATCH/exp" 8192
write_at /dev/mapper/r0 "$SCRATCH/exp" 0 || bail "initial write"

# One block remapped before any hang: block 50 (4 KiB blocks) goes bad.
nullb_badblocks main "+400-407"
write_ref "a write over a bad block succeeds" /dev/mapper/r0 "$SCRATCH/b50" 4 200
check_eq "one block remapped" 1 "$(status_key r0 remapped)"

# status_is KEY VALUE: r0's status has KEY=VALUE, read with a time limit
# (a status that waits for main would be a finding of its own).
status_is() {
	_v=$(timeout 20 dmsetup status r0 | tr ' ' '\n' | sed -n "s/^$1=//p")
	[ "$_v" = "$2" ] && return 0
	echo "status $1=$_v, expected $2"
	return 1
}

# one_hang HOW: main hangs (HOW) under 2 writes and 2 reads of healthy blocks.
one_hang() {
	_how=$1
	make_ref "$SCRATCH/new" 8192	# data no block holds yet
	_re=$(status_key r0 read_errors)
	_we=$(status_key r0 write_errors)
	_free=$(status_key r0 spare_free)
	_commits=$(status_key r0 md_commits)
	hang_start lin "$_how" || bail "$_how main"
	_pids=
	for _b in 300 301; do
		( "$DD" if="$SCRATCH/new" of=/dev/mapper/r0 bs=4096 skip=$_b seek=$_b count=1 \
			oflag=direct conv=notrunc 2>/dev/null; echo $? >"$SCRATCH/rc.w$_b" ) &
		_pids="$_pids $!"
	done
	for _b in 400 401; do
		( "$DD" if=/dev/mapper/r0 of="$SCRATCH/got.$_b" bs=4096 skip=$_b count=1 \
			iflag=direct 2>/dev/null; echo $? >"$SCRATCH/rc.r$_b" ) &
		_pids="$_pids $!"
	done
	wait_for inflight_at_least r0 2 2
	check "$_how: 2 reads and 2 writes wait in r0 (in flight: $(inflight_of r0))" \
		inflight_at_least r0 2 2
	# shellcheck disable=SC2086 # pids
	check "$_how: none of them has finished" still_running $_pids
	# The remapped block lives on the spare: served while main hangs.
	make_ref "$SCRATCH/b50" 4
	timed_ms timeout 20 "$DD" if="$SCRATCH/b50" of=/dev/mapper/r0 bs=4096 seek=50 count=1 \
		oflag=direct conv=notrunc 2>/dev/null
	check_eq "$_how: a write to the remapped block completes meanwhile ($ELAPSED_MS ms)" 0 $?
	put_block "$SCRATCH/exp" 200 "$SCRATCH/b50"
	timed_ms timeout 20 "$DD" if=/dev/mapper/r0 of="$SCRATCH/got" bs=4096 skip=50 count=1 \
		iflag=direct 2>/dev/null
	check_eq "$_how: a read of it completes meanwhile ($ELAPSED_MS ms)" 0 $?
	check "$_how: ... with its data" cmp "$SCRATCH/b50" "$SCRATCH/got"
	check "$_how: main stays ok" status_is main ok
	check "$_how: mode stays rw" status_is mode rw
	check "$_how: nothing more remapped" status_is remapped 1
	check "$_how: nothing pending" status_is pending 0
	check "$_how: no read error counted" status_is read_errors "$_re"
	check "$_how: no write error counted" status_is write_errors "$_we"
	check "$_how: ... while the 4 still wait (in flight: $(inflight_of r0))" \
		inflight_at_least r0 2 2
	hang_end lin "$_how" || bail "end the $_how of main"
	# shellcheck disable=SC2086 # pids
	wait $_pids
	check_eq "$_how: all 4 completed successfully" "0 0 0 0" \
		"$(cat "$SCRATCH/rc.w300" "$SCRATCH/rc.w301" "$SCRATCH/rc.r400" "$SCRATCH/rc.r401" | tr '\n' ' ' | sed 's/ $//')"
	check "$_how: the reads got main's data" sh -c "
		cmp -n 4096 $SCRATCH/got.400 $SCRATCH/exp 0 $((400 * 4096)) &&
		cmp -n 4096 $SCRATCH/got.401 $SCRATCH/exp 0 $((401 * 4096))"
	"$DD" if="$SCRATCH/new" of="$SCRATCH/exp" bs=4096 skip=300 seek=300 count=2 \
		conv=notrunc 2>/dev/null
	check_eq "$_how: still one block remapped" 1 "$(status_key r0 remapped)"
	check_eq "$_how: no spare block used" "$_free" "$(status_key r0 spare_free)"
	check_eq "$_how: no metadata commit" "$_commits" "$(status_key r0 md_commits)"
	check_eq "$_how: nothing zero-filled" 0 "$(status_key r0 lost_sectors)"
	check_eq "$_how: main ok" ok "$(status_key r0 main)"
	check "$_how: every byte reads back" same_data /dev/mapper/r0 "$SCRATCH/exp" 0
}

log_mark
one_hang suspend
one_hang delay
# dm_log_lines: the target's log lines since the mark (none is expected:
# no outage, no remap, no error).
dm_log_lines() {
	log_since | grep 'device-mapper: remap'
}
check_fails "the target logged nothing during the hangs" dm_log_lines
# A bad block after the hangs is still remapped: the hangs left no trace.
nullb_badblocks main "+8000-8007"
write_ref "a bad block afterwards is remapped as usual" /dev/mapper/r0 "$SCRATCH/b1000" 4 4000
check_eq "two blocks remapped" 2 "$(status_key r0 remapped)"
check "every byte reads back" same_data /dev/mapper/r0 "$SCRATCH/exp" 0
check "remove" sh -c "dmsetup remove r0 && dmsetup remove lin"
check "kernel log clean" kernel_log_clean
finish
