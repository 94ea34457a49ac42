#!/bin/sh
# The status counters of dm_remap.prom (io_errors_total, remaps_total,
# lost_sectors_total, metadata_commits_total) only grow for the life of the
# dm device, although the kernel starts them again at zero on a table
# reload and on clear_stats: the daemon and --once runs (state in
# DIR/dm_remap.state) sampled after remapped write errors and read errors,
# a reload, more errors, clear_stats, more errors and a daemon restart;
# no counter, bucket, _sum or _count of either file may go down or vanish
# from one sample to the next, and after each reset the exported value is
# exactly the value before plus the kernel's new count; the restarted daemon
# goes on from the state file, BPF statistics included.  Then the device is
# removed and created again under the same name (same dm minor): a new
# device, whose counters start from the kernel's values (documented in
# dmremap-exporter(8)).  A corrupt state file is ignored with one warning;
# one that cannot be written makes --once write nothing.
. /run/vmrun-lib/common.sh
. /run/vmrun-lib/faults.sh
. /run/vmrun-lib/prom.sh

ONCE=$SCRATCH/once
DAEMON=$SCRATCH/daemon
mkdir -p "$ONCE" "$DAEMON"
remap_setup
make_ref "$SCRATCH/a" 4
MINOR=$(dmsetup info -c --noheadings -o minor r0 | tr -d ' ')
L="device=\"r0\",dm=\"dm-$MINOR\""
WE="dm_remap_io_errors_total{$L,op=\"write\"}"
RE="dm_remap_io_errors_total{$L,op=\"read\"}"
MC="dm_remap_metadata_commits_total{$L}"
RM="dm_remap_remaps_total{$L}"
IO="dm_remap_io_requests_total{$L,op=\"write\"}"

start_daemon() {
	dmremap-exporter --textfile-dir "$DAEMON" --interval 1 2>>"$SCRATCH/daemon.err" &
	EXP=$!
}
file_id() {
	stat -c '%i %y' "$DAEMON/dm_remap.prom" 2>/dev/null
}
not_file() {	# not_file ID: the daemon's file is there and is not ID
	[ -e "$DAEMON/dm_remap.prom" ] && [ "$(file_id)" != "$1" ]
}
# fresh_daemon: two new writes of the daemon, the second begun after the caller's change
fresh_daemon() {
	wait_for not_file "$(file_id)" && wait_for not_file "$(file_id)"
}

# errors: a write error remapped and a read error, each at a new block
K=0
errors() {
	K=$((K + 1))
	_s=$((K * 256))
	nullb_badblocks main "+$_s-$((_s + 7))"
	write_at /dev/mapper/r0 "$SCRATCH/a" $((_s / 2)) || echo "# remapped write $K failed"
	_r=$((_s + 128))
	nullb_badblocks main "+$_r-$((_r + 7))"
	read_at /dev/mapper/r0 "$SCRATCH/r" $((_r / 2)) 4 && echo "# read $K of a bad block succeeded"
}

# sample WHAT: both files after WHAT, each compared with its previous sample
N=0
sample() {
	fresh_daemon || echo "# the daemon wrote nothing after: $1"
	dmremap-exporter --once --textfile-dir "$ONCE" 2>>"$SCRATCH/once.err" ||
		echo "# --once failed after: $1"
	cp "$ONCE/dm_remap.prom" "$SCRATCH/once.$N"
	cp "$DAEMON/dm_remap.prom" "$SCRATCH/daemon.$N"
	if [ $N -gt 0 ]; then
		for _m in once daemon; do
			check "$_m: nothing went down or vanished from '$PREV' to '$1'" \
				prom_monotonic "$SCRATCH/$_m.$((N - 1))" "$SCRATCH/$_m.$N"
		done
	fi
	PREV=$1
	N=$((N + 1))
}
# exported KEY [SAMPLE]: KEY's value in the --once and the daemon file of SAMPLE (default: last)
exported() {
	_n=${2:-$((N - 1))}
	echo "$(prom_value "$SCRATCH/once.$_n" "$1") $(prom_value "$SCRATCH/daemon.$_n" "$1")"
}
# carried WHAT KEY STATUS_KEY: after a reset, each file shows its value of the sample
# before plus the kernel's count since
carried() {
	_raw=$(status_key r0 "$3")
	set -- "$1" "$2" "$(exported "$2" $((N - 2)))" "$_raw"
	check_eq "$1: $2 = value before + kernel's $4 (once, daemon)" \
		"$(( ${3% *} + $4 )) $(( ${3#* } + $4 ))" "$(exported "$2")"
}

start_daemon
wait_for grep -q '^dm_remap_exporter_bpf_attached 1$' "$DAEMON/dm_remap.prom" ||
	bail "the daemon did not attach: $(cat "$SCRATCH/daemon.err")"

errors
errors
sample "two errors of each kind"
check_eq "the comparison compares moving counters: write errors 2 (once, daemon)" "2 2" \
	"$(exported "$WE")"
errors
sample "a third"

# A table reload: a new target instance, whose counters start at zero; an
# error after it, so that the kernel's new counts are not zero when sampled.
check "reload r0's table" dm_swap r0 "$TABLE"
check_eq "the reload zeroed the kernel's counters" "0 0 0" \
	"$(status_key r0 read_errors) $(status_key r0 write_errors) $(status_key r0 md_commits)"
errors
sample "the reload and an error after it"
carried "reload" "$WE" write_errors
carried "reload" "$RE" read_errors
carried "reload" "$MC" md_commits
check_eq "remaps_total: the persistent table, 4 (once, daemon)" "4 4" "$(exported "$RM")"

check "clear_stats" dmsetup message r0 0 clear_stats
check_eq "clear_stats zeroed the kernel's counters" "0 0 0" \
	"$(status_key r0 read_errors) $(status_key r0 write_errors) $(status_key r0 md_commits)"
sample "clear_stats"
carried "clear_stats" "$WE" write_errors
carried "clear_stats" "$MC" md_commits
errors
sample "an error after clear_stats"
carried "error after clear_stats" "$RE" read_errors
carried "error after clear_stats" "$MC" md_commits
check_eq "every write error counted across reload and clear_stats: 5 (once, daemon)" "5 5" \
	"$(exported "$WE")"
check_eq "remaps_total 5 (once, daemon)" "5 5" "$(exported "$RM")"

# A restarted daemon goes on from its state file (status counters and BPF statistics).
kill -TERM "$EXP"
wait "$EXP"
check_eq "the daemon exits 0" 0 "$?"
start_daemon
sample "a daemon restart"
check_eq "the restarted daemon carries md_commits on" "$(exported "$MC" $((N - 2)))" \
	"$(exported "$MC")"
check_eq "the restarted daemon carries the BPF write count on" \
	"$(prom_value "$SCRATCH/daemon.$((N - 2))" "$IO")" "$(prom_value "$SCRATCH/daemon.$((N - 1))" "$IO")"

# Removed and created again under the same name: a new device, from the kernel's values.
before_io=$(prom_value "$SCRATCH/daemon.$((N - 1))" "$IO")
kill -STOP "$EXP"
check "remove r0 and create it again" sh -c "dmsetup remove r0 && echo '$TABLE' | dmsetup create r0"
check_eq "r0 created again has the same dm minor (only its creation tells it apart)" \
	"$MINOR" "$(dmsetup info -c --noheadings -o minor r0 | tr -d ' ')"
kill -CONT "$EXP"
fresh_daemon
dmremap-exporter --once --textfile-dir "$ONCE" 2>>"$SCRATCH/once.err"
cp "$ONCE/dm_remap.prom" "$SCRATCH/once.$N"
cp "$DAEMON/dm_remap.prom" "$SCRATCH/daemon.$N"
N=$((N + 1))
raw="$(status_key r0 write_errors) $(status_key r0 md_commits)"
check_eq "created again: write errors and commits are the kernel's (once)" "$raw" \
	"$(prom_value "$SCRATCH/once.$((N - 1))" "$WE") $(prom_value "$SCRATCH/once.$((N - 1))" "$MC")"
check_eq "created again: write errors and commits are the kernel's (daemon)" "$raw" \
	"$(prom_value "$SCRATCH/daemon.$((N - 1))" "$WE") $(prom_value "$SCRATCH/daemon.$((N - 1))" "$MC")"
after_io=$(prom_value "$SCRATCH/daemon.$((N - 1))" "$IO")
check "created again: the BPF write count starts again ($before_io -> $after_io)" \
	test "${after_io:-x}" -lt "${before_io:-0}"
check "no error from the daemon or --once (only attach/detach notes)" sh -c \
	"! grep -v -e ': BPF attached' -e ': BPF detached' '$SCRATCH/daemon.err' '$SCRATCH/once.err'"
kill -TERM "$EXP"
wait "$EXP"

# The state: one line per existing device; corrupt is ignored with a warning.
check_eq "the state file holds r0 only" 1 "$(grep -c '^dev ' "$ONCE/dm_remap.state")"
printf 'dmremap-exporter-state 1 %s\ndev 1 2 x\nend 1\n' "$(cat /proc/sys/kernel/random/boot_id)" \
	>"$ONCE/dm_remap.state"
check "a corrupt state file: --once exits 0" sh -c \
	"dmremap-exporter --once --textfile-dir '$ONCE' 2>'$SCRATCH/corrupt.err'"
check_eq "... with one warning" 1 "$(grep -c 'ignoring .*dm_remap.state' "$SCRATCH/corrupt.err")"
check "... and writes a valid state again" grep -q '^end 1$' "$ONCE/dm_remap.state"
# A state that cannot be written (a directory in its place): --once leaves the
# metrics as they were and exits 1, so that no value it could not remember is shown.
rm -f "$ONCE/dm_remap.state" && mkdir "$ONCE/dm_remap.state"
before=$(stat -c '%i %y' "$ONCE/dm_remap.prom")
check_fails "--once without a writable state exits 1" sh -c \
	"dmremap-exporter --once --textfile-dir '$ONCE' 2>'$SCRATCH/nostate.err'"
check_eq "... says the state could not be written" 1 \
	"$(grep -c 'dm_remap.state.* failed' "$SCRATCH/nostate.err")"
check_eq "... and leaves dm_remap.prom as it was" "$before" "$(stat -c '%i %y' "$ONCE/dm_remap.prom")"
rmdir "$ONCE/dm_remap.state"
check "remove r0: the state keeps no device" sh -c \
	"dmsetup remove r0 && dmremap-exporter --once --textfile-dir '$ONCE' && grep -qx 'end 0' '$ONCE/dm_remap.state'"
check "rmmod" rmmod dm_remap
finish
