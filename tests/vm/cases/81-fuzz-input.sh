#!/bin/sh
# Bad input: table lines and messages with boundary and random values
# (huge, negative, empty, duplicated options, non-UTF-8 bytes, long
# strings).  Every refused table line leaves one "remap: <reason>" line in
# the kernel log and no device; every message either succeeds or is refused
# with a logged reason; nothing warns; the module unloads afterwards.
# ARGS: [ROUNDS] of random lines and messages (default 20).
. /run/vmrun-lib/common.sh

ROUNDS=${1:-20}
remap_disks
M=/dev/main S=/dev/spare

rand() {	# rand N: a random number in [0, N)
	_r=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
	echo $((_r % $1))
}

# A pool of nasty values: boundaries, signs, overflow, non-numbers,
# non-UTF-8, long.
BIG=$(printf '%0300d' 7)
NASTY="0 1 -1 511 512 513 4095 4096 4097 65536 131072 1048576 2147483647 2147483648
4294967295 4294967296 9223372036854775807 9223372036854775808 18446744073709551615
18446744073709551616 -9223372036854775808 0x1000 010 1e3 4k +4096 $BIG"
BYTES=$(printf '\377\376\300\200')
nasty() {	# nasty: one of the 27 values of the pool, non-UTF-8, or a keyword
	_i=$(rand 30)
	case $_i in
	27) printf '%s' "$BYTES" ;;
	28) printf 'x%sy' "$BYTES" ;;
	29) printf '%s' "block_size" ;;
	*) echo "$NASTY" | tr ' ' '\n' | sed -n "$((_i + 1))p" ;;
	esac
}
OPTS="block_size scrub_rate no_auto_remap format bogus"
opt() {	# opt: a random optional argument, with a nasty value where one is taken
	_o=$(echo "$OPTS" | tr ' ' '\n' | sed -n "$(($(rand 5) + 1))p")
	case $_o in
	block_size|scrub_rate) echo "$_o $(nasty)" ;;
	*) echo "$_o" ;;
	esac
}

ACCEPTED=0
REFUSED=0
BAD=0
bad() {	# bad WHAT: one fuzzed input misbehaved; say which
	BAD=$((BAD + 1))
	echo "# BAD: $*"
}
# try_table LINE: the table line is refused with a logged reason and no
# device left, or accepted (then it must work: status, remove).
try_table() {
	log_mark
	if dmsetup create fz --table "$1" >/dev/null 2>&1; then
		ACCEPTED=$((ACCEPTED + 1))
		echo "# accepted: $1" | cut -c 1-160
		if ! dmsetup status fz >/dev/null || ! dmsetup remove fz; then
			bad "accepted, but no status or no removal: $1"
		fi
		return
	fi
	REFUSED=$((REFUSED + 1))
	# dm core logs the target's reason; "Unknown error" means it gave none.
	_why=$(dmesg | tail -n +$((KLOG_MARK + 1)) | grep 'device-mapper: table: .*: remap: .' |
		grep -vc 'Unknown error')
	if [ "$_why" != 1 ]; then
		bad "refused with $_why 'remap: <reason>' log lines, not 1: $1"
		dmesg | tail -n +$((KLOG_MARK + 1)) | sed 's/^/#   /' | head -n 5
	fi
	if dm_exists fz; then
		bad "refused, but a device was left behind: $1"
		dmsetup remove fz
	fi
}

# Boundaries, one by one.
L=$LEN
for v in $NASTY "$BYTES" ""; do
	try_table "0 $L remap $M $S 2 block_size $v"
	try_table "0 $L remap $M $S 2 scrub_rate $v"
	try_table "0 $L remap $M $S $v format"
done
try_table "0 $L remap $M $S 4 format format format format"
try_table "0 $L remap $M $S 6 block_size 4096 block_size 4096 scrub_rate 1"
try_table "0 $L remap $M $S 2 scrub_rate 1 scrub_rate 2"
try_table "0 $L remap /dev/$BYTES $S"
try_table "0 $L remap $M /dev/$BIG"
try_table "0 $L remap $M $S 1 $BYTES"
try_table "0 $L remap $M $S 1 $BIG"
try_table "0 8 remap $M $S 2 block_size 65536"
# Random lines.
n=0
while [ $n -lt "$ROUNDS" ]; do
	k=$(rand 5)
	args=
	j=0
	while [ "$j" -lt "$k" ]; do
		args="$args $(opt)"
		j=$((j + 1))
	done
	nw=$(echo "$args" | wc -w)
	case $(rand 3) in
	0) nw=$(nasty) ;;			# a wrong or nasty count
	esac
	try_table "0 $L remap $M $S $nw$args"
	n=$((n + 1))
done
echo "# table lines: $REFUSED refused, $ACCEPTED accepted"
check_num "the table fuzzing refused lines" "$REFUSED" -gt 0
check_eq "each refused line logged one reason and left no device; each accepted one worked" 0 "$BAD"
check_eq "no device left behind by the table fuzzing" "No devices found" "$(dmsetup ls 2>&1)"

# Messages to a working device.
BAD=0
dmsetup create r0 --table "0 $L remap $M $S" || bail "create r0"
DEVT=$(dm_devt r0)
# try_msg WORD...: the message succeeds, or fails with a reason logged
# under the device's name (or dm core's, for an empty one).  ("--" ends
# dmsetup's options: the words may start with "-".)
try_msg() {
	log_mark
	dmsetup message r0 0 -- "$@" >/dev/null 2>&1 && return
	if ! logged "$DEVT: " >/dev/null && ! logged "Empty message" >/dev/null; then
		bad "message '$*' refused with no reason logged"
	fi
}
for v in $NASTY "$BYTES" ""; do
	try_msg remap "$v"
	try_msg list "$v"
	try_msg list 0 "$v"
	try_msg scrub "$v"
	try_msg "$v"
done
n=0
while [ $n -lt "$ROUNDS" ]; do
	try_msg "$(echo "remap list scrub stats clear_stats help" | tr ' ' '\n' | sed -n "$(($(rand 6) + 1))p")" \
		"$(nasty)" "$(nasty)"
	n=$((n + 1))
done
check_eq "each refused message logged a reason" 0 "$BAD"
check_eq "the device is still read-write after the message fuzzing" rw "$(status_key r0 mode)"
check "remove r0" dmsetup remove r0
check "the module unloads" rmmod dm_remap
check "the kernel log is clean" kernel_log_clean
finish
