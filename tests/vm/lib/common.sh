# shellcheck shell=sh
# Helpers for the in-VM test cases (sourced: . /run/vmrun-lib/common.sh).
#
# Each case prints TAP lines ("ok N - what" / "not ok N - what") and ends
# with `finish`, which exits non-zero when any check failed.  Data checks
# compare bytes: a reference file is written to a device, read back and
# compared with cmp.

. /run/vmrun-lib/klog.sh

T_N=0
T_FAILED=0

ok() {
	T_N=$((T_N + 1))
	echo "ok $T_N - $*"
}

not_ok() {
	T_N=$((T_N + 1))
	T_FAILED=$((T_FAILED + 1))
	echo "not ok $T_N - $*"
}

# check DESCRIPTION COMMAND...: passes when COMMAND succeeds.  A failure
# prints the command, its status and the tail of its output.
check() {
	_desc=$1
	shift
	if _out=$("$@" 2>&1); then
		ok "$_desc"
	else
		_rc=$?
		not_ok "$_desc"
		echo "#   command: $* (exit $_rc)"
		printf '%s\n' "$_out" | sed 's/^/#   /' | tail -n 15
	fi
}

# check_fails DESCRIPTION COMMAND...: passes when COMMAND fails.
check_fails() {
	_desc=$1
	shift
	if _out=$("$@" 2>&1); then
		not_ok "$_desc (unexpectedly succeeded)"
		printf '%s\n' "$_out" | sed 's/^/#   /' | tail -n 15
	else
		ok "$_desc"
	fi
}

# check_eq DESCRIPTION EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1 (expected '$2', got '$3')"
	fi
}

# check_num DESCRIPTION ACTUAL OP BOUND: an integer comparison (OP is one of
# test's -eq -ne -lt -le -gt -ge); a failure prints both numbers.
check_num() {
	if [ -n "$2" ] && test "$2" "$3" "$4" 2>/dev/null; then
		ok "$1"
	else
		not_ok "$1 (got '$2', expected $3 $4)"
	fi
}

# has FILE PATTERN: a line of FILE matches the basic regex PATTERN; when
# none does, says so and shows the file's last lines (check prints them).
has() {
	grep -q -e "$2" "$1" && return 0
	echo "no line of $1 matches: $2"
	tail -n 5 "$1" 2>&1
	return 1
}

# lacks FILE PATTERN: no line of FILE matches PATTERN; prints the ones that do.
lacks() {
	! grep -e "$2" "$1"
}

# is_output EXPECTED COMMAND...: COMMAND succeeds and prints exactly
# EXPECTED (newlines included); a mismatch prints both.
is_output() {
	_want=$1
	shift
	_got=$("$@" 2>&1) || { echo "$* failed: $_got"; return 1; }
	[ "$_got" = "$_want" ] && return 0
	printf 'expected:\n%s\ngot:\n%s\n' "$_want" "$_got"
	return 1
}

# bail MESSAGE: a precondition failed; nothing after it can be trusted.
bail() {
	not_ok "$*"
	echo "Bail out! $*"
	exit 1
}

finish() {
	[ "$T_N" -gt 0 ] || { echo "not ok 1 - the case checked nothing"; exit 1; }
	echo "1..$T_N"
	[ "$T_FAILED" -eq 0 ]
}

# check_golden DESCRIPTION NAME FILE: FILE is exactly the golden output
# NAME, tests/vm/cases/<case>.NAME.out beside the case (vmrun brings it in
# as /vmrun/golden/NAME.out); a difference is printed as a unified diff.
check_golden() {
	_g=/vmrun/golden/$2.out
	if [ ! -f "$_g" ]; then
		not_ok "$1 (no golden output $2.out beside the case)"
	elif _d=$(diff -u "$_g" "$3" 2>&1); then
		ok "$1"
	else
		not_ok "$1 (differs from $2.out)"
		printf '%s\n' "$_d" | sed 's/^/#   /' | head -n 40
	fi
}

# log_mark: from now on, `logged` looks only at kernel log lines that come
# after this point.  (The log itself is kept whole for tests/run's scan.)
KLOG_MARK=0
# shellcheck disable=SC2317 # called by the cases
log_mark() {
	KLOG_MARK=$(dmesg | wc -l)
}

# logged TEXT: a kernel log line (after the last log_mark) contains TEXT, a
# fixed string; when none does, says so and shows the last device-mapper
# lines.
logged() {
	dmesg | tail -n +$((KLOG_MARK + 1)) | grep -qF -- "$1" && return 0
	if [ "$KLOG_MARK" -gt 0 ]; then
		echo "no kernel log line after line $KLOG_MARK contains: $1"
	else
		echo "no kernel log line contains: $1"
	fi
	echo "the last device-mapper lines:"
	dmesg | grep device-mapper | tail -n 5
	return 1
}

# fails_with TEXT COMMAND...: COMMAND fails and prints exactly TEXT (stdout
# and stderr together, e.g. one line saying why); else prints what it did.
fails_with() {
	_want=$1
	shift
	if _got=$("$@" 2>&1); then
		echo "$* succeeded; output: $_got"
		return 1
	fi
	[ "$_got" = "$_want" ] && return 0
	printf 'expected the output:\n%s\ngot:\n%s\n' "$_want" "$_got"
	return 1
}

# --- devices ------------------------------------------------------------------

# nullb_create NAME SIZE_MIB [BADBLOCKS]: a memory-backed null_blk disk
# /dev/NAME whose bad blocks (e.g. "+100-107") can be changed at run time.
# NULLB_BLOCKSIZE (default 512) sets its logical block size; NULLB_CACHE_MIB
# gives it a volatile write-back cache of that size (and FUA).
nullb_create() {
	modprobe null_blk nr_devices=0 || return 1
	_d=/sys/kernel/config/nullb/$1
	mkdir "$_d" || return 1
	echo 1 >"$_d/memory_backed"
	echo "$2" >"$_d/size"
	echo "${NULLB_BLOCKSIZE:-512}" >"$_d/blocksize"
	[ -n "${NULLB_CACHE_MIB:-}" ] && echo "$NULLB_CACHE_MIB" >"$_d/cache_size"
	[ -n "${3:-}" ] && echo "$3" >"$_d/badblocks"
	echo 1 >"$_d/power" || return 1
	[ -b "/dev/$1" ] || mdev_node "$1"
}

nullb_badblocks() {	# nullb_badblocks NAME "+100-107" | "-100-107"
	echo "$2" >"/sys/kernel/config/nullb/$1/badblocks"
}

nullb_remove() {
	echo 0 >"/sys/kernel/config/nullb/$1/power" 2>/dev/null
	rmdir "/sys/kernel/config/nullb/$1"
}

mdev_node() {	# make /dev/NAME from sysfs if devtmpfs has not
	_mm=$(cat "/sys/block/$1/dev") || return 1
	mknod "/dev/$1" b "${_mm%:*}" "${_mm#*:}"
}

# is_blockdev PATH: guards against writes creating regular files.
is_blockdev() {
	[ -b "$1" ]
}

sectors_of() {	# sectors_of DEV
	blockdev --getsz "$1"
}

# --- data ---------------------------------------------------------------------

# GNU dd, by path: busybox sh prefers its own dd applet, whose O_DIRECT
# silently falls back to the page cache.
DD=/usr/bin/dd

# make_ref FILE KIB: a reference file of random bytes.
make_ref() {
	"$DD" if=/dev/urandom of="$1" bs=1024 count="$2" 2>/dev/null
}

# write_at DEV FILE OFFSET_KIB: writes FILE to DEV at OFFSET with direct
# I/O of up to 64 KiB (dm splits them at remap block boundaries).
# (GNU dd turns O_DIRECT off for a short last block: keep bs <= the size.)
write_at() {
	_bs=$(wc -c <"$2")
	[ "$_bs" -gt 65536 ] && _bs=65536
	"$DD" if="$2" of="$1" bs="$_bs" seek=$(($3 * 1024)) oflag=direct,seek_bytes \
		conv=notrunc 2>/dev/null
}

# read_at DEV FILE OFFSET_KIB KIB: reads back KIB from DEV into FILE, with
# direct I/O of up to 64 KiB (4 KiB-aligned ranges work on 4Kn devices).
read_at() {
	"$DD" if="$1" of="$2" bs=65536 skip=$(($3 * 1024)) count=$(($4 * 1024)) \
		iflag=direct,skip_bytes,count_bytes 2>/dev/null
}

# same_data DEV REF OFFSET_KIB: DEV at OFFSET holds exactly REF.
same_data() {
	_kib=$(( $(wc -c <"$2") / 1024 ))
	read_at "$1" "$SCRATCH/.readback" "$3" "$_kib" || return 1
	cmp "$2" "$SCRATCH/.readback"
}

# --- dm -----------------------------------------------------------------------

status_key() {	# status_key NAME KEY: the value of KEY in dmsetup status
	dmsetup status "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# dm_devt NAME: the dm device's major:minor, the name the target's log
# lines carry ("device-mapper: remap: 254:0: ...").
dm_devt() {
	dmsetup info -c --noheadings --separator : -o major,minor "$1"
}

dm_exists() {
	dmsetup info "$1" >/dev/null 2>&1
}

# kernel_log_clean: no WARNING, BUG, Oops, hung task or checker report
# (tests/vm/lib/klog.sh) in the kernel log; prints the ones found.
kernel_log_clean() {
	! dmesg | klog_bad
}

# --- remap helpers ------------------------------------------------------------

# remap_disks [-m MAIN_MIB] [-s SPARE_MIB]: the null_blk disks /dev/main
# (default 64 MiB) and /dev/spare (default 16 MiB); sets LEN, main's size
# in sectors.
remap_disks() {
	_main_mib=64
	_spare_mib=16
	while [ $# -gt 0 ]; do
		case "$1" in
		-m) _main_mib=$2; shift 2 ;;
		-s) _spare_mib=$2; shift 2 ;;
		*) bail "remap_disks: unknown argument '$1'" ;;
		esac
	done
	nullb_create main "$_main_mib" || bail "null_blk main ($_main_mib MiB)"
	nullb_create spare "$_spare_mib" || bail "null_blk spare ($_spare_mib MiB)"
	LEN=$(sectors_of /dev/main)
}

# remap_setup [-m MAIN_MIB] [-s SPARE_MIB] [OPT_ARGS...]: remap_disks, then
# the remap device r0 over the whole of main with OPT_ARGS (the optional
# table arguments, e.g. "2 block_size 65536"); sets LEN and TABLE (r0's
# table line).
remap_setup() {
	_disk_args=
	while [ $# -gt 0 ]; do
		case "$1" in
		-m|-s) _disk_args="$_disk_args $1 $2"; shift 2 ;;
		*) break ;;
		esac
	done
	# shellcheck disable=SC2086 # options and numbers, no spaces
	remap_disks $_disk_args
	TABLE="0 $LEN remap /dev/main /dev/spare${1:+ $*}"
	echo "$TABLE" | dmsetup create r0 || bail "create r0: $TABLE"
	is_blockdev /dev/mapper/r0 || bail "no block device /dev/mapper/r0"
}

# stats_key NAME KEY: a value from the "stats" message.
stats_key() {
	dmsetup message "$1" 0 stats | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# put_block FILE OFFSET_KIB SRC: writes SRC into FILE at OFFSET (no truncation).
put_block() {
	"$DD" if="$3" of="$1" bs=1024 seek="$2" conv=notrunc 2>/dev/null
}

# write_ref DESCRIPTION DEV FILE KIB OFFSET_KIB: a check that a fresh
# reference FILE of KIB random bytes writes to DEV at OFFSET; FILE is put
# into $SCRATCH/exp, the image DEV is then expected to hold.
write_ref() {
	make_ref "$3" "$4"
	check "$1" write_at "$2" "$3" "$5"
	put_block "$SCRATCH/exp" "$5" "$3"
}

# --- tracers ------------------------------------------------------------------

# start_tracer OUT ARGS...: runs `dmremap-trace ARGS...` in the background,
# stdout to OUT and stderr to OUT.err; sets TPID.  Bails out unless it
# prints its "Tracing ..." line (it is attached then).
start_tracer() {
	_o=$1
	shift
	dmremap-trace "$@" >"$_o" 2>"$_o.err" &
	# shellcheck disable=SC2034 # TPID is read by the cases
	TPID=$!
	# for waited: where this tracer's errors go
	eval "TRACER_ERR_$TPID=\$_o.err"
	wait_for grep -q Tracing "$_o.err" ||
		bail "dmremap-trace $* did not start: $(tail -n 3 "$_o.err")"
}

# waited DESCRIPTION PID: PID (a child of this shell) exited with status 0;
# if not, and PID is a tracer of start_tracer, the tail of its stderr.
waited() {
	wait "$2"
	_rc=$?
	check_eq "$1" 0 "$_rc"
	[ "$_rc" = 0 ] && return 0
	eval "_err=\${TRACER_ERR_$2-}"
	if [ -n "$_err" ]; then
		tail -n 5 "$_err" | sed 's/^/#   stderr: /'
	fi
	return 0
}

# wq_worker_blocked WQ: a kworker running an item of workqueue WQ (its
# comm ends in "+WQ") sleeps uninterruptibly, i.e. the item waits for I/O.
wq_worker_blocked() {
	for _c in /proc/[0-9]*/comm; do
		case $(cat "$_c" 2>/dev/null) in
		*"+$1") ;;
		*) continue ;;
		esac
		_st=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "${_c%comm}status" 2>/dev/null)
		[ "$_st" = D ] && return 0
	done
	return 1
}

# task_waits_in FUNC: some task sleeps with FUNC on its kernel stack (the
# frame name as /proc/PID/stack prints it, e.g. remap_postsuspend).
task_waits_in() {
	grep -qs "^\[<[0-9a-f]*>\] $1+" /proc/[0-9]*/stack
}

# wait_for CMD...: retries CMD for up to 30 s.
wait_for() {
	_i=0
	while ! "$@" >/dev/null 2>&1; do
		_i=$((_i + 1))
		[ $_i -ge 150 ] && return 1
		sleep 0.2
	done
}

# zero_ref FILE KIB: a file of zeroes.
zero_ref() {
	"$DD" if=/dev/zero of="$1" bs=1024 count="$2" 2>/dev/null
}

# log_since: the kernel log lines after the last log_mark (above).  Unlike
# dmesg -c this keeps the whole log for the driver's final WARNING/BUG check.
log_since() {
	dmesg | tail -n +$((KLOG_MARK + 1))
}

# log_has [GREP_OPTION...] PATTERN: a line logged after the mark matches.
log_has() {
	log_since | grep -q "$@"
}
