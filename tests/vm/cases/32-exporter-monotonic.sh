#!/bin/sh
# Counters that only grow, whichever way the exporter runs: the --once
# timer mode run again and again under fio load while bad sectors keep
# being remapped, and the daemon's file sampled over the same time.  Every
# counter, histogram bucket, _sum and _count of each file is compared with
# the same series in the previous file: none may go down or vanish, and the
# injected remaps must show as growth (so the comparison has something to
# compare).
. /run/vmrun-lib/common.sh
. /run/vmrun-lib/prom.sh

ONCE=$SCRATCH/once
DAEMON=$SCRATCH/daemon
mkdir -p "$ONCE" "$DAEMON"
remap_setup

dmremap-exporter --textfile-dir "$DAEMON" --interval 1 2>"$SCRATCH/daemon.err" &
EXP=$!
wait_for grep -q '^dm_remap_exporter_bpf_attached 1$' "$DAEMON/dm_remap.prom" ||
	bail "the daemon did not attach: $(cat "$SCRATCH/daemon.err")"

fio --name=load --filename=/dev/mapper/r0 --direct=1 --rw=randrw --bs=4k --offset=8M \
	--size=16M --runtime=60 --time_based --ioengine=psync --eta=never --output=/dev/null &
FIO=$!
make_ref "$SCRATCH/a" 4
L='device="r0",dm="dm-'$(dmsetup info -c --noheadings -o minor r0 | tr -d ' ')'"'
bad_once=0
bad_daemon=0
runs=0
i=0
while [ $i -lt 6 ]; do
	# a new bad sector remapped before each run (blocks 16, 32, ... stay clear of fio)
	s=$(( (i + 1) * 128 ))
	nullb_badblocks main "+$s-$((s + 7))"
	write_at /dev/mapper/r0 "$SCRATCH/a" $((s / 2)) || echo "# remapped write $i failed"
	dmremap-exporter --once --textfile-dir "$ONCE" 2>>"$SCRATCH/once.err" || echo "# --once run $i failed"
	cp "$ONCE/dm_remap.prom" "$SCRATCH/once.$i"
	cp "$DAEMON/dm_remap.prom" "$SCRATCH/daemon.$i"
	if [ $i -gt 0 ]; then
		prom_monotonic "$SCRATCH/once.$((i - 1))" "$SCRATCH/once.$i" >"$SCRATCH/once.cmp.$i" ||
			{ bad_once=1; sed 's/^/#   once: /' "$SCRATCH/once.cmp.$i" | head -n 10; }
		prom_monotonic "$SCRATCH/daemon.$((i - 1))" "$SCRATCH/daemon.$i" >"$SCRATCH/daemon.cmp.$i" ||
			{ bad_daemon=1; sed 's/^/#   daemon: /' "$SCRATCH/daemon.cmp.$i" | head -n 10; }
	fi
	runs=$((runs + 1))
	i=$((i + 1))
	sleep 1
done
check "fio ran through the runs" kill -0 "$FIO"
kill "$FIO" 2>/dev/null
wait "$FIO" 2>/dev/null

check_eq "6 --once runs under load" 6 "$runs"
check_eq "--once: no counter went down or vanished from run to run" 0 "$bad_once"
check_eq "daemon: no counter, bucket, _sum or _count went down or vanished" 0 "$bad_daemon"
# the comparison compared something that moved
check_eq "--once: remaps_total grew by one a run (1 -> 6)" "1 6" \
	"$(prom_value "$SCRATCH/once.0" "dm_remap_remaps_total{$L}") $(prom_value "$SCRATCH/once.5" "dm_remap_remaps_total{$L}")"
check_eq "--once: metadata_commits_total grew by 5" 5 \
	$(( $(prom_value "$SCRATCH/once.5" "dm_remap_metadata_commits_total{$L}") - \
	    $(prom_value "$SCRATCH/once.0" "dm_remap_metadata_commits_total{$L}") ))
check "--once: io_errors_total{op=write} grew" test \
	"$(prom_value "$SCRATCH/once.5" "dm_remap_io_errors_total{$L,op=\"write\"}")" -gt \
	"$(prom_value "$SCRATCH/once.0" "dm_remap_io_errors_total{$L,op=\"write\"}")"
n0=$(prom_value "$SCRATCH/daemon.0" "dm_remap_io_requests_total{$L,op=\"write\"}")
n5=$(prom_value "$SCRATCH/daemon.5" "dm_remap_io_requests_total{$L,op=\"write\"}")
check "daemon: io_requests_total{op=write} grew under load ($n0 -> $n5)" test "${n5:-0}" -gt "${n0:-0}"
c0=$(prom_value "$SCRATCH/daemon.0" "dm_remap_io_latency_seconds_count{$L,op=\"read\",path=\"main\"}")
c5=$(prom_value "$SCRATCH/daemon.5" "dm_remap_io_latency_seconds_count{$L,op=\"read\",path=\"main\"}")
check "daemon: the read latency histogram grew under load ($c0 -> $c5)" test "${c5:-0}" -gt "${c0:-0}"
check "no --once error" test ! -s "$SCRATCH/once.err"

kill -TERM "$EXP"
wait "$EXP"
check_eq "the daemon exits 0" 0 "$?"
check "remove r0 and rmmod" sh -c "dmsetup remove r0 && rmmod dm_remap"
finish
