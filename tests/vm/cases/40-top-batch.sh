#!/bin/sh
# dmremap-top's batch (-b) and JSON (-j) output against known I/O: zero
# devices, a device with one remapped block under a steady read load (the
# remapped block read too), a second idle device, devices that appear and
# disappear while it runs, the DEVICE filter, and a clear error without the
# module.
. /run/vmrun-lib/common.sh

T=$SCRATCH/top
mkdir -p "$T"

# last_frame FILE: the last batch frame of FILE
last_frame() {
	awk '/^dmremap-top - /{f=""} {f=f $0 "\n"} END{printf "%s", f}' "$1"
}
# col FILE DEV N: column N of DEV's row in the last frame
col() {
	last_frame "$1" | awk -v d="$2" -v n="$3" '$1 == d { print $n }'
}
# jlast FILE DEV KEY: KEY of DEV's last JSON line
jlast() {
	grep "\"device\":\"$2\"" "$1" | tail -n 1 | sed -n "s/.*\"$3\":\\(\"[^\"]*\"\\|[^,}]*\\).*/\\1/p"
}
positive() {	# positive NUMBER
	awk -v v="$1" 'BEGIN { exit !(v + 0 > 0) }'
}
has_row() {	# has_row FILE DEV: DEV has a row in the last frame
	last_frame "$1" | awk -v d="$2" '$1 == d { f = 1 } END { exit !f }'
}
first_has_row() {	# first_has_row FILE DEV: ... in the first frame
	awk -v d="$2" '/^dmremap-top - /{ n++ } n == 1 && $1 == d { f = 1 } END { exit !f }' "$1"
}
frame_has() {	# frame_has FILE TEXT: the last frame contains TEXT
	last_frame "$1" | grep -qF -- "$2"
}
frames() {	# frames FILE: number of batch frames
	grep -c '^dmremap-top - ' "$1"
}

# --- options -----------------------------------------------------------------
check "-h prints help with examples" sh -c "dmremap-top -h | grep -q Examples"
check "-V prints the version" sh -c "dmremap-top -V | grep -q '^dmremap-top '"
check_fails "-d 0 is refused" dmremap-top -b -d 0
check_fails "-n x is refused" dmremap-top -b -n x
dmremap-top -b -d 0 >/dev/null 2>"$T/err"
check_eq "a usage error exits 2" 2 "$?"
check "the interactive view without a terminal says so" \
	sh -c "dmremap-top -n 1 </dev/null 2>&1 >/dev/null | grep -q 'needs a terminal'"

# --- zero devices ----------------------------------------------------------
check "batch with no device runs" sh -c "dmremap-top -b -d 0.3 -n 2 >$T/zero"
check_eq "two frames" 2 "$(frames "$T/zero")"
check "the header says 0 devices" grep -q '^dmremap-top - .* - 0 devices' "$T/zero"
check "the column header is there" grep -q '^DEVICE .*R/s .*W/s .*RMB/s .*WMB/s .*RMP/s .*ERR/s .*ERRORS .*P50 .*P99 .*REMAPPED .*SPARE% .*PEND .*MODE .*MAIN' "$T/zero"
check "JSON with no device prints nothing" sh -c "dmremap-top -j -d 0.3 -n 2 >$T/zero.json && test ! -s $T/zero.json"

# --- a device with one remapped block, and an idle one ----------------------
nullb_create main 64 || bail "null_blk main"
nullb_create spare 16 || bail "null_blk spare"
nullb_create main1 32 || bail "null_blk main1"
nullb_create spare1 8 || bail "null_blk spare1"
echo "0 $(sectors_of /dev/main) remap /dev/main /dev/spare" | dmsetup create r0 || bail "create r0"
echo "0 $(sectors_of /dev/main1) remap /dev/main1 /dev/spare1" | dmsetup create r1 || bail "create r1"
is_blockdev /dev/mapper/r0 || bail "no /dev/mapper/r0"
SPARE_TOTAL=$(status_key r0 spare_total)

# block 256 (sectors 2048-2055) goes bad; a write to it is remapped
nullb_badblocks main "+2048-2055"
make_ref "$T/blk" 4
write_at /dev/mapper/r0 "$T/blk" 1024 || bail "write over the bad block"
check_eq "status: remapped=1" 1 "$(status_key r0 remapped)"

# steady reads: the whole device, and the remapped block alone (served by the spare)
fio --name=all --filename=/dev/mapper/r0 --rw=randread --bs=4k --direct=1 \
	--ioengine=psync --time_based --runtime=120 --rate_iops=200 \
	--name=spare --filename=/dev/mapper/r0 --rw=read --bs=4k --direct=1 \
	--ioengine=psync --offset=1048576 --size=4096 --time_based --runtime=120 --rate_iops=50 \
	>"$T/fio.log" 2>&1 &
FIO=$!
sleep 2

check "batch: 3 frames of 1 s" sh -c "dmremap-top -b -d 1 -n 3 >$T/b1 2>$T/b1.err"
check_eq "three frames" 3 "$(frames "$T/b1")"
check "the header says 2 devices" frame_has "$T/b1" ' - 2 devices'

check "r0 has reads per second" positive "$(col "$T/b1" r0 2)"
check "r0 has read MB/s" positive "$(col "$T/b1" r0 4)"
check_eq "r0 does not write" 0 "$(col "$T/b1" r0 3)"
check "r0 has remapped I/O per second (the remapped block is read)" positive "$(col "$T/b1" r0 6)"
check_eq "r0 shows no failed I/O per second" 0 "$(col "$T/b1" r0 7)"
check_eq "r0's errors (status) are the one write error" 1 "$(col "$T/b1" r0 8)"
check "r0 has a p50 latency" sh -c "echo '$(col "$T/b1" r0 9)' | grep -Eq '^[0-9.]+(ns|us|ms|s)$'"
check "r0 has a p99 latency" sh -c "echo '$(col "$T/b1" r0 10)' | grep -Eq '^[0-9.]+(ns|us|ms|s)$'"
check_eq "r0 shows 1 remapped block" 1 "$(col "$T/b1" r0 11)"
check "r0 shows spare usage above 0%" positive "$(col "$T/b1" r0 12)"
check_eq "r0 has nothing pending" 0 "$(col "$T/b1" r0 13)"
check_eq "r0 is rw" rw "$(col "$T/b1" r0 14)"
check_eq "idle r1: 0 r/s" 0 "$(col "$T/b1" r1 2)"
check_eq "idle r1: no latency" "-" "$(col "$T/b1" r1 9)"
check_eq "idle r1: 0 remapped" 0 "$(col "$T/b1" r1 11)"
check_eq "idle r1: spare 0%" 0 "$(col "$T/b1" r1 12)"
check "the totals line has the remap state" sh -c "grep '^Total: ' $T/b1 | tail -n 1 | grep -q 'remapped 1, pending 0, errors 1, read-only 0'"

check "JSON: 2 intervals" sh -c "dmremap-top -j -d 1 -n 2 >$T/j1 2>$T/j1.err"
check_eq "one object per device per interval" 4 "$(wc -l <"$T/j1")"
check "every line is one JSON object" sh -c "! grep -v '^{.*}\$' $T/j1"
check "r0: r_s > 0" positive "$(jlast "$T/j1" r0 r_s)"
check "r0: read_mb_s > 0" positive "$(jlast "$T/j1" r0 read_mb_s)"
check "r0: remapped_ios_s > 0" positive "$(jlast "$T/j1" r0 remapped_ios_s)"
check "r0: p50_ns > 0" positive "$(jlast "$T/j1" r0 p50_ns)"
check "r0: p99_ns >= p50_ns" awk -v a="$(jlast "$T/j1" r0 p99_ns)" -v b="$(jlast "$T/j1" r0 p50_ns)" 'BEGIN { exit !(a + 0 >= b + 0) }'
check_eq "r0: remapped_blocks" 1 "$(jlast "$T/j1" r0 remapped_blocks)"
check_eq "r0: spare_total" "$SPARE_TOTAL" "$(jlast "$T/j1" r0 spare_total)"
check_eq "r0: spare_free" $((SPARE_TOTAL - 1)) "$(jlast "$T/j1" r0 spare_free)"
check "r0: spare_used_pct > 0" positive "$(jlast "$T/j1" r0 spare_used_pct)"
check_eq "r0: pending" 0 "$(jlast "$T/j1" r0 pending)"
check_eq "r0: write_errors" 1 "$(jlast "$T/j1" r0 write_errors)"
check_eq "r0: mode" '"rw"' "$(jlast "$T/j1" r0 mode)"
check_eq "r0: dm name" "\"dm-$(dmsetup info -c --noheadings -o minor r0)\"" "$(jlast "$T/j1" r0 dm)"
check_eq "r1: r_s" "0.00" "$(jlast "$T/j1" r1 r_s)"
check_eq "r1: p50_ns null" null "$(jlast "$T/j1" r1 p50_ns)"
check "every column is in the JSON" sh -c "for k in device r_s w_s read_mb_s write_mb_s remapped_ios_s errors_s errors p50_ns p99_ns remapped_blocks spare_used_pct pending mode main; do grep -q \"\\\"\$k\\\":\" $T/j1 || { echo missing \$k; exit 1; }; done"

check "--raw-tp: the raw_tp fallback gives the same data" \
	sh -c "dmremap-top --raw-tp -j -d 1 -n 1 r0 >$T/raw.json 2>$T/raw.err"
check "--raw-tp: r0 has reads per second" positive "$(jlast "$T/raw.json" r0 r_s)"

check "DEVICE filter: only r1" sh -c "dmremap-top -b -d 0.5 -n 1 r1 >$T/f1"
check "r1 is listed" has_row "$T/f1" r1
check_fails "r0 is not" has_row "$T/f1" r0
check "DEVICE filter by /dev/mapper path" sh -c "dmremap-top -j -d 0.5 -n 1 /dev/mapper/r0 >$T/f2 && grep -q '\"device\":\"r0\"' $T/f2 && ! grep -q '\"device\":\"r1\"' $T/f2"

# --- devices appear and disappear while it runs -----------------------------
nullb_create main2 16 || bail "null_blk main2"
nullb_create spare2 8 || bail "null_blk spare2"
# 40 frames (20 s): room for the remove and the create (with its format)
# on the debug kernel, where 12 frames ran out before r2 existed
dmremap-top -b -d 0.5 -n 40 >"$T/live" 2>"$T/live.err" &
TOP=$!
# the first frame (after BPF load and one interval; slow under TCG) shows r1
wait_for grep -q '^dmremap-top - ' "$T/live"
dmsetup remove r1
echo "0 $(sectors_of /dev/main2) remap /dev/main2 /dev/spare2" | dmsetup create r2
wait $TOP
check_eq "dmremap-top kept running and exited 0" 0 "$?"
check_eq "forty frames" 40 "$(frames "$T/live")"
check "r1 was there at first" first_has_row "$T/live" r1
check_fails "r1 is gone at the end" has_row "$T/live" r1
check "r2 appeared" has_row "$T/live" r2
check "r0 stayed" has_row "$T/live" r0
check "nothing on stderr" test ! -s "$T/live.err"

# SIGTERM ends batch mode cleanly
dmremap-top -b -d 0.5 >"$T/term" 2>&1 &
TOP=$!
sleep 1.5
kill -TERM $TOP
wait $TOP
check_eq "SIGTERM: exit 0" 0 "$?"

# --- without the module -------------------------------------------------------
kill $FIO 2>/dev/null
wait $FIO 2>/dev/null
dmsetup remove r0
dmsetup remove r2
check "rmmod dm_remap" rmmod dm_remap
dmremap-top -b -n 1 >"$T/nomod" 2>"$T/nomod.err"
RC=$?
check "without the module: non-zero exit" test "$RC" -ne 0
check_eq "without the module: one clear line" "dmremap-top: dm_remap is not loaded" "$(cat "$T/nomod.err")"
check "without the module: nothing on stdout" test ! -s "$T/nomod"
dmremap-top -j -n 1 >/dev/null 2>"$T/nomod.err"
check "the same with -j" test "$?" -ne 0
check "modprobe dm_remap again" modprobe dm_remap
check "the kernel log is clean" kernel_log_clean
finish
