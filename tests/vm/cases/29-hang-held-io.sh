#!/bin/sh
# I/O held in dm core by a SUSPENDED remap device, queued BEFORE dmremap-trace
# hang starts: r0 is suspended, then 3 direct writes (dd) and a fio with 64
# writes in flight wait in dm's deferred list, which neither the target nor
# /sys/block/dm-N/inflight counts.  --once and the following tracer report
# them as ONE stuck_io line, target held: the exact count (67), the age of
# the oldest from the bios' own issue time (>= 3 s), its sector; the tracer
# reports it once and clears it once after `dmsetup resume r0`, when every
# write completes and reads back.  A healthy remap device, and a suspended
# one holding nothing, are never reported; -t applies to the age.
. /run/vmrun-lib/common.sh
. /run/vmrun-lib/trace.sh

remap_setup
nullb_create main1 16 || bail "null_blk main1"
nullb_create spare1 16 || bail "null_blk spare1"
echo "0 $(sectors_of /dev/main1) remap /dev/main1 /dev/spare1" | dmsetup create r1 ||
	bail "create r1"
dmsetup mknodes

ONCE=$SCRATCH/healthy.json
dmremap-trace hang --once -t 2 -j >"$ONCE" 2>"$ONCE.err"
check_eq "healthy: --once exits 0" 0 "$?"
check_eq "healthy: no report" 0 "$(wc -l <"$ONCE")"
check "healthy: the held-I/O probe loaded (no note on stderr)" lacks "$ONCE.err" 'not reported'

# r1: suspended, holding nothing; r0: suspended, then written to
dmsetup suspend r1 || bail "suspend r1"
dmsetup suspend r0 || bail "suspend r0"
# blocked_dd N: N dd processes sleep in D state (their write is queued)
blocked_dd() {
	[ "$(grep -l '^[0-9]* (dd) D' /proc/[0-9]*/stat 2>/dev/null | wc -l)" -eq "$1" ]
}
# uptime_s: seconds since the guest booted (CLOCK_BOOTTIME: no sleep in a guest)
uptime_s() { cut -d' ' -f1 /proc/uptime; }
T0=$(uptime_s)
WRITERS=
n=0
for off in 1024 2048 3072; do
	make_ref "$SCRATCH/w$off" 4
	write_at /dev/mapper/r0 "$SCRATCH/w$off" "$off" &
	WRITERS="$WRITERS $!"
	n=$((n + 1))
	# one after the other: the first (sector 2048) is the oldest
	wait_for blocked_dd $n || bail "dd $n is not blocked on the suspended r0"
done
# 64 sequential 4 KiB writes at 8 MiB, all submitted at once (libaio): fio
# then sleeps in io_getevents (syscall 208) until they complete
fio --name=held --filename=/dev/mapper/r0 --rw=write --bs=4k --direct=1 --ioengine=libaio \
	--iodepth=64 --number_ios=64 --offset=8m --size=256k --invalidate=0 \
	--buffer_pattern=0x5a >"$SCRATCH/fio.out" 2>&1 &
FIO=$!
check_wait "fio has its 64 writes in flight" sh -c \
	"grep -q '^208 ' /proc/[0-9]*/task/*/syscall"
check_eq "dm counts none of them in flight" "0 0" \
	"$(awk '{ print $1, $2 }' "/sys/dev/block/$(dm_devt r0)/inflight")"
sleep 3		# the oldest write is >= 3 s old before any tracer

ONCE=$SCRATCH/once.json
dmremap-trace hang --once -t 2 -j >"$ONCE" 2>"$ONCE.err"
check_eq "--once exits 0" 0 "$?"
check_eq "--once: one line" 1 "$(wc -l <"$ONCE")"
check "--once: stuck_io r0, target held, 67 I/O, exact age, the oldest at sector 2048, suspended" \
	has "$ONCE" '"event":"stuck_io","device":"r0","dev":"[0-9]*:[0-9]*","target":"held","count":67,"seconds":[0-9.]*,"age_exact":true,"sector":2048,"count_exact":true,"suspended":true}'
S=$(json_line "$ONCE" '"target":"held"')
at_least "--once: the age counts from before the tool (>= 3 s)" 3 "$(json_num "$S" seconds)"
check "--once: ... and is the bios' own: no older than the first write ($T0 s after boot)" \
	awk -v a="$(json_num "$S" seconds)" -v t0="$T0" -v t1="$(uptime_s)" \
	'BEGIN { if (a > t1 - t0) { print a " s > " t1 - t0 " s"; exit 1 } }'
check "--once: r1, suspended and idle, is not reported" lacks "$ONCE" '"device":"r1"'

TXT=$SCRATCH/once.txt
dmremap-trace hang --once -t 2 >"$TXT" 2>&1
check "--once text: the held line" grep -q \
	'^[0-9:]* stuck_io       r0 target held: 67 I/O held in dm core, the device is suspended (dmsetup resume releases them), oldest [0-9.]* s at sector 2048$' "$TXT"
check_eq "--once text: that line only" 1 "$(wc -l <"$TXT")"
LATE=$SCRATCH/late.json
dmremap-trace hang --once -t 600 -j >"$LATE" 2>&1
check_eq "-t 600: younger than the threshold, not reported" 0 "$(wc -l <"$LATE")"

OUT=$SCRATCH/hang.json
start_tracer "$OUT" hang -t 2 -j
TRACER=$TPID
check "the tracer looks at held I/O through fentry" has "$OUT.err" 'held I/O via fentry'
check_wait "tracer: the held I/O reported at start" \
	has "$OUT" '"event":"stuck_io","device":"r0",.*"target":"held","count":67,.*"age_exact":true,"sector":2048,'
sleep 4
check_eq "tracer: reported once in 4 s of polls" 1 "$(count_of "$OUT" '"event":"stuck_io"')"
check_eq "tracer: nothing else" 1 "$(wc -l <"$OUT")"

dmsetup resume r0 || bail "resume r0"
for p in $WRITERS; do
	waited "a dd write completes" "$p"
done
waited "fio completes" "$FIO"
check_wait "tracer: cleared once" \
	has "$OUT" '"event":"cleared","stall":"stuck_io","device":"r0","target":"held","count":67,'
C=$(json_line "$OUT" '"event":"cleared"')
at_least "cleared: the whole time held (>= 7 s)" 7 "$(json_num "$C" seconds)"
sleep 1
check_eq "tracer: two lines in all" 2 "$(wc -l <"$OUT")"
stop_tracer "the tracer exits cleanly" "$TRACER"

for off in 1024 2048 3072; do
	check "the dd write at $off KiB reads back" same_data /dev/mapper/r0 "$SCRATCH/w$off" "$off"
done
"$DD" if=/dev/zero bs=1024 count=256 2>/dev/null | tr '\0' '\132' >"$SCRATCH/pattern"
check "fio's 256 KiB of 0x5a read back" same_data /dev/mapper/r0 "$SCRATCH/pattern" 8192
AFTER=$SCRATCH/after.json
dmremap-trace hang --once -t 2 -j >"$AFTER" 2>&1
check_eq "after the resume: nothing held" 0 "$(wc -l <"$AFTER")"
check "cleanup" sh -c "dmsetup resume r1 && dmsetup remove r0 && dmsetup remove r1"
check "rmmod dm_remap (no probe left behind)" rmmod dm_remap
check "no hung-task or warning in the kernel log" kernel_log_clean
show_output "$ONCE"
show_output "$TXT"
show_output "$OUT"
finish
