#!/bin/sh
# A spare that hangs and comes back.  The spare is a dm-linear "lin" over
# null_blk; it hangs twice, first suspended, then reloaded as dm-delay
# (a delay the case never waits out), while writes go to blocks already
# remapped (straight to the spare) and to new bad blocks of main (new
# remaps: the worker writes the spare).  Those writes must wait, neither
# fail nor be zero-filled, while I/O to healthy main blocks keeps
# completing (timed); once the spare answers again (resumed, or the delay
# table replaced by linear) every write completes, every byte reads back,
# the remap count is exact, and the metadata checks clean offline and
# loads again with the same data.
. /run/vmrun-lib/common.sh
. /run/vmrun-lib/faults.sh

remap_over_linear spare
make_ref "$SCRATCH/exp" 8192
write_at /dev/mapper/r0 "$SCRATCH/exp" 0 || bail "initial write"
make_ref "$SCRATCH/new" 8192

# bad_block BLOCK: main's 4 KiB block BLOCK (of the default block size) fails.
bad_block() {
	nullb_badblocks main "+$(($1 * 8))-$(($1 * 8 + 7))"
}
# rewrite BLOCK: writes block BLOCK of "new" to r0 (expect_new records it).
rewrite() {
	"$DD" if="$SCRATCH/new" of=/dev/mapper/r0 bs=4096 skip="$1" seek="$1" count=1 \
		oflag=direct conv=notrunc 2>/dev/null || return 1
}
expect_new() {	# expect_new BLOCK...: exp holds new's data at those blocks
	for _b in "$@"; do
		"$DD" if="$SCRATCH/new" of="$SCRATCH/exp" bs=4096 skip="$_b" seek="$_b" count=1 \
			conv=notrunc 2>/dev/null
	done
}

# Two blocks remapped before any hang.
bad_block 100
bad_block 200
check "a write over a bad block succeeds" rewrite 100
check "a write over another succeeds" rewrite 200
expect_new 100 200
check_eq "two blocks remapped" 2 "$(status_key r0 remapped)"
check "their data, and the rest" same_data /dev/mapper/r0 "$SCRATCH/exp" 0

# one_hang HOW OLD1 OLD2 NEW1 NEW2 HEALTHY: the spare hangs (HOW) while
# remapped blocks OLD1 OLD2 and new bad blocks NEW1 NEW2 are written.
one_hang() {
	_how=$1 _o1=$2 _o2=$3 _n1=$4 _n2=$5 _ok=$6
	make_ref "$SCRATCH/new" 8192	# data no block holds yet
	_before=$(status_key r0 remapped)
	_free=$(status_key r0 spare_free)
	hang_start lin "$_how" || bail "$_how the spare"
	bad_block "$_n1"
	bad_block "$_n2"
	_pids=
	for _b in "$_o1" "$_o2" "$_n1" "$_n2"; do
		( rewrite "$_b"; echo $? >"$SCRATCH/rc.$_b" ) &
		_pids="$_pids $!"
	done
	wait_for inflight_at_least r0 0 4
	check "$_how: the 4 writes wait in r0 (in flight: $(inflight_of r0))" \
		inflight_at_least r0 0 4
	# shellcheck disable=SC2086 # pids
	check "$_how: none of them has finished" still_running $_pids
	# A healthy block, written and read back while they wait.
	"$DD" if="$SCRATCH/new" of="$SCRATCH/healthy" bs=4096 skip="$_ok" count=1 2>/dev/null
	timed_ms timeout 20 "$DD" if="$SCRATCH/healthy" of=/dev/mapper/r0 bs=4096 \
		seek="$_ok" count=1 oflag=direct conv=notrunc 2>/dev/null
	check_eq "$_how: a write to a healthy block completes meanwhile ($ELAPSED_MS ms)" 0 $?
	expect_new "$_ok"
	timed_ms timeout 20 "$DD" if=/dev/mapper/r0 of="$SCRATCH/got" bs=4096 skip="$_ok" \
		count=1 iflag=direct 2>/dev/null
	check_eq "$_how: a read of it completes meanwhile ($ELAPSED_MS ms)" 0 $?
	check "$_how: ... with its data" cmp "$SCRATCH/healthy" "$SCRATCH/got"
	check "$_how: ... while the 4 writes still wait (in flight: $(inflight_of r0))" \
		inflight_at_least r0 0 4
	# shellcheck disable=SC2086 # pids
	check "$_how: none of the 4 has failed or finished" still_running $_pids
	check_eq "$_how: mode stays rw" rw "$(timeout 20 dmsetup status r0 | tr ' ' '\n' | sed -n 's/^mode=//p')"
	check_eq "$_how: main stays ok" ok "$(timeout 20 dmsetup status r0 | tr ' ' '\n' | sed -n 's/^main=//p')"
	hang_end lin "$_how" || bail "end the $_how of the spare"
	# shellcheck disable=SC2086 # pids
	wait $_pids
	_rcs=
	for _b in "$_o1" "$_o2" "$_n1" "$_n2"; do
		_rcs="$_rcs $(cat "$SCRATCH/rc.$_b")"
	done
	check_eq "$_how: all 4 writes completed successfully" " 0 0 0 0" "$_rcs"
	expect_new "$_o1" "$_o2" "$_n1" "$_n2"
	check_eq "$_how: two more blocks remapped" $((_before + 2)) "$(status_key r0 remapped)"
	check_eq "$_how: two more spare blocks used" $((_free - 2)) "$(status_key r0 spare_free)"
	check_eq "$_how: nothing pending" 0 "$(status_key r0 pending)"
	check_eq "$_how: nothing zero-filled" 0 "$(status_key r0 lost_sectors)"
	check_eq "$_how: stats agree on the remap count" "$(status_key r0 remapped)" \
		"$(stats_key r0 remapped)"
	check_eq "$_how: the list has as many remaps" "$(status_key r0 remapped)" \
		"$(dmsetup message r0 0 list | wc -l)"
	check "$_how: every byte reads back" same_data /dev/mapper/r0 "$SCRATCH/exp" 0
}

log_mark
one_hang suspend 100 200 300 400 1000
one_hang delay 100 300 500 600 1001
# dm_log_errors: the target's log lines since the mark that report a
# failure or an outage (main's own I/O errors are the injected bad blocks).
dm_log_errors() {
	log_since | grep 'device-mapper' | grep -Ei 'offline|error|fail'
}
check_fails "the target logged no failure or outage" dm_log_errors

# The committed metadata, offline and loaded again.
check "remove r0" dmsetup remove r0
check "dmremap-meta check: consistent (exit 0)" dmremap-meta check /dev/mapper/lin
check_eq "dmremap-meta dump: 6 remaps in effect" 6 \
	"$(dmremap-meta dump -j /dev/mapper/lin | grep -c '"state":"effective"')"
check "the kernel loads it again" sh -c "echo '$TABLE' | dmsetup create r0"
check_eq "with 6 remaps" 6 "$(status_key r0 remapped)"
check "every byte reads back" same_data /dev/mapper/r0 "$SCRATCH/exp" 0
check "remove" sh -c "dmsetup remove r0 && dmsetup remove lin"
check "kernel log clean" kernel_log_clean
finish
