#!/bin/sh
# make demo: dm-remap at work in the test VM.
. /run/vmrun-lib/common.sh

say() { printf '\n=== %s\n' "$*"; }
run() { echo "# $*"; "$@"; }

say "Two memory-backed disks: main (64 MiB) and spare (16 MiB)"
nullb_create main 64 && nullb_create spare 16
LEN=$(sectors_of /dev/main)

say "Create the remap device"
run dmsetup create demo --table "0 $LEN remap /dev/main /dev/spare"
run dmsetup table demo

say "Trace its events in the background"
dmremap-trace events demo >"$SCRATCH/events.txt" 2>/dev/null &
TRACER=$!
sleep 1

say "Write 4 MiB of random data through it and read it back"
make_ref "$SCRATCH/ref" 4096
write_at /dev/mapper/demo "$SCRATCH/ref" 0 && same_data /dev/mapper/demo "$SCRATCH/ref" 0 &&
	echo "data verified byte for byte"

say "Inject bad sectors 800-807 into the main disk and rewrite the block"
nullb_badblocks main "+800-807"
make_ref "$SCRATCH/blk" 4
if write_at /dev/mapper/demo "$SCRATCH/blk" 400; then
	echo "write over the bad sectors succeeded"
else
	echo "write over the bad sectors failed"
fi
same_data /dev/mapper/demo "$SCRATCH/blk" 400 && echo "rewritten block verified"

say "Status"
run dmsetup status demo

say "Suspend, resume, remove"
run dmsetup suspend demo
run dmsetup resume demo
run dmsetup remove demo
sleep 1
kill -INT $TRACER 2>/dev/null
wait $TRACER

say "Events seen by dmremap-trace"
cat "$SCRATCH/events.txt"
