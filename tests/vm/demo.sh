#!/bin/sh
# make demo: dm-remap at work in the test VM, on injected bad sectors.
. /run/vmrun-lib/common.sh

say() { printf '\n=== %s\n' "$*"; }
run() { echo "# $*"; "$@"; }

say "Two memory-backed disks: main (64 MiB) and spare (16 MiB)"
nullb_create main 64 && nullb_create spare 16 || bail "null_blk"
LEN=$(sectors_of /dev/main)

say "Create the remap device (the zeroed spare gets formatted)"
run dmsetup create demo --table "0 $LEN remap /dev/main /dev/spare"
run dmsetup table demo

say "Trace its events in the background"
dmremap-trace events demo >"$SCRATCH/events.txt" 2>"$SCRATCH/events.err" &
TRACER=$!
i=0
while ! grep -q Tracing "$SCRATCH/events.err" 2>/dev/null && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done

say "Write 4 MiB of random data through it and read it back"
make_ref "$SCRATCH/ref" 4096
write_at /dev/mapper/demo "$SCRATCH/ref" 0 && same_data /dev/mapper/demo "$SCRATCH/ref" 0 &&
	echo "data verified byte for byte"

say "The main disk grows bad sectors 800-807 (block 100); rewrite that block"
nullb_badblocks main "+800-807"
make_ref "$SCRATCH/blk" 4
if write_at /dev/mapper/demo "$SCRATCH/blk" 400; then
	echo "the write succeeded: the block now lives on the spare"
else
	echo "the write failed"
fi
same_data /dev/mapper/demo "$SCRATCH/blk" 400 && echo "rewritten block verified"
run dmsetup message demo 0 list

say "A read of another bad block is reported, not invented"
nullb_badblocks main "+1600-1607"
read_at /dev/mapper/demo "$SCRATCH/x" 800 4 || echo "read failed with an error, as it must"
echo "the block is now pending; the next write remaps it"

say "Status"
run dmsetup status demo

say "dmremap-top, one batch frame under a read load"
fio --name=r --filename=/dev/mapper/demo --direct=1 --rw=randread --bs=4k --offset=4m \
	--size=2m --time_based --runtime=4 >/dev/null 2>&1 &
FIO=$!
sleep 1
run dmremap-top -b -n 1 -d 2
wait $FIO

say "dmremap-exporter, one pass (the textfile node_exporter reads)"
mkdir -p "$SCRATCH/prom"
run dmremap-exporter --once --textfile-dir "$SCRATCH/prom"
grep -E '^dm_remap_(remapped_blocks|spare_free_blocks|pending_blocks|read_only|io_errors_total)' \
	"$SCRATCH/prom/dm_remap.prom"

say "Suspend, resume, remove"
run dmsetup suspend demo
run dmsetup resume demo
run dmsetup remove demo
sleep 0.5
kill -INT $TRACER 2>/dev/null
wait $TRACER

say "Events seen by dmremap-trace"
cat "$SCRATCH/events.txt"

say "The metadata on the spare, read offline"
run dmremap-meta check /dev/spare
dmremap-meta dump /dev/spare | sed -n '/^table/,$p'
