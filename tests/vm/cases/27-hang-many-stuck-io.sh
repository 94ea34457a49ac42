#!/bin/sh
# Thousands of remap I/Os stuck under a suspended main (dm-linear "mainlin")
# BEFORE dmremap-trace hang starts: --once and the tracer report them as ONE
# stuck_io line for r0, target main, with the count dm has in flight and
# the age of the oldest from the bios mainlin holds; the
# tracer reports it once however long it runs and however many more I/Os
# get stuck after it started, and clears it once when main resumes.
. /run/vmrun-lib/common.sh
. /run/vmrun-lib/trace.sh

nullb_create nbmain 64 || bail "null_blk main"
nullb_create sp 16 || bail "null_blk spare"
LEN=$(sectors_of /dev/nbmain)
echo "0 $LEN linear /dev/nbmain 0" | dmsetup create mainlin || bail "main linear"
echo "0 $LEN remap /dev/mapper/mainlin /dev/sp" | dmsetup create r0 || bail "create r0"
dmsetup mknodes
R0=/sys/dev/block/$(dmsetup info -c --noheadings -o major,minor --separator : r0)
inflight() { awk '{ print $1 + $2 }' "$R0/inflight"; }

dmsetup suspend mainlin || bail "suspend main"
fio --name=stuck --filename=/dev/mapper/r0 --rw=randwrite --bs=4k --direct=1 \
	--ioengine=libaio --iodepth=1280 --iodepth_batch_submit=256 --number_ios=1280 \
	--size=32m >"$SCRATCH/fio.out" 2>&1 &
FIO=$!
wait_for sh -c "[ \$(awk '{ print \$1 + \$2 }' $R0/inflight) -ge 1280 ]"
N=$(inflight)
at_least "1280 I/Os of r0 are stuck before any tracer" 1280 "$N"
sleep 2

ONCE=$SCRATCH/once.json
dmremap-trace hang --once -t 2 -j >"$ONCE" 2>"$ONCE.err"
check_eq "--once exits 0" 0 "$?"
check_eq "--once: one stuck_io line" 1 "$(count_of "$ONCE" '"event":"stuck_io"')"
check "--once: r0, target main, with the whole count, all held in mainlin" \
	has "$ONCE" "\"event\":\"stuck_io\",\"device\":\"r0\",\"dev\":\"[0-9:]*\",\"target\":\"main\",\"count\":$N,.*\"held_below\":{\"device\":\"mainlin\",\"dev\":\"[0-9:]*\",\"count\":$N,\"count_exact\":true,\"suspended\":true,"
# their age, from the bios mainlin holds: >= 2 s before the tool ran
S=$(json_line "$ONCE" '"event":"stuck_io"')
at_least "--once: the oldest's age counts from before the tool (>= 2 s)" 2 \
	"$(json_num "${S%%,\"held_below\"*}" seconds)"

OUT=$SCRATCH/hang.json
start_tracer "$OUT" hang -t 2 -j
TRACER=$TPID
check_wait "tracer: r0's stuck I/O reported at start" \
	has "$OUT" "\"event\":\"stuck_io\",\"device\":\"r0\",.*\"target\":\"main\",\"count\":$N,"
# more I/O gets stuck while the tracer runs, and time passes (many polls)
make_ref "$SCRATCH/a" 4
write_at /dev/mapper/r0 "$SCRATCH/a" 4096 &
WRITER=$!
sleep 6
check_eq "still one stuck_io line after 6 s and more stuck I/O" 1 \
	"$(count_of "$OUT" '"event":"stuck_io"')"
check "no overflow" sh -c "! grep -q '\"event\":\"overflow\"' $OUT"

dmsetup resume mainlin
waited "fio completes" "$FIO"
waited "the later write completes" "$WRITER"
check_wait "cleared once" has "$OUT" '"event":"cleared","stall":"stuck_io","device":"r0","target":"main"'
sleep 1
check_eq "one cleared line" 1 "$(count_of "$OUT" '"event":"cleared"')"
stop_tracer "the tracer exits cleanly" "$TRACER"
check_eq "nothing in flight any more" 0 "$(inflight)"
check "the later write reads back" same_data /dev/mapper/r0 "$SCRATCH/a" 4096
check "remove" sh -c "dmsetup remove r0 && dmsetup remove mainlin"
check "rmmod dm_remap" rmmod dm_remap
check "no hung-task or warning in the kernel log" kernel_log_clean
show_output "$ONCE"
show_output "$OUT"
finish
