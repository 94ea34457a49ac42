#!/bin/sh
# A power cut at every flush point of a long run of commits.  The spare
# sits on dm-log-writes while the module formats it and remaps REMAPS bad
# blocks one by one (blocks 0, 1, 2, ...: each a commit of its own);
# the log, hundreds of flush/FUA points, is then replayed onto a blank
# device (tests/vm/helpers/log-replay).  Checking each point with the
# kernel takes seconds under TCG, so the checks are split:
#   - at every point, `dmremap-meta dump -j` of the replayed spare (the
#     offline tool applies the module's own validation rules, and case 70
#     holds the two to the same verdicts); after the replay one awk pass
#     requires of each point: unformatted (before the format) or consistent
#     and not degraded (a crash alone damages no copy; a slot one commit
#     behind is normal), the remaps in effect exactly blocks 0..K-1
#     (commits are in order), K never going down;
#   - at every KSTEP-th point and the last one, also the kernel: it loads
#     the spare without reporting damage, its remaps are the tool's, and
#     reading through it gives every remapped block's data from the spare
#     (main is zeroed before the replay: a block served from main would
#     read zeroes) and the next block main's zeroes.
# ARGS: [REMAPS (default 105) [KSTEP (default 60)]].
. /run/vmrun-lib/common.sh
. /run/vmrun-lib/faults.sh

REMAPS=${1:-105}
KSTEP=${2:-60}
remap_over_log_writes
make_ref "$SCRATCH/exp" 1024
# Blocks 0..REMAPS-1 of main go bad; one writer rewrites them one 4 KiB
# block at a time, each write waiting for its remap's commit.
# bad_range +|-: marks blocks 0..REMAPS-1 bad or good (null_blk takes at
# most 512 sectors a range).
bad_range() {
	_b=0
	while [ $_b -lt "$REMAPS" ]; do
		_e=$((_b + 63))
		[ $_e -lt "$REMAPS" ] || _e=$((REMAPS - 1))
		nullb_badblocks main "$1$((_b * 8))-$((_e * 8 + 7))"
		_b=$((_b + 64))
	done
}
bad_range +
T0=$(now-ns)
"$DD" if="$SCRATCH/exp" of=/dev/mapper/r0 bs=4096 count="$REMAPS" oflag=direct conv=notrunc \
	2>/dev/null || bail "the writes over $REMAPS bad blocks"
echo "# $REMAPS commits in $((($(now-ns) - T0) / 1000000)) ms"
check_eq "$REMAPS blocks remapped" "$REMAPS" "$(status_key r0 remapped)"
check_eq "$REMAPS metadata commits" "$REMAPS" "$(status_key r0 md_commits)"
dmsetup remove r0 && dmsetup remove lw || bail "remove r0, lw"
bad_range -
POOL=$(dmremap-meta dump -j /dev/sparebase | grep -o '"pool_start":[0-9]*' | head -n 1 | cut -d: -f2)
[ -n "$POOL" ] || bail "pool_start from dmremap-meta dump"
echo "# metadata area: $POOL sectors"
# Main zeroed: a remapped block read from main instead of the spare shows.
"$DD" if=/dev/zero of=/dev/main bs=1M count=1 oflag=direct 2>/dev/null || bail "zero main"

# kernel_point.sh: the kernel's view of the replayed spare (LOG_POINT).
cat >"$SCRATCH/kernel_point.sh" <<KERNEL
. /run/vmrun-lib/common.sh
at="crash point \$LOG_POINT (log entry \$LOG_ENTRY)"
grep -q '"state":"unformatted"' $SCRATCH/dump.\$LOG_POINT && exit 0
grep '"state":"effective"' $SCRATCH/dump.\$LOG_POINT |
	sed 's/.*"logical":\([0-9]*\),"spare_block":\([0-9]*\).*/\1 \2/' | sort -n >$SCRATCH/tool
k=\$(wc -l <$SCRATCH/tool)
log_mark
echo "0 $LEN remap /dev/main /dev/replay" | dmsetup create rr ||
	{ echo "\$at: the kernel refused the metadata"; exit 1; }
echo \$LOG_POINT >>$SCRATCH/kernel_points
fail() { echo "\$at: \$*"; dmsetup remove rr; exit 1; }
log_since | grep -E 'corrupt|unreadable|damaged|earlier format' && fail "the kernel reports damage"
dmsetup message rr 0 list >$SCRATCH/list
cmp -s $SCRATCH/tool $SCRATCH/list || fail "the kernel's remaps differ from the tool's"
"$DD" if=/dev/mapper/rr of=$SCRATCH/got bs=4096 count=\$((k + 1)) iflag=direct 2>/dev/null ||
	fail "read through the kernel"
cmp -n \$((k * 4096)) $SCRATCH/got $SCRATCH/exp || fail "a remapped block does not read its data"
"$DD" if=$SCRATCH/got of=$SCRATCH/tail bs=4096 skip=\$k count=1 2>/dev/null
"$DD" if=/dev/zero of=$SCRATCH/zero bs=4096 count=1 2>/dev/null
cmp -s $SCRATCH/tail $SCRATCH/zero || fail "block \$k, not remapped, does not read main's zeroes"
dmsetup remove rr
KERNEL
# At every flush/FUA point: the tool's dump; the kernel at every KSTEP-th.
POINT="dmremap-meta dump -j /dev/replay >$SCRATCH/dump.\$LOG_POINT &&"
POINT="$POINT echo \$LOG_POINT \$LOG_ENTRY >$SCRATCH/last_point &&"
POINT="$POINT { [ \$((LOG_POINT % $KSTEP)) -ne 0 ] || sh $SCRATCH/kernel_point.sh; }"

T0=$(now-ns)
check "replay: the dump of every crash point, the kernel at every ${KSTEP}th" \
	sh -c "log-replay /dev/logdev /dev/replay '$POINT' >$SCRATCH/replay.out"
echo "# replay took $((($(now-ns) - T0) / 1000000)) ms: $(cat "$SCRATCH/replay.out")"
read -r POINTS LAST_ENTRY <"$SCRATCH/last_point"
check_num "hundreds of crash points (flush/FUA marks)" "$POINTS" -ge 300

# One pass over the dumps, in point order.
cat >"$SCRATCH/verify.awk" <<'AWK'
FNR == 1 { if (NR > 1) done(); point++; state = ""; k = 0; bad = "" }
/"record":"summary"/ {
	if ($0 ~ /"state":"unformatted"/) state = "unformatted"
	else if ($0 ~ /"consistent":true,"degraded":false/) state = "clean"
	else state = "not clean: " $0
}
/"state":"effective"/ {
	match($0, /"logical":[0-9]+/)
	b = substr($0, RSTART + 10, RLENGTH - 10) + 0
	if (b != k) bad = bad " block " b " in effect as remap " k
	k++
}
function done() {
	if (state == "") state = "no summary"
	if (state == "unformatted" && k == 0) { unformatted++; return }
	if (state != "clean") print "point " point ": " state
	else if (bad != "") print "point " point ": remaps in effect are not blocks 0..K-1:" bad
	else if (k < last) print "point " point ": " k " remaps, " last " before"
	else { clean++; last = k; return }
	failed++
}
END { done(); printf "%d %d %d %d\n", clean, unformatted, failed + 0, last }
AWK
i=1
: >"$SCRATCH/dumps"
while [ $i -le "$POINTS" ]; do
	echo "$SCRATCH/dump.$i" >>"$SCRATCH/dumps"
	i=$((i + 1))
done
# shellcheck disable=SC2046 # file names without spaces
awk -f "$SCRATCH/verify.awk" $(cat "$SCRATCH/dumps") >"$SCRATCH/verdicts"
sed '$d' "$SCRATCH/verdicts" | head -n 20 | sed 's/^/# /'
read -r CLEAN UNFORMATTED FAILED LAST_K <<EOF2
$(tail -n 1 "$SCRATCH/verdicts")
EOF2
echo "# $CLEAN points clean, $UNFORMATTED unformatted (before the format), $FAILED failed"
check_eq "every crash point: unformatted, or clean with remaps 0..K-1, K never down" \
	"$POINTS" "$((CLEAN + UNFORMATTED))"
check_num "the format happened early (unformatted points)" "$UNFORMATTED" -le 5
check_eq "the last point has all $REMAPS remaps" "$REMAPS" "$LAST_K"
check_num "the kernel checked $(wc -l <"$SCRATCH/kernel_points" 2>/dev/null) points" \
	"$(wc -l <"$SCRATCH/kernel_points" 2>/dev/null)" -ge 3
check "the last point, with the kernel" env LOG_POINT="$POINTS" LOG_ENTRY="$LAST_ENTRY" \
	sh "$SCRATCH/kernel_point.sh"
check "kernel log clean" kernel_log_clean
finish
