#!/bin/sh
# dmremap-trace hang without a stall: --once prints that nothing is stuck
# and exits 0 (no JSON line with -j); tracers left attached (the default
# one, without a per-I/O hook, and one with --sectors) during a healthy
# random read/write load on a remap device and an unrelated loop device
# report nothing (nor held I/O: nothing is suspended).  A scan that fails
# (no file descriptor left) is a warning and the tracer goes on.  Then one
# remap write stuck under a suspended main AFTER they started is stuck_io:
# from dm's counters (age a lower bound, no sector; the bio mainlin holds
# named with its sector) and, with --sectors, with its exact age and
# sector; scans that fail half-way meanwhile clear nothing.  Last, scans
# that keep failing for 10 s end a tracer with status 1.
. /run/vmrun-lib/common.sh
. /run/vmrun-lib/trace.sh

nullb_create nbmain 64 || bail "null_blk main"
nullb_create sp 16 || bail "null_blk spare"
nullb_create nbl 64 || bail "null_blk for loop"
LEN=$(sectors_of /dev/nbmain)
echo "0 $LEN linear /dev/nbmain 0" | dmsetup create mainlin || bail "main linear"
echo "0 $LEN remap /dev/mapper/mainlin /dev/sp" | dmsetup create r0 || bail "create r0"
dmsetup mknodes
modprobe loop || bail "modprobe loop"
[ -b /dev/loop0 ] || mknod /dev/loop0 b 7 0
losetup /dev/loop0 /dev/nbl || bail "losetup"

TXT=$SCRATCH/once.txt
dmremap-trace hang --once -t 2 >"$TXT" 2>&1
check_eq "--once without stalls exits 0" 0 "$?"
check "--once says nothing is stuck" grep -qx "no stall longer than 2 s" "$TXT"
ONCE=$SCRATCH/once.json
dmremap-trace hang --once -t 2 -j >"$ONCE" 2>"$ONCE.err"
check_eq "--once -j without stalls exits 0" 0 "$?"
check_eq "--once -j prints no line" 0 "$(wc -l <"$ONCE")"

OUT=$SCRATCH/hang.json
start_tracer "$OUT" hang -t 2 -j --sectors
TRACER=$TPID
check "--sectors attaches BPF" grep -q "remap I/O via " "$OUT.err"
PLAIN=$SCRATCH/plain.json
start_tracer "$PLAIN" hang -t 2 -j
PLAINPID=$TPID
check "the default tracer has no per-I/O hook, only the held-I/O probe" \
	grep -q "remap I/O from dm's counters, held I/O via fentry" "$PLAIN.err"
LOADS=
for dev in /dev/mapper/r0 /dev/loop0; do
	fio --name=healthy --filename=$dev --rw=randrw --bs=4k --direct=1 --ioengine=libaio \
		--iodepth=8 --size=32m --time_based --runtime=8 >"$SCRATCH/fio.$(basename $dev)" 2>&1 &
	LOADS="$LOADS $!"
done
for p in $LOADS; do
	waited "a healthy load exits 0" "$p"
done
check "the loads ran" sh -c "grep -q 'IOPS=' $SCRATCH/fio.r0 && grep -q 'IOPS=' $SCRATCH/fio.loop0"
check_eq "no report under a healthy load (--sectors)" 0 "$(wc -l <"$OUT")"
check_eq "no report under a healthy load (default)" 0 "$(wc -l <"$PLAIN")"

# dirs_only_limit PID: a file descriptor limit under which PID can open
# two more (the directories /proc and /proc/P/task) but not a third
dirs_only_limit() {
	_fd=0
	_free=0
	while [ "$_free" -lt 2 ]; do
		[ -e "/proc/$1/fd/$_fd" ] || _free=$((_free + 1))
		_fd=$((_fd + 1))
	done
	echo "$_fd"
}

# a scan that fails (no file descriptor left: opendir /proc fails) is a
# warning and the default tracer goes on (it gives up only after 10 s)
NOFILE=$(prlimit --pid "$PLAINPID" --nofile --raw --noheadings --output SOFT)
prlimit --pid "$PLAINPID" --nofile=3: || bail "prlimit"
check_wait "a failed scan is a warning" \
	has "$PLAIN.err" "reading the kernel's state: Too many open files (trying again for 10 s)"
prlimit --pid "$PLAINPID" --nofile="$NOFILE": || bail "prlimit back"
check_wait "... and the scans work again" has "$PLAIN.err" "reading the kernel's state works again"
check "the default tracer goes on" kill -0 "$PLAINPID"

# one write that gets stuck after the tracer started: exact age and sector
dmsetup suspend mainlin || bail "suspend main"
make_ref "$SCRATCH/a" 4
write_at /dev/mapper/r0 "$SCRATCH/a" 3072 &
WRITER=$!
check_wait "stuck_io r0, target main, 1 I/O, exact age, sector 6144" \
	has "$OUT" '"event":"stuck_io","device":"r0","dev":"[0-9:]*","target":"main","count":1,"seconds":[0-9.]*,"age_exact":true,"sector":6144,"held_below":null}'
S=$(json_line "$OUT" '"event":"stuck_io"')
at_least "reported past the threshold (>= 2 s)" 2 "$(json_num "$S" seconds)"
check_wait "default: stuck_io r0, target main, 1 I/O, age a lower bound, no sector, held in mainlin at 6144" \
	has "$PLAIN" '"event":"stuck_io","device":"r0","dev":"[0-9:]*","target":"main","count":1,"seconds":[0-9.]*,"age_exact":false,"sector":null,"held_below":{"device":"mainlin","dev":"[0-9:]*","count":1,"count_exact":true,"suspended":true,"seconds":[0-9.]*,"sector":6144}}'
P=$(json_line "$PLAIN" '"event":"stuck_io"')
at_least "default: reported past the threshold (>= 2 s)" 2 "$(json_num "$P" seconds)"
# a scan that lists /proc but cannot read a task's files fails as a whole,
# so the stall followed is not taken for cleared (the line count below)
prlimit --pid "$PLAINPID" --nofile="$(dirs_only_limit "$PLAINPID")": || bail "prlimit"
check_wait "default: a scan that cannot read a task fails (a second warning)" \
	at_least_lines "$PLAIN.err" "Too many open files (trying again" 2
prlimit --pid "$PLAINPID" --nofile="$NOFILE": || bail "prlimit back"
check_wait "... and works again" at_least_lines "$PLAIN.err" "works again" 2
dmsetup resume mainlin
waited "the write completes" "$WRITER"
check_wait "cleared" has "$OUT" '"event":"cleared","stall":"stuck_io","device":"r0","target":"main","count":1'
check_wait "default: cleared" has "$PLAIN" '"event":"cleared","stall":"stuck_io","device":"r0","target":"main","count":1'
check_eq "nothing else was reported (--sectors)" 2 "$(wc -l <"$OUT")"
check_eq "nothing else was reported (default)" 2 "$(wc -l <"$PLAIN")"
stop_tracer "the tracer exits cleanly" "$TRACER"
stop_tracer "the default tracer too" "$PLAINPID"
check "... it never gave up" lacks "$PLAIN.err" "giving up"

# scans that keep failing end the tracer: status 1 after 10 s of them
# (-t 2: a scan every 0.5 s)
start_tracer "$SCRATCH/gives-up" hang -t 2
T0=$(cut -d' ' -f1 /proc/uptime)
prlimit --pid "$TPID" --nofile=3: || bail "prlimit"
wait_for sh -c "! kill -0 $TPID" || bail "the failing tracer still runs after 30 s"
wait "$TPID"
check_eq "a tracer whose scans keep failing exits 1" 1 "$?"
at_least "... after 10 s of them" 10 "$(awk -v t0="$T0" '{ print $1 - t0 }' /proc/uptime)"
check_eq "... with one warning and one last line" "1 1" \
	"$(count_of "$SCRATCH/gives-up.err" "trying again for 10 s") $(count_of "$SCRATCH/gives-up.err" "Too many open files; giving up after [0-9]* failed scans")"
GAVE_UP=$(sed -n 's/.*giving up after \([0-9]*\) failed scans.*/\1/p' "$SCRATCH/gives-up.err")
at_least "... and at least 10 failed scans" 10 "$GAVE_UP"
check "the write reads back" same_data /dev/mapper/r0 "$SCRATCH/a" 3072
check "cleanup" sh -c "losetup -d /dev/loop0 && dmsetup remove r0 && dmsetup remove mainlin"
check "rmmod dm_remap" rmmod dm_remap
check "no hung-task or warning in the kernel log" kernel_log_clean
show_output "$OUT"
show_output "$PLAIN"
finish
