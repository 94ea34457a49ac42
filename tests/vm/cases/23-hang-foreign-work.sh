#!/bin/sh
# dmremap-trace hang catches a work item of another module: loop's worker
# blocked reading its backing device, a suspended dm-linear device, is
# reported as stuck_work with its own function and module [loop], then
# cleared when the backing device resumes.
. /run/vmrun-lib/common.sh

modprobe loop || bail "modprobe loop"
nullb_create nb0 32 || bail "null_blk"
echo "0 $(sectors_of /dev/nb0) linear /dev/nb0 0" | dmsetup create lin0 || bail "linear"
[ -b /dev/loop0 ] || mknod /dev/loop0 b 7 0
# buffered (no direct I/O): the worker reads the backing device's page cache
losetup /dev/loop0 /dev/mapper/lin0 || bail "losetup"

OUT=$SCRATCH/hang.json
dmremap-trace hang -t 2 -j >"$OUT" 2>"$OUT.err" &
TRACER=$!
wait_for grep -q Tracing "$OUT.err" || bail "tracer did not start: $(cat "$OUT.err")"

dmsetup suspend lin0 || bail "suspend linear"
"$DD" if=/dev/loop0 of=/dev/null bs=4096 count=1 skip=1000 iflag=direct 2>/dev/null &
READER=$!

has() {
	grep -q "$1" "$OUT"
}
waited() {	# waited DESCRIPTION PID: PID (a child of this shell) exited 0
	wait "$2"
	check_eq "$1" 0 "$?"
}
check "stuck_work of loop's worker reported with module loop" \
	wait_for has '"event":"stuck_work","function":"loop[a-z_]*workfn","module":"loop"'
check "its stack shows it waiting for the page read" \
	has '"module":"loop".*"stack":\[.*\(folio\|page\|filemap\).*loop'
check "the read is still blocked" kill -0 "$READER"
check "nothing is blamed on dm-remap" sh -c "! grep -q '\"module\":\"dm_remap\"' $OUT"

dmsetup resume lin0
waited "the read completes" "$READER"
check "stuck_work cleared" \
	wait_for has '"event":"cleared","stall":"stuck_work","function":"loop[a-z_]*workfn","module":"loop"'
kill -INT "$TRACER"
waited "the tracer exits cleanly" "$TRACER"
check "detach the loop device" losetup -d /dev/loop0
check "remove the linear device" dmsetup remove lin0
check "rmmod dm_remap" rmmod dm_remap
check "no hung-task or warning in the kernel log" kernel_log_clean
echo "# tracer output:"; sed 's/^/#   /' "$OUT" | cut -c1-600
finish
