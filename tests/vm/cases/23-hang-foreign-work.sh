#!/bin/sh
# dmremap-trace hang and a work item of another module, loaded AFTER the
# tracer started: loop's worker blocked reading its backing device (a
# suspended dm-linear) is reported as stuck_work with its own function and
# module [loop], symbolized by the kernel, then cleared.  (The function is
# the frame under process_one_work: loop_rootcg_workfn tail-calls
# loop_process_work, so the stack shows the latter.)  With
# kptr_restrict=2 (kernel addresses hidden) the tracer still starts and
# --once still names the function and the stack.
. /run/vmrun-lib/common.sh
. /run/vmrun-lib/trace.sh

check "loop is not loaded yet" sh -c "! grep -q '^loop ' /proc/modules"
OUT=$SCRATCH/hang.json
start_tracer "$OUT" hang -t 2 -j
# shellcheck disable=SC2153 # set by start_tracer (trace.sh)
TRACER=$TPID

modprobe loop || bail "modprobe loop"
nullb_create nb0 32 || bail "null_blk"
echo "0 $(sectors_of /dev/nb0) linear /dev/nb0 0" | dmsetup create lin0 || bail "linear"
[ -b /dev/loop0 ] || mknod /dev/loop0 b 7 0
# buffered (no direct I/O): the worker reads the backing device's page cache
losetup /dev/loop0 /dev/mapper/lin0 || bail "losetup"
dmsetup suspend lin0 || bail "suspend linear"
"$DD" if=/dev/loop0 of=/dev/null bs=4096 count=1 skip=1000 iflag=direct 2>/dev/null &
READER=$!

check_wait "stuck_work of loop's worker, module loop (loaded after the tracer)" \
	has "$OUT" '"event":"stuck_work","function":"loop[a-z_]*","module":"loop","workqueue":"loop0"'
check "its stack shows it waiting for the page read, inside loop" \
	has "$OUT" '"module":"loop".*"stack":\[.*\(folio\|page\|filemap\).*"loop_[a-z_]*+0x[0-9a-f]*/0x[0-9a-f]* \[loop\]"'
check "nothing is blamed on dm-remap" sh -c "! grep -q '\"module\":\"dm_remap\"' $OUT"
check "the read is still blocked" kill -0 "$READER"

echo 2 >/proc/sys/kernel/kptr_restrict
check_eq "kptr_restrict=2" 2 "$(cat /proc/sys/kernel/kptr_restrict)"
check "kallsyms addresses are hidden" sh -c "head -n1 /proc/kallsyms | grep -q '^0000000000000000 '"
ONCE=$SCRATCH/once.json
dmremap-trace hang --once -t 2 -j >"$ONCE" 2>"$ONCE.err"
check_eq "--once runs under kptr_restrict=2" 0 "$?"
check "--once names loop's work function and its stack" \
	has "$ONCE" '"event":"stuck_work".*"function":"loop[a-z_]*","module":"loop".*"stack":\[.*"loop_[a-z_]*+0x[0-9a-f]*/0x[0-9a-f]* \[loop\]"'
K=$SCRATCH/k.json
start_tracer "$K" hang -t 2 -j
KPID=$TPID
check_wait "a tracer started under kptr_restrict=2 reports the same stall" \
	has "$K" '"event":"stuck_work".*"function":"loop[a-z_]*","module":"loop"'
echo 0 >/proc/sys/kernel/kptr_restrict

dmsetup resume lin0
waited "the read completes" "$READER"
check_wait "stuck_work cleared" \
	has "$OUT" '"event":"cleared","stall":"stuck_work","function":"loop[a-z_]*","module":"loop"'
stop_tracer "the tracer exits cleanly" "$TRACER"
stop_tracer "the kptr_restrict tracer too" "$KPID"
check "detach the loop device" losetup -d /dev/loop0
check "remove the linear device" dmsetup remove lin0
check "rmmod dm_remap" rmmod dm_remap
check "no hung-task or warning in the kernel log" kernel_log_clean
show_output "$OUT"
show_output "$ONCE"
show_output "$K"
show_output "$K.err"
finish
