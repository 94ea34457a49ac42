#!/bin/sh
# Run in the test VM by tests/prom/run when no fresh output of the
# exporter's VM case (tests/vm/cases/30-exporter.sh) is at hand: produce a
# real dm_remap.prom (a remap, a pending block, I/O on both paths) and
# print it between markers.
. /run/vmrun-lib/common.sh

D=$SCRATCH/textfile
mkdir -p "$D"
nullb_create main 64 || bail "null_blk main"
nullb_create spare 16 || bail "null_blk spare"
echo "0 $(sectors_of /dev/main) remap /dev/main /dev/spare" | dmsetup create r0 || bail "create r0"
dmremap-exporter --textfile-dir "$D" --interval 1 &
EXP=$!
check "the exporter attaches" wait_for grep -qx 'dm_remap_exporter_bpf_attached 1' "$D/dm_remap.prom"
make_ref "$SCRATCH/a" 4
nullb_badblocks main "+2048-2055"
check "a remapped write" write_at /dev/mapper/r0 "$SCRATCH/a" 1024
nullb_badblocks main "+4096-4103"
"$DD" if=/dev/mapper/r0 of=/dev/null bs=4096 skip=512 count=1 iflag=direct 2>/dev/null
check "fio load" fio --name=load --filename=/dev/mapper/r0 --direct=1 --rw=randrw --bs=4k \
	--offset=4M --size=12M --runtime=2 --time_based --ioengine=psync --output=/dev/null
"$DD" if=/dev/mapper/r0 of=/dev/null bs=4096 skip=256 count=4 iflag=direct 2>/dev/null
sleep 2
check "the file shows the remap" grep -q '^dm_remap_remapped_blocks{device="r0",dm="dm-0"} 1$' \
	"$D/dm_remap.prom"
echo "=== BEGIN dm_remap.prom ==="
cat "$D/dm_remap.prom"
echo "=== END dm_remap.prom ==="
kill -TERM "$EXP"
wait "$EXP"
check_eq "SIGTERM: exit 0" 0 "$?"
dmsetup remove r0
finish
