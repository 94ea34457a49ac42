#!/bin/sh
# The scale figures of dm-remap (docs/performance.md, "Scale"), measured in
# the test guest with 10^6 remaps scattered uniformly over a 16 TiB device:
#
#   tests/vm/vmrun --timeout 1200 tests/bench/scale.sh [RUNS]
#
# prints one line per figure, "bench: <name> <value> (goal <op> <value>)",
# plus "detail:" lines with the runs behind it (tests/vm/lib/bench.sh).
# RUNS (default 5) alternating runs per configuration; the figure is the
# ratio of the medians.
#
# Devices: main is dm-zero (16 TiB, reads zeroes, costs no memory).  Each
# spare (one with 10^6 remaps, one with 10, one with none, so that the
# configurations alternate) is dm-linear: its metadata area (superblocks
# and both table copies, 32 MiB at 10^6 entries) on a memory-backed
# null_blk of 40 MiB, the rest (the pool of 4 GiB) dm-zero.  The tables
# are written by `dmremap-meta build` in the real format; the module loads
# them like any other.
. /run/vmrun-lib/common.sh
. /run/vmrun-lib/bench.sh

RUNS=${1:-5}
N=1000000
MAIN_SECTORS=34359738368		# 16 TiB
MD_MIB=40
SPARE_SECTORS=$(( (4096 + 64) * 2048 ))	# pool of 10^6 blocks and more
FIO_SECONDS=${FIO_SECONDS:-5}

now_ns() {	# busybox date has no %N: tests/vm/helpers/now-ns.c
	now-ns || die "now-ns"
}

ratio() {	# ratio A B [DECIMALS]
	awk -v a="$1" -v b="$2" -v d="${3:-3}" 'BEGIN { printf "%." d "f\n", b ? a / b : 0 }'
}

progress() {	# how long the guest has been up: TCG is slow, show where it is
	echo "detail: uptime $(cut -d' ' -f1 /proc/uptime) s"
}

die() {
	echo "scale.sh: $*" >&2
	exit 1
}

rm -f "$SCRATCH"/[a-z]*
modprobe dm-zero 2>/dev/null
echo "0 $MAIN_SECTORS zero" | dmsetup create zmain || die "dm-zero main"
MD_SECTORS=$((MD_MIB * 2048))
pool_start() {	# pool_start N: the first pool sector of the spare with N remaps
	dmremap-meta dump -j "/dev/mapper/zspare$1" |
		sed -n 's/.*"record":"superblock".*"pool_start":\([0-9]*\),.*/\1/p'
}
# three spares of the same geometry: with 10^6, 10 and no remaps
for n in $N 10 0; do
	nullb_create "smd$n" "$MD_MIB" || die "null_blk for a metadata area"
	printf '0 %s linear /dev/smd%s 0\n%s %s zero\n' "$MD_SECTORS" "$n" "$MD_SECTORS" \
		"$((SPARE_SECTORS - MD_SECTORS))" | dmsetup create "zspare$n" || die "spare $n"
	dmremap-meta build --remaps "$n" --seed 1 --main /dev/mapper/zmain "/dev/mapper/zspare$n" ||
		die "dmremap-meta build $n"
	dmremap-meta check -q "/dev/mapper/zspare$n" || die "dmremap-meta check of $n"
	# Now the whole pool on dm-zero: a remap's data write goes to the same
	# kind of device on every spare, and so does the commit after it (with
	# the pool's first blocks on null_blk, the spare with 10 remaps wrote
	# its new blocks there and the one with 10^6 to dm-zero, and its commit
	# measured about half the time: a difference of the test's devices).
	_ps=$(pool_start "$n")
	printf '0 %s linear /dev/smd%s 0\n%s %s zero\n' "$_ps" "$n" "$_ps" \
		"$((SPARE_SECTORS - _ps))" | dmsetup reload "zspare$n" || die "spare $n reload"
	dmsetup resume "zspare$n" || die "spare $n resume"
done

table() {	# table N: the table line of r0 over the spare with N remaps
	echo "0 $MAIN_SECTORS remap /dev/mapper/zmain /dev/mapper/zspare$1"
}

create() {	# create N: r0 over the spare with N remaps; prints the seconds it took
	_t0=$(now_ns)
	table "$1" | dmsetup create r0 || die "create r0"
	_t1=$(now_ns)
	ratio $((_t1 - _t0)) 1000000000 4
}

remove() {	# remove: prints the seconds it took
	_t0=$(now_ns)
	dmsetup remove r0 || die "remove r0"
	_t1=$(now_ns)
	ratio $((_t1 - _t0)) 1000000000 4
}

kmem_kib() {	# unreclaimable slab + vmalloc, KiB
	sync
	echo 3 >/proc/sys/vm/drop_caches
	awk '/^SUnreclaim:/ { s += $2 } /^VmallocUsed:/ { s += $2 } END { print s }' /proc/meminfo
}

# mem_of N: KiB a device with N remaps takes, once the RCU callbacks of
# its load have run
mem_of() {
	_before=$(kmem_kib)
	create "$1" >/dev/null
	sleep 1
	_after=$(kmem_kib)
	[ "$(status_key r0 remapped)" = "$1" ] || die "remapped is not $1 after the load"
	remove >/dev/null
	echo $((_after - _before))
}

# --- memory -------------------------------------------------------------------
for _ in 1 2 3; do
	mem_of 0 >>"$SCRATCH/mem_0"
	mem_of $N >>"$SCRATCH/mem_1m"
done
m0=$(median_of mem_0)
m1=$(median_of mem_1m)
echo "detail: kernel memory (SUnreclaim + VmallocUsed) of the device: $m0 KiB with 0 remaps, $m1 KiB with $N (medians of 3)"
bench_line memory_bytes_per_remap_1m "$(ratio "$(( (m1 - m0) * 1024 ))" $N 1)" "<=" 64

progress
# --- load and remove ------------------------------------------------------------
# create with 10^6 remaps against dd of the metadata area (superblocks and
# both table copies); remove with 10^6 remaps against remove with none
POOL_START=$(pool_start $N)
[ -n "$POOL_START" ] || die "no pool_start in the dump"
for _ in $(seq "$RUNS"); do
	create $N >>"$SCRATCH/load_1m"
	remove >>"$SCRATCH/remove_1m"
	create 0 >/dev/null
	remove >>"$SCRATCH/remove_0"
	_t0=$(now_ns)
	"$DD" if="/dev/mapper/zspare$N" of=/dev/null bs=1M count=$((POOL_START * 512)) \
		iflag=direct,count_bytes 2>/dev/null || die "dd of the metadata area"
	_t1=$(now_ns)
	ratio $((_t1 - _t0)) 1000000000 4 >>"$SCRATCH/dd_metadata"
done
load=$(median_of load_1m)
dd_s=$(median_of dd_metadata)
echo "detail: dmsetup create with $N remaps: $load s; dd of the $((POOL_START / 2048)) MiB metadata area: $dd_s s (medians of $RUNS); the goal of load_seconds_1m is 2 x that dd"
bench_line load_seconds_1m "$load" "<=" "$(ratio "$dd_s" 0.5 4)"
figure load_1m_vs_dd_metadata load_1m dd_metadata "<=" 2
figure remove_time_1m_vs_0 remove_1m remove_0 "<=" 3

progress
# --- commit latency -------------------------------------------------------------
EV=/sys/kernel/tracing/events/dm_remap/dm_remap_md_commit
[ -d "$EV" ] || die "no dm_remap_md_commit tracepoint"
# commits N K: latency_ns of one commit of one entry ("remap" message) on
# the device with N remaps, at a block near the end (K-th); alternating,
# 4 x RUNS each: a commit takes some 100 to 500 us under TCG, and one
# descheduled vCPU doubles it.  The event stays enabled for the whole loop
# and the trace is cleared after each create: turning a tracepoint on or
# off patches kernel text on every vCPU (text_poke_bp), and one make bench
# under multi-threaded TCG hung there for good (a soft lockup in
# smp_call_function_many_cond) when this loop did it 80 times.
commits() {
	create "$1" >/dev/null
	: >/sys/kernel/tracing/trace
	dmsetup message r0 0 remap $((MAIN_SECTORS - $2 * 8 * 1000)) || die "remap message"
	sed -n 's/.*latency_ns=\([0-9]*\).*/\1/p' /sys/kernel/tracing/trace
	remove >/dev/null
}
echo 1 >"$EV/enable"
for k in $(seq $((RUNS * 4))); do
	commits $N "$k" >>"$SCRATCH/commit_1m"
	commits 10 "$k" >>"$SCRATCH/commit_10"
done
echo 0 >"$EV/enable"
[ -s "$SCRATCH/commit_1m" ] && [ -s "$SCRATCH/commit_10" ] || die "no commit latencies traced"
figure commit_latency_1m_vs_10 commit_1m commit_10 "<=" 1.5

progress
# --- random reads -------------------------------------------------------------
fio_iops() {	# fio_iops DEV: 4 KiB random read IOPS at QD 32
	fio --name=r --filename="$1" --rw=randread --bs=4k --iodepth=32 \
		--ioengine=libaio --direct=1 --norandommap --randrepeat=0 \
		--time_based --runtime="$FIO_SECONDS" --minimal 2>/dev/null |
		grep ';' | tail -n 1 | cut -d';' -f8
}
create $N >/dev/null
echo "0 $MAIN_SECTORS linear /dev/mapper/zmain 0" | dmsetup create lin || die "dm-linear"
for _ in $(seq "$RUNS"); do
	fio_iops /dev/mapper/r0 >>"$SCRATCH/randread_1m"
	fio_iops /dev/mapper/lin >>"$SCRATCH/randread_linear"
done
figure remap_vs_linear_randread_4k_1m_remaps randread_1m randread_linear ">=" 0.95
dmsetup remove lin
remove >/dev/null

for n in $N 10 0; do
	dmsetup remove "zspare$n"
	nullb_remove "smd$n"
done
dmsetup remove zmain
kernel_log_clean >/dev/null || die "the kernel log has a WARNING, BUG or the like"
