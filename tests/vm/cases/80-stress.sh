#!/bin/sh
# Stress: fio at queue depth 32 on two remap devices while bad blocks
# appear at random, the devices are suspended and resumed, their tables
# reloaded, scrubs started and stopped and tracers attached and detached;
# afterwards every byte is written and verified, and verified again after
# a reload.  ARGS: [SECONDS] of chaos (default 60; `make soak` passes
# SOAK_SECONDS).
#
# Why the chaos phase writes and does not read: a bad range appearing under
# a block that holds data makes that block unreadable (EIO, "pending") until
# it is rewritten, exactly like a disk.  So during the chaos every write
# must succeed (fio fails on any error), and after it one sequential pass
# rewrites every block (remapping those that went bad) and reads all of it
# back, crc32c-verified.
. /run/vmrun-lib/common.sh

SECONDS_OF_CHAOS=${1:-60}
MiB=32				# the region fio works on, per device
STOP=$SCRATCH/stop

table_of() {	# table_of I: the table of rI
	echo "0 $(sectors_of "/dev/main$1") remap /dev/main$1 /dev/spare$1"
}
for i in 0 1; do
	nullb_create "main$i" 64 || bail "null_blk main$i"
	nullb_create "spare$i" 16 || bail "null_blk spare$i"
	dmsetup create "r$i" --table "$(table_of $i)" || bail "create r$i"
	is_blockdev "/dev/mapper/r$i" || bail "no /dev/mapper/r$i"
done

# fio_both ARGS...: one QD32 job per device over the first $MiB MiB.
# (ARGS come before the first --name: fio gives options after a --name to
# that job only.)
fio_both() {
	fio --direct=1 --bs=4k --ioengine=libaio --iodepth=32 --size=${MiB}m \
		--verify=crc32c --group_reporting --minimal --output="$SCRATCH/fio.out" "$@" \
		--name=r0 --filename=/dev/mapper/r0 --name=r1 --filename=/dev/mapper/r1 ||
		{ cut -c 1-300 "$SCRATCH/fio.out"; return 1; }
}

# rand N: a random number in [0, N).
rand() {
	_r=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
	echo $((_r % $1))
}

# chaos: until $STOP exists, one disturbance every ~0.3 s, in turn.
chaos() {
	_k=0
	while [ ! -e "$STOP" ]; do
		_d=$((_k % 2))
		case $((_k % 6)) in
		0|3)	# a bad 4 KiB block appears in the region fio writes
			_s=$(( $(rand $((MiB * 256))) * 8 ))
			nullb_badblocks "main$_d" "+$_s-$((_s + 7))" && echo "bad main$_d $_s" ;;
		1)	dmsetup suspend "r$_d" && dmsetup resume "r$_d" && echo "suspend/resume r$_d" ;;
		2)	dmsetup load "r$_d" --table "$(table_of $_d)" && dmsetup resume "r$_d" &&
				echo "reload r$_d" ;;
		4)	dmsetup message "r$_d" 0 scrub start && sleep 0.2 &&
				dmsetup message "r$_d" 0 scrub stop && echo "scrub r$_d" ;;
		5)	dmremap-trace events -d 1 >/dev/null 2>&1 && echo "tracer" ;;
		esac
		_k=$((_k + 1))
		sleep 0.3
	done
}

chaos >"$SCRATCH/chaos.log" 2>&1 &
CHAOS=$!
check "fio randwrite QD32 on r0 and r1 for $SECONDS_OF_CHAOS s under chaos: every write succeeds" \
	fio_both --rw=randwrite --time_based --runtime="$SECONDS_OF_CHAOS" --do_verify=0
touch "$STOP"
wait "$CHAOS"
echo "# chaos: $(grep -c '^bad' "$SCRATCH/chaos.log") bad blocks, $(grep -c suspend "$SCRATCH/chaos.log") suspends," \
	"$(grep -c reload "$SCRATCH/chaos.log") reloads, $(grep -c scrub "$SCRATCH/chaos.log") scrubs," \
	"$(grep -c tracer "$SCRATCH/chaos.log") tracers"
check_num "the chaos injected bad blocks" "$(grep -c '^bad' "$SCRATCH/chaos.log")" -gt 0
check_num "... and reloaded tables" "$(grep -c reload "$SCRATCH/chaos.log")" -gt 0
# bad_blocks_of I: how many distinct 4 KiB blocks went bad under rI.
bad_blocks_of() {
	grep "^bad main$1 " "$SCRATCH/chaos.log" | sort -u | wc -l
}
for i in 0 1; do
	check_num "... bad blocks on main$i" "$(bad_blocks_of $i)" -gt 0
done

check "every block rewritten at QD32 and read back, crc32c-verified" \
	fio_both --rw=write --do_verify=1
# The rewrite touched every block of the region, so each bad one has been
# remapped by now, whether or not fio's random writes met it in the chaos
# (on a slow kernel they may not have).
for i in 0 1; do
	check_eq "r$i: one remap per block that went bad" \
		"$(bad_blocks_of $i)" "$(status_key "r$i" remapped)"
done
for i in 0 1; do
	check "r$i: reload" dmsetup load "r$i" --table "$(table_of $i)"
	check "r$i: resume" dmsetup resume "r$i"
done
check "after the reloads, every byte verified again" fio_both --rw=write --verify_only
for i in 0 1; do
	check_eq "r$i is still read-write" rw "$(status_key "r$i" mode)"
	check_eq "r$i has no block left pending (the rewrite healed them)" 0 "$(status_key "r$i" pending)"
	check "remove r$i" dmsetup remove "r$i"
done
check "the module unloads" rmmod dm_remap
check "the kernel log is clean" kernel_log_clean
finish
