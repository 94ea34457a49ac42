# Helpers for the in-VM test cases (sourced: . /run/vmrun-lib/common.sh).
#
# Each case prints TAP lines ("ok N - what" / "not ok N - what") and ends
# with `finish`, which exits non-zero when any check failed.  Data checks
# compare bytes: a reference file is written to a device, read back and
# compared with cmp.

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

# check DESCRIPTION COMMAND...: passes when COMMAND succeeds.
check() {
	_desc=$1
	shift
	if _out=$("$@" 2>&1); then
		ok "$_desc"
	else
		not_ok "$_desc"
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

dm_exists() {
	dmsetup info "$1" >/dev/null 2>&1
}

# kernel_log_clean: no WARNING, BUG, Oops or hung task in the kernel log.
kernel_log_clean() {
	! dmesg | grep -E 'WARNING:|BUG:|Oops|general protection|INFO: task .* blocked|KASAN|UBSAN|kmemleak'
}

# --- remap helpers ------------------------------------------------------------

# remap_setup [OPT_ARGS...]: null_blk disks "main" (64 MiB) and "spare"
# (16 MiB), and the remap device r0 over them with OPT_ARGS (e.g. "1 format");
# sets LEN (sectors) and TABLE (r0's table line).
remap_setup() {
	nullb_create main 64 || bail "null_blk main"
	nullb_create spare 16 || bail "null_blk spare"
	LEN=$(sectors_of /dev/main)
	TABLE="0 $LEN remap /dev/main /dev/spare${1:+ $*}"
	echo "$TABLE" | dmsetup create r0 || bail "create r0"
}

# stats_key NAME KEY: a value from the "stats" message.
stats_key() {
	dmsetup message "$1" 0 stats | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# put_block FILE OFFSET_KIB SRC: writes SRC into FILE at OFFSET (no truncation).
put_block() {
	"$DD" if="$3" of="$1" bs=1024 seek="$2" conv=notrunc 2>/dev/null
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

# log_mark: remember where the kernel log ends now; log_since: the lines
# logged after the mark.  Unlike dmesg -c this keeps the whole log for the
# driver's final WARNING/BUG check.
log_mark() {
	LOG_MARK=$(dmesg | wc -l)
}

log_since() {
	dmesg | tail -n +$((${LOG_MARK:-0} + 1))
}

# log_has [GREP_OPTION...] PATTERN: a line logged after the mark matches.
log_has() {
	log_since | grep -q "$@"
}
