#!/bin/sh
# make bench, the guest side (tests/bench/run boots the guest, collects the
# `bench:` lines and writes build/bench/results.json).  Usage: bench.sh
# [RUNS [SECONDS]]: every configuration runs RUNS times (default 5) for
# SECONDS each (default 5), the configurations compared take turns within
# each run so that drift in the host's load hits them alike, and each figure
# is the ratio of two medians.  Prints one line per figure:
#   bench: NAME VALUE (goal OP VALUE)
# and "detail:" lines with the medians behind it.  Numbers come from a TCG
# guest on a shared host: compare ratios, never absolute values.
# docs/performance.md says how each figure is measured.
. /run/vmrun-lib/common.sh
. /run/vmrun-lib/bench.sh

RUNS=${1:-5}
SECS=${2:-5}
NOTRACE_KO=/lib/modules/$(uname -r)/extra-notrace/dm-remap.ko

# main: 0-256 MiB for the throughput runs, 256-336 MiB for the remap bursts,
# 336-416 MiB for the bursts' baseline writes, 416-512 MiB for remaps_per_second.
modprobe null_blk nr_devices=0
nullb_create main 512 || bail "null_blk main"
nullb_create spare 64 || bail "null_blk spare"
LEN=$(sectors_of /dev/main)

# fio_run DEV RW BS [FIO_ARGS...]: one time-based run of SECS seconds on the
# first 256 MiB of DEV; prints fio's terse line (one for the group).
fio_run() {
	_dev=$1 _rw=$2 _bs=$3
	shift 3
	fio --name=b --filename="$_dev" --direct=1 --ioengine=libaio --rw="$_rw" \
		--bs="$_bs" --size=256m --time_based --runtime="$SECS" \
		--group_reporting --minimal "$@" 2>/dev/null
}

# iops DEV RW BS: IOPS at queue depth 32 (4 jobs of depth 8: every vCPU
# submits, so that a shared cache line written per bio would show).
iops() {
	fio_run "$1" "$2" "$3" --numjobs=4 --iodepth=8 |
		awk -F';' -v rw="$2" '{ print (rw ~ /read/) ? $8 : $49 }'
}

# mark_bad FIRST_MIB COUNT [+|-]: COUNT 4 KiB blocks of main fail (+, the
# default) or heal (-) from FIRST_MIB on, one every 64 KiB (where `fio
# --rw=write:60k --bs=4k` writes).  null_blk holds at most 512 bad ranges:
# heal blocks once they are remapped.
mark_bad() {
	_s=$(($1 * 2048)) _k=0
	while [ $_k -lt "$2" ]; do
		nullb_badblocks main "${3:-+}$_s-$((_s + 7))" || bail "badblocks ${3:-+}$_s"
		_s=$((_s + 128)) _k=$((_k + 1))
	done
}

# strided_writes FIRST_MIB COUNT JOBS: COUNT 4 KiB writes to rem, one every
# 64 KiB from FIRST_MIB on, by JOBS concurrent writers (queue depth 8 each);
# prints how long the writes took in ms (fio's runtime: from the first
# write to the last completion, without fio's start-up).
strided_writes() {
	# shellcheck disable=SC2017 # whole writes per job, then 64 KiB each
	_per=$(($2 / $3 * 64))
	fio --name=w --filename=/dev/mapper/rem --direct=1 --ioengine=libaio \
		--rw=write:60k --bs=4k --offset="$1m" --size="${_per}k" \
		--numjobs="$3" --offset_increment="${_per}k" --iodepth=8 \
		--group_reporting --minimal 2>/dev/null | awk -F';' '{ print $50 }'
}

rm -f "$SCRATCH"/[a-z]*
echo "0 $LEN linear /dev/main 0" | dmsetup create lin || bail "linear"
echo "0 $LEN remap /dev/main /dev/spare" | dmsetup create rem || bail "remap"

# --- dm-remap against dm-linear, traced against untraced --------------------
# The traced configuration: the exporter (daemon, 1 s interval) and
# `dmremap-trace latency` both attached.
attach_tracers() {
	mkdir -p "$SCRATCH/prom"
	dmremap-exporter --textfile-dir "$SCRATCH/prom" --interval 1 >/dev/null 2>&1 &
	EXPORTER=$!
	dmremap-trace latency 3600 >/dev/null 2>"$SCRATCH/trace.err" &
	TRACER=$!
	wait_for grep -q Tracing "$SCRATCH/trace.err" ||
		bail "dmremap-trace latency did not start: $(tail -n 3 "$SCRATCH/trace.err")"
}
detach_tracers() {
	kill -INT "$TRACER" && wait "$TRACER"
	kill "$EXPORTER" && wait "$EXPORTER"
}

# pair RW BS SUFFIX: one run of dm-linear and one of dm-remap, in an order
# that alternates with the round: the first fio of two back to back measured
# about 5% more (12 rounds in one boot, 2026-11-30: rem/lin paired 0.955 with
# dm-linear first, 1.061 with dm-remap first), so a fixed order biased the
# ratio.
pair() {
	if [ $((i % 2)) = 0 ]; then
		iops /dev/mapper/lin "$1" "$2" >>"$SCRATCH/lin_$3"
		iops /dev/mapper/rem "$1" "$2" >>"$SCRATCH/rem_$3"
	else
		iops /dev/mapper/rem "$1" "$2" >>"$SCRATCH/rem_$3"
		iops /dev/mapper/lin "$1" "$2" >>"$SCRATCH/lin_$3"
	fi
}

i=0
while [ $i -lt "$RUNS" ]; do
	pair randread 4k rr
	attach_tracers
	iops /dev/mapper/rem randread 4k >>"$SCRATCH/traced_rr"
	detach_tracers
	pair randwrite 4k rw
	pair read 1m sr
	i=$((i + 1))
done
figure remap_vs_linear_randread_4k rem_rr lin_rr '>=' 0.97
figure remap_vs_linear_randwrite_4k rem_rw lin_rw '>=' 0.97
figure remap_vs_linear_seqread_1m rem_sr lin_sr '>=' 0.97
figure traced_vs_untraced_randread_4k traced_rr rem_rr '>=' 0.95

# --- `dmremap-trace hang` attached, on rem and on an unrelated loop device ---
modprobe loop
nullb_create lo 256 || bail "null_blk for loop"
[ -b /dev/loop0 ] || mknod /dev/loop0 b 7 0
losetup /dev/loop0 /dev/lo || bail "losetup"
i=0
while [ $i -lt "$RUNS" ]; do
	iops /dev/mapper/rem randread 4k >>"$SCRATCH/hang_remap_off"
	iops /dev/loop0 randread 4k >>"$SCRATCH/hang_loop_off"
	dmremap-trace hang >/dev/null 2>"$SCRATCH/hang.err" &
	TRACER=$!
	wait_for grep -q Tracing "$SCRATCH/hang.err" ||
		bail "dmremap-trace hang did not start: $(tail -n 3 "$SCRATCH/hang.err")"
	iops /dev/mapper/rem randread 4k >>"$SCRATCH/hang_remap_on"
	iops /dev/loop0 randread 4k >>"$SCRATCH/hang_loop_on"
	kill -INT $TRACER
	wait $TRACER
	i=$((i + 1))
done
figure hang_attached_vs_not_randread_4k_remap hang_remap_on hang_remap_off '>=' 0.95
figure hang_attached_vs_not_randread_4k_loop hang_loop_on hang_loop_off '>=' 0.95
losetup -d /dev/loop0
dmsetup remove lin

# --- tracepoints compiled in (disabled) against compiled out ----------------
# load_variant traced|notrace: rem over the same disks with that build.
load_variant() {
	dmsetup remove rem || bail "remove rem"
	rmmod dm_remap || bail "rmmod dm_remap"
	if [ "$1" = notrace ]; then
		insmod "$NOTRACE_KO" || bail "insmod $NOTRACE_KO"
	else
		modprobe dm_remap || bail "modprobe dm_remap"
	fi
	echo "0 $LEN remap /dev/main /dev/spare" | dmsetup create rem || bail "remap ($1)"
}
if [ -f "$NOTRACE_KO" ]; then
	i=0
	while [ $i -lt "$RUNS" ]; do
		for v in notrace traced; do
			load_variant $v
			iops /dev/mapper/rem randread 4k >>"$SCRATCH/tp_$v"
		done
		i=$((i + 1))
	done
else
	echo "detail: no $NOTRACE_KO in the image"
fi
figure tracepoints_off_cost tp_traced tp_notrace '>=' 0.99

# --- healthy writes during a burst of 256 remaps ----------------------------
# Run r marks 256 fresh blocks of main bad (64 KiB apart) and, 1 s into a
# SECS-long random write to healthy blocks (0-256 MiB, depth 8), writes
# those 256 blocks (4 writers of depth 8): every one fails on main and is
# remapped.  The baseline does the same writes to blocks that are not bad.
# The figure compares the healthy writes' p99 completion latency.  The
# outage breaker would take main offline after 256 failed blocks in 10 s.
echo 0 >/sys/module/dm_remap/parameters/breaker_blocks || bail "breaker_blocks"
# p99_run FIRST_MIB: the healthy writes' p99 (usec) while strided writes
# hit FIRST_MIB; appends the strided writes' duration to $SCRATCH/burst_ms.
p99_run() {
	fio_run /dev/mapper/rem randwrite 4k --iodepth=8 --percentile_list=99 \
		>"$SCRATCH/healthy.out" &
	_fio=$!
	sleep 1
	strided_writes "$1" 256 4 >>"$SCRATCH/burst_ms"
	wait $_fio
	# The write half's 99th percentile is the last "99.000000%=" field.
	awk -F';' '{ for (f = 1; f <= NF; f++) if ($f ~ /^99\.0*%=/) v = $f }
		END { sub(/^.*=/, "", v); print v }' "$SCRATCH/healthy.out"
}
i=0
while [ $i -lt "$RUNS" ]; do
	p99_run $((336 + i * 16)) >>"$SCRATCH/p99_quiet"
	before=$(status_key rem remapped)
	mark_bad $((256 + i * 16)) 256
	p99_run $((256 + i * 16)) >>"$SCRATCH/p99_burst"
	echo $(($(status_key rem remapped) - before)) >>"$SCRATCH/burst_remaps"
	mark_bad $((256 + i * 16)) 256 -
	i=$((i + 1))
done
echo "detail: remaps per burst: $(tr '\n' ' ' <"$SCRATCH/burst_remaps")"
echo "detail: strided writes took (ms, quiet and burst in turn): $(tr '\n' ' ' <"$SCRATCH/burst_ms")"
# A burst that did not remap its 256 blocks does not measure the figure.
if grep -vqx 256 "$SCRATCH/burst_remaps"; then
	: >"$SCRATCH/p99_burst"
fi
figure healthy_write_p99_during_remap_burst p99_burst p99_quiet '<=' 2

# --- sustained remaps per second --------------------------------------------
# Three rounds of 480 bad blocks 64 KiB apart (null_blk's table holds 512),
# each written by 4 concurrent writers (depth 8 each): new remaps over the
# time the writes took (fio's runtime; every write completes only once its
# block is remapped and the remap committed).
: >"$SCRATCH/rps"
r=0
while [ $r -lt 3 ]; do
	first=$((416 + r * 32))
	mark_bad $first 480
	before=$(status_key rem remapped)
	ms=$(strided_writes $first 480 4)
	echo "$ms $(($(status_key rem remapped) - before))" >>"$SCRATCH/rps"
	mark_bad $first 480 -
	r=$((r + 1))
done
awk '{ s += $1 / 1000; n += $2 } END {
	printf "detail: remaps_per_second remaps=%d seconds=%.2f\n", n, s }' "$SCRATCH/rps"
bench_line remaps_per_second "$(awk '{ s += $1 / 1000; n += $2 } END {
	if (s > 0 && n > 0) printf "%.1f", n / s }' "$SCRATCH/rps")" report

dmsetup remove rem
kernel_log_clean || echo "detail: the kernel log has warnings (above)"
exit 0
