#!/bin/sh
# Crash consistency: every write to the spare is recorded with dm-log-writes
# while remaps happen (concurrent and manual); the log is then replayed
# onto a blank device, and at every flush/FUA point (where a power cut can
# leave the disk) the metadata must check clean (exit 0: a crash alone
# damages no copy; a superblock slot one commit behind is normal), the
# kernel must load it without reporting damage, its remaps must be those
# the offline tool reads, and every committed remap must find its data on
# the spare.
. /run/vmrun-lib/common.sh
. /run/vmrun-lib/faults.sh

remap_over_log_writes
make_ref "$SCRATCH/exp" 8192
make_ref "$SCRATCH/new" 8192
write_at /dev/mapper/r0 "$SCRATCH/exp" 0 || bail "initial write"

# 24 bad blocks, rewritten with new data by 4 concurrent writers: main keeps
# the old data (exp) of those blocks, their spare blocks get the new (new).
k=0
while [ $k -lt 24 ]; do
	nullb_badblocks main "+$((k * 640 + 8))-$((k * 640 + 15))"
	k=$((k + 1))
done
for w in 0 1 2 3; do
	(
		j=$w
		while [ $j -lt 24 ]; do
			"$DD" if="$SCRATCH/new" of=/dev/mapper/r0 bs=4096 skip=$((j * 80 + 1)) \
				seek=$((j * 80 + 1)) count=1 oflag=direct conv=notrunc 2>/dev/null ||
				echo "write $j failed"
			j=$((j + 4))
		done
	) >"$SCRATCH/w$w.log" &
done
wait
check "all 24 rewrites succeeded" sh -c "! cat $SCRATCH/w*.log | grep -q failed"
check "two manual remaps" sh -c "dmsetup message r0 0 remap 10000 && dmsetup message r0 0 remap 12000"
check_eq "26 blocks remapped" 26 "$(status_key r0 remapped)"
echo "# md_commits=$(status_key r0 md_commits)"
dmsetup remove r0
dmsetup remove lw

# Main's bad blocks healed for the replay: a remapped block read from main
# instead of the spare shows its old data and fails the comparison.
k=0
while [ $k -lt 24 ]; do
	nullb_badblocks main "-$((k * 640 + 8))-$((k * 640 + 15))"
	k=$((k + 1))
done

# check_blocks DEV FILE_OF_BLOCKS: each block listed holds what it must:
# a rewritten block (1 + 80 j) the new data, a manual remap the data it
# was copied with (main's).
cat >"$SCRATCH/blocks.sh" <<BLOCKS
check_blocks() {
	for b in \$(cat "\$2"); do
		want=$SCRATCH/exp
		[ \$(((b - 1) % 80)) = 0 ] && [ \$b -lt 1920 ] && want=$SCRATCH/new
		"$DD" if="\$1" of=$SCRATCH/got bs=4096 skip="\$b" count=1 iflag=direct 2>/dev/null &&
			cmp -s -n 4096 $SCRATCH/got "\$want" 0 \$((b * 4096)) ||
			{ echo "block \$b: not the data it was committed with"; return 1; }
	done
}
BLOCKS

# At a crash point: one read of the tool's view (check verdict and mapping),
# one load by the kernel, whose remaps must be the tool's, and the data of
# the remaps new since the last point (the earlier ones were checked then,
# and all of them once more after the replay).
cat >"$SCRATCH/check.sh" <<CHECK
. /run/vmrun-lib/common.sh
. $SCRATCH/blocks.sh
dmremap-meta dump -j /dev/replay >$SCRATCH/dump.j || { echo "crash point \$LOG_ENTRY: dump failed"; exit 1; }
case "\$(grep '"record":"summary"' $SCRATCH/dump.j)" in
*'"state":"unformatted"'*) exit 0 ;;	# not formatted yet
*'"consistent":true,"degraded":false'*) ;;
*) echo "crash point \$LOG_ENTRY: check is not clean"; dmremap-meta check /dev/replay; exit 1 ;;
esac
log_mark
echo "0 $LEN remap /dev/main /dev/replay" | dmsetup create rr ||
	{ echo "crash point \$LOG_ENTRY: the kernel refused the metadata"; exit 1; }
if log_since | grep -E 'corrupt|unreadable|damaged|earlier format'; then
	echo "crash point \$LOG_ENTRY: the kernel reports damage after a crash"; dmsetup remove rr; exit 1
fi
dmsetup message rr 0 list >$SCRATCH/list
grep '"state":"effective"' $SCRATCH/dump.j |
	sed 's/.*"logical":\([0-9]*\),"spare_block":\([0-9]*\).*/\1 \2/' | sort -n >$SCRATCH/tool
cmp -s $SCRATCH/tool $SCRATCH/list ||
	{ echo "crash point \$LOG_ENTRY: the kernel's remaps differ from the tool's"; dmsetup remove rr; exit 1; }
cut -d' ' -f1 $SCRATCH/list >$SCRATCH/blocks
[ -s $SCRATCH/seen ] || echo none >$SCRATCH/seen
grep -v -x -F -f $SCRATCH/seen $SCRATCH/blocks >$SCRATCH/new_blocks
check_blocks /dev/mapper/rr $SCRATCH/new_blocks ||
	{ echo "crash point \$LOG_ENTRY: a remap committed without its data"; dmsetup remove rr; exit 1; }
cat $SCRATCH/new_blocks >>$SCRATCH/seen
dmsetup remove rr
echo "\$LOG_ENTRY \$(wc -l <$SCRATCH/blocks)" >>$SCRATCH/points
CHECK

check "replay: every crash point is consistent" log-replay /dev/logdev /dev/replay "sh $SCRATCH/check.sh"
POINTS=$(wc -l <"$SCRATCH/points")
echo "# $POINTS crash points checked with the kernel"
check "many crash points were checked" test "$POINTS" -ge 10
check_eq "the last crash point has all 26 remaps" 26 "$(tail -n 1 "$SCRATCH/points" | cut -d' ' -f2)"
check "remap counts never go down along the log" sh -c "cut -d' ' -f2 $SCRATCH/points | sort -n -c"
# The final state once more, every remap's data.
. "$SCRATCH/blocks.sh"
check "after the replay: the kernel loads it" sh -c "echo '0 $LEN remap /dev/main /dev/replay' | dmsetup create rr"
dmsetup message rr 0 list | cut -d' ' -f1 >"$SCRATCH/blocks"
check_eq "... with the 26 remaps" 26 "$(wc -l <"$SCRATCH/blocks")"
check "... each with its data" check_blocks /dev/mapper/rr "$SCRATCH/blocks"
check "remove" dmsetup remove rr
finish
