#!/bin/sh
# A hostile or rotten spare never harms the kernel (issue 17).  Each variant
# of tests/fuzz/metafuzz (a valid spare built by the image writer, then
# corrupted or crafted from a seed, checksums recomputed) is offered to the
# kernel as the spare of a new device (create: constructor and first
# resume), suspended and resumed, then as the new spare in a reload of a
# live device.  The kernel and `dmremap-meta check --main` must agree:
# check exits 0, 3 or 4 exactly when the kernel loads it, 1 exactly when it
# refuses it (with a reason in the kernel log).  A loaded variant must map
# what the tool says is in effect (`list`), serve a remapped block from the
# spare and an unmapped one from main.  The driver checks the kernel log
# (KASAN, UBSAN, lockdep, WARN, hung tasks); rmmod at the end.
#
#   70-meta-fuzz.sh [FIRST COUNT]       seeds FIRST..FIRST+COUNT-1 (default 1 120)
#   70-meta-fuzz.sh -t SECONDS FIRST    seeds from FIRST on, for SECONDS
#
# A failure prints "FUZZ-FAIL seed=S"; `make fuzz-meta` regenerates that
# seed's image under build/fuzz/ (the generator is deterministic).
. /run/vmrun-lib/common.sh

FIRST=1 COUNT=120 SECONDS_MAX=0
if [ "${1:-}" = -t ]; then
	SECONDS_MAX=${2:?seconds}
	FIRST=${3:-1}
	COUNT=0
elif [ $# -ge 2 ]; then
	FIRST=$1
	COUNT=$2
fi

nullb_create main 64 || bail "null_blk main"
nullb_create spare2 1 || bail "null_blk spare2"
modprobe loop 2>/dev/null
MAIN_SECTORS=$(sectors_of /dev/main)
LBS=$(cat /sys/block/main/queue/logical_block_size)
PBS=$(cat /sys/block/main/queue/physical_block_size)
LIVE="0 $MAIN_SECTORS remap /dev/main /dev/spare2"

# The live device of the reload step, with one remapped block to check that
# it still serves it after every reload.
echo "$LIVE" | dmsetup create lv || bail "create the live device"
make_ref "$SCRATCH/lvref" 4
write_at /dev/mapper/lv "$SCRATCH/lvref" 4096 || bail "write to the live device"
dmsetup message lv 0 remap $((4096 * 2)) || bail "remap a block of the live device"
zero_ref "$SCRATCH/zero" 64

V=$SCRATCH/v.img	# the variant as generated
W=$SCRATCH/w.img	# the copy the kernel gets (it may format it)
tried=0 loaded=0 refused=0 failed=0

fail() {	# fail SEED WHAT
	not_ok "seed $1: $2 ($DESC)"
	echo "# FUZZ-FAIL seed=$1"
	failed=$((failed + 1))
}

# the tool's verdict on W: "load" (exit 0, 3, 4) or "refuse" (exit 1)
tool_verdict() {
	dmremap-meta check -q --main /dev/main "$W"
	case $? in
	0|3|4) echo load ;;
	1) echo refuse ;;
	*) echo "error" ;;
	esac
}

# the last kernel log line names the refusal
refusal_said() {
	dmesg | tail -n 3 | grep -q 'remap'
}

# "logical spare_block" lines the tool says are in effect, sorted
tool_map() {
	dmremap-meta dump -j "$V" 2>/dev/null |
		sed -n 's/.*"record":"entry".*"state":"effective","logical":\([0-9]*\),"spare_block":\([0-9]*\),.*/\1 \2/p' |
		sort
}

# checks a loaded device NAME against the tool's view of the variant
check_loaded() {	# check_loaded SEED NAME
	_map=$(tool_map)
	_list=$(dmsetup message "$2" 0 list 2>&1 | sort)
	if [ "$_map" != "$_list" ]; then
		fail "$1" "$2 maps other blocks than dmremap-meta says: kernel [$(echo $_list | head -c 200)] tool [$(echo $_map | head -c 200)]"
		return 1
	fi
	# the first remapped block reads as its spare block in the variant
	_first=$(echo "$_map" | head -n 1)
	if [ -n "$_first" ]; then
		_lb=${_first% *}
		_sb=${_first#* }
		_ss=$(dmremap-meta dump -j "$V" | sed -n "s/.*\"record\":\"entry\",\"index\":$_sb,.*\"spare_sector\":\([0-9]*\),.*/\1/p")
		"$DD" if="/dev/mapper/$2" of="$SCRATCH/got" bs="$BS" skip="$_lb" count=1 iflag=direct 2>/dev/null
		"$DD" if="$V" of="$SCRATCH/exp" bs=512 skip="$_ss" count=$((BS / 512)) 2>/dev/null
		if ! cmp -s "$SCRATCH/got" "$SCRATCH/exp"; then
			fail "$1" "$2: remapped block $_lb does not read as spare sector $_ss"
			return 1
		fi
	fi
	# the last block of main, when nothing remaps it, reads as main
	_lb=$((MAIN_SECTORS / (BS / 512) - 1))
	if ! echo "$_map" | grep -q "^$_lb "; then
		"$DD" if="/dev/mapper/$2" of="$SCRATCH/got" bs="$BS" skip="$_lb" count=1 iflag=direct 2>/dev/null
		"$DD" if=/dev/main of="$SCRATCH/exp" bs="$BS" skip="$_lb" count=1 iflag=direct 2>/dev/null
		if ! cmp -s "$SCRATCH/got" "$SCRATCH/exp"; then
			fail "$1" "$2: unmapped block $_lb does not read as main"
			return 1
		fi
	fi
	return 0
}

# the live device back to its own spare, still serving its remapped block
restore_live() {	# restore_live SEED
	echo "$LIVE" | dmsetup load lv && dmsetup resume lv || {
		fail "$1" "the live device cannot be restored after the reload"
		return 1
	}
	if ! same_data /dev/mapper/lv "$SCRATCH/lvref" 4096; then
		fail "$1" "the live device lost its remapped block after the reload"
		return 1
	fi
}

one_variant() {	# one_variant SEED
	_seed=$1
	DESC=$(metafuzz -m "$MAIN_SECTORS" -l "$LBS" -p "$PBS" "$_seed" "$V") ||
		bail "metafuzz $_seed"
	_expect=$(echo "$DESC" | sed -n 's/.* expect=\([a-z]*\) .*/\1/p')
	cp "$V" "$W"
	_tool=$(tool_verdict)
	if [ "$_tool" = error ]; then
		fail "$_seed" "dmremap-meta check failed to run"
		return
	fi
	if [ "$_expect" != any ] && [ "$_expect" != "$_tool" ]; then
		fail "$_seed" "the generator expects '$_expect', dmremap-meta says '$_tool'"
	fi
	# the table line takes the spare's block size when it is one a table may have
	BS=$(dmremap-meta dump -j "$V" 2>/dev/null |
		sed -n 's/.*"record":"superblock".*"block_size":\([0-9]*\),.*/\1/p' | head -n 1)
	case "$BS" in
	512|1024|2048|4096|8192|16384|32768|65536) ;;
	*) BS=4096 ;;
	esac
	LOOP=/dev/loop0
	losetup "$LOOP" "$W" || bail "losetup $LOOP $W (seed $_seed)"
	TABLE="0 $MAIN_SECTORS remap /dev/main $LOOP 2 block_size $BS"

	# 1. create (constructor, first resume), suspend/resume, I/O
	if echo "$TABLE" | dmsetup create fz 2>/dev/null; then
		_kernel=load
	else
		_kernel=refuse
		refusal_said || fail "$_seed" "refused without a reason in the kernel log"
	fi
	if [ "$_kernel" != "$_tool" ]; then
		fail "$_seed" "create: the kernel says '$_kernel', dmremap-meta check says '$_tool'"
	elif [ $_kernel = load ]; then
		if dmsetup suspend fz && dmsetup resume fz; then
			check_loaded "$_seed" fz
		else
			fail "$_seed" "suspend/resume of the loaded variant failed"
		fi
	fi
	dm_exists fz && { dmsetup remove fz || fail "$_seed" "cannot remove the device"; }

	# 2. a reload of the live device with the variant as its spare
	cp "$V" "$W"
	if echo "$TABLE" | dmsetup load lv 2>/dev/null && dmsetup resume lv 2>/dev/null; then
		_reload=load
	else
		_reload=refuse
	fi
	if [ "$_reload" != "$_tool" ]; then
		fail "$_seed" "reload: the kernel says '$_reload', dmremap-meta check says '$_tool'"
	elif [ $_reload = load ]; then
		check_loaded "$_seed" lv
	fi
	dmsetup clear lv 2>/dev/null
	restore_live "$_seed"
	losetup -d "$LOOP"

	tried=$((tried + 1))
	if [ "$_tool" = load ]; then
		loaded=$((loaded + 1))
	else
		refused=$((refused + 1))
	fi
}

log_clean_since() {
	! log_since | grep -E 'WARNING:|BUG:|Oops|general protection|INFO: task .* blocked|KASAN|UBSAN|kmemleak|possible circular|inconsistent lock'
}

log_mark
start=$(date +%s)
seed=$FIRST
while :; do
	if [ "$SECONDS_MAX" -gt 0 ]; then
		[ $(($(date +%s) - start)) -lt "$SECONDS_MAX" ] || break
	else
		[ $seed -lt $((FIRST + COUNT)) ] || break
	fi
	f0=$failed
	one_variant $seed
	[ $failed -eq $f0 ] && [ "$SECONDS_MAX" -eq 0 ] && ok "seed $seed: kernel and check say '$_tool' ($DESC)"
	seed=$((seed + 1))
done
elapsed=$(($(date +%s) - start))
echo "# FUZZ-SUMMARY variants=$tried loaded=$loaded refused=$refused failed=$failed seconds=$elapsed seeds=$FIRST..$((seed - 1))"
check "variants were tried ($tried in $elapsed s)" test "$tried" -gt 0
check "every variant: the kernel and dmremap-meta agree, loaded ones serve I/O ($failed failed)" test "$failed" -eq 0
check "no WARNING, BUG, KASAN, UBSAN, lockdep or hung task report" log_clean_since
check "remove the live device" dmsetup remove lv
check "rmmod" rmmod dm_remap
finish
