#!/bin/sh
# Every bad table line is refused with a one-line reason; nothing leaks:
# the devices stay free and the module unloads afterwards.
. /run/vmrun-lib/common.sh

remap_disks
M=/dev/main S=/dev/spare

# refused REASON TABLE...: creation fails and the kernel log gives REASON.
refused() {
	_reason=$1
	shift
	log_mark	# (the log stays whole for tests/run's scan)
	if echo "$*" | dmsetup create bad 2>/dev/null; then
		not_ok "refused: '$*' (was accepted)"
		dmsetup remove bad
		return
	fi
	if _out=$(logged "remap: $_reason"); then
		ok "refused with '$_reason': $*"
	else
		not_ok "refused '$*' but the log lacks '$_reason'"
		printf '%s\n' "$_out" | sed 's/^/#   /'
	fi
}

refused "Need <main_dev> <spare_dev>" "0 $LEN remap"
refused "Need <main_dev> <spare_dev>" "0 $LEN remap $M"
refused "Cannot open the main device" "0 $LEN remap /dev/nonexistent $S"
refused "Cannot open the spare device" "0 $LEN remap $M /dev/nonexistent"
refused "Main and spare are the same device" "0 $LEN remap $M $M"
refused "Target length exceeds the main device" "0 $((LEN + 8)) remap $M $S"
refused "Target length is not a multiple of block_size" "0 $((LEN - 1)) remap $M $S"
refused "Invalid number of optional arguments" "0 $LEN remap $M $S 7 format"
refused "Invalid number of optional arguments" "0 $LEN remap $M $S x"
refused "Invalid number of optional arguments" "0 $LEN remap $M $S 4294967297 format"
refused "Unknown optional argument" "0 $LEN remap $M $S 1 bogus"
refused "block_size needs a value" "0 $LEN remap $M $S 1 block_size"
refused "Optional argument count too small" "0 $LEN remap $M $S 1 block_size 4096"
refused "block_size must be a power of two" "0 $LEN remap $M $S 2 block_size 4k"
refused "block_size must be a power of two" "0 $LEN remap $M $S 2 block_size 3000"
refused "block_size must be a power of two" "0 $LEN remap $M $S 2 block_size 256"
refused "block_size must be a power of two" "0 $LEN remap $M $S 2 block_size 131072"
refused "block_size given twice" "0 $LEN remap $M $S 4 block_size 4096 block_size 8192"
SCRUB_RANGE="scrub_rate must be a number of KiB/s from 0 to 16777216"
refused "scrub_rate needs a value" "0 $LEN remap $M $S 1 scrub_rate"
refused "$SCRUB_RANGE" "0 $LEN remap $M $S 2 scrub_rate -1"
refused "$SCRUB_RANGE" "0 $LEN remap $M $S 2 scrub_rate 16777217"
refused "$SCRUB_RANGE" "0 $LEN remap $M $S 2 scrub_rate 4294967297"
refused "block_size must be a power of two" "0 $LEN remap $M $S 2 block_size 4294971392"
refused "no_auto_remap given twice" "0 $LEN remap $M $S 2 no_auto_remap no_auto_remap"
refused "format given twice" "0 $LEN remap $M $S 2 format format"
refused "Unexpected arguments after the optional arguments" "0 $LEN remap $M $S 1 format extra"
echo "0 64 linear $S 0" | dmsetup create tiny || bail "dm tiny"
refused "Spare device too small for the metadata and one spare block" "0 $LEN remap $M /dev/mapper/tiny 2 block_size 65536"
dmsetup remove tiny

# A 4096-byte logical block device refuses a smaller block_size.
modprobe null_blk nr_devices=0
mkdir /sys/kernel/config/nullb/big4k && cd /sys/kernel/config/nullb/big4k &&
	echo 1 >memory_backed && echo 4096 >blocksize && echo 16 >size && echo 1 >power && cd /
refused "block_size is smaller than the main device's logical block size" \
	"0 $LEN remap /dev/big4k $S 2 block_size 2048"
refused "block_size is smaller than the spare device's logical block size" \
	"0 $LEN remap $M /dev/big4k 2 block_size 512"

check "scrub_rate at its upper bound is accepted" \
	dmsetup create top --table "0 $LEN remap $M $S 2 scrub_rate 16777216"
check_eq "... and printed back" "scrub_rate 16777216" \
	"$(dmsetup table top | grep -o 'scrub_rate [0-9]*')"
check "... and removed" dmsetup remove top

check_eq "no dm device left behind" "No devices found" "$(dmsetup ls 2>&1)"
check "the main device is not held" sh -c '[ -z "$(ls /sys/block/main/holders)" ]'
check "the spare device is not held" sh -c '[ -z "$(ls /sys/block/spare/holders)" ]'
check "rmmod after refused tables" rmmod dm_remap
finish
