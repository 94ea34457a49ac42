#!/bin/sh
# make bench: throughput of dm-remap against dm-linear on the same null_blk
# disk, and of the traced path against the untraced one.  Each
# configuration runs RUNS times; the table shows medians and ratios, and
# `bench:` lines the ratios that have a goal.
# Numbers come from a TCG guest: compare ratios, not absolute values.
. /run/vmrun-lib/common.sh

RUNS=${1:-5}
SECS=${2:-5}
modprobe null_blk nr_devices=0
nullb_create main 256 || bail "null_blk main"
nullb_create spare 64 || bail "null_blk spare"
LEN=$(sectors_of /dev/main)

# iops DEV RW: one fio run, prints IOPS (4 KiB, queue depth 8).
iops() {
	fio --name=b --filename="$1" --direct=1 --ioengine=libaio --iodepth=8 \
		--rw="$2" --bs=4k --size=256m --time_based --runtime="$SECS" \
		--minimal 2>/dev/null | awk -F';' -v rw="$2" '
		{ print (rw ~ /read/) ? $8 : $49 }'
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

echo "0 $LEN linear /dev/main 0" | dmsetup create lin || bail "linear"
echo "0 $LEN remap /dev/main /dev/spare" | dmsetup create rem || bail "remap"
# Remap a few blocks so the lookup has something to search.
for s in 8 800 8000 80000 400000; do dmsetup message rem 0 remap $s || bail "remap $s"; done
TRACE=no
dmremap-trace latency -h >/dev/null 2>&1 && TRACE=yes

# The configurations take turns within each run, so that drift in the
# host's load hits them alike.
printf '%-10s %12s %12s %12s %10s %12s\n' workload linear remap traced remap/lin traced/remap
for rw in randread randwrite; do
	: >"$SCRATCH/lin" && : >"$SCRATCH/rem" && : >"$SCRATCH/trc"
	i=0
	while [ $i -lt "$RUNS" ]; do
		iops /dev/mapper/lin $rw >>"$SCRATCH/lin"
		iops /dev/mapper/rem $rw >>"$SCRATCH/rem"
		if [ $TRACE = yes ]; then
			dmremap-trace latency 3600 >/dev/null 2>&1 &
			TRACER=$!
			sleep 2
			iops /dev/mapper/rem $rw >>"$SCRATCH/trc"
			kill -INT $TRACER
			wait $TRACER
		fi
		i=$((i + 1))
	done
	L=$(median <"$SCRATCH/lin")
	R=$(median <"$SCRATCH/rem")
	T=$(median <"$SCRATCH/trc")
	awk -v w=$rw -v l="$L" -v r="$R" -v t="${T:--}" 'BEGIN {
		tr = (t == "-") ? "-" : sprintf("%.3f", t / r)
		printf "%-10s %12d %12d %12s %10.3f %12s\n", w, l, r, t, r / l, tr }'
done
echo "(IOPS, median of $RUNS runs of ${SECS}s, 4 KiB, iodepth 8, null_blk, TCG guest)"

# The cost of leaving `dmremap-trace hang` attached: random 4 KiB reads of
# the remap device and of an unrelated loop device, with and without it.
modprobe loop
nullb_create lo 256 || bail "null_blk for loop"
[ -b /dev/loop0 ] || mknod /dev/loop0 b 7 0
losetup /dev/loop0 /dev/lo || bail "losetup"
: >"$SCRATCH/hr0" && : >"$SCRATCH/hr1" && : >"$SCRATCH/hl0" && : >"$SCRATCH/hl1"
i=0
while [ $i -lt "$RUNS" ]; do
	iops /dev/mapper/rem randread >>"$SCRATCH/hr0"
	iops /dev/loop0 randread >>"$SCRATCH/hl0"
	dmremap-trace hang >/dev/null 2>&1 &
	TRACER=$!
	sleep 2
	iops /dev/mapper/rem randread >>"$SCRATCH/hr1"
	iops /dev/loop0 randread >>"$SCRATCH/hl1"
	kill -INT $TRACER
	wait $TRACER
	i=$((i + 1))
done
# bench: NAME VALUE (goal OP VALUE)
for dev in remap:hr loop:hl; do
	awk -v n="${dev%%:*}" -v a="$(median <"$SCRATCH/${dev#*:}1")" \
		-v b="$(median <"$SCRATCH/${dev#*:}0")" 'BEGIN {
		printf "bench: hang_attached_vs_not_randread_4k_%s %.3f (goal >= 0.95)\n", n, a / b }'
done
losetup -d /dev/loop0
dmsetup remove rem
dmsetup remove lin
