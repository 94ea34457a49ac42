#!/bin/sh
# dmremap-exporter against known state: remaps, errors and pending blocks
# from injected bad sectors, latency histograms after fio load (no spare
# path before the first remap), the BPF attached gauge, module release
# (SIGUSR1), detach when the last remap device goes so that rmmod works
# with the exporter running, re-attach (0 -> 1) when a device appears,
# SIGTERM without leftovers, --once (status metrics only).  The file is
# printed between markers for the host's promtool checks (tests/prom/run).
. /run/vmrun-lib/common.sh

D=$SCRATCH/textfile
PROM=$D/dm_remap.prom
mkdir -p "$D"

# value NAME [LABELS]: the value of sample NAME{LABELS} (NAME alone without labels)
value() {
	if [ -n "${2:-}" ]; then
		awk -v k="$1{$2}" '$1 == k { print $2 }' "$PROM" 2>/dev/null
	else
		awk -v k="$1" '$1 == k { print $2 }' "$PROM" 2>/dev/null
	fi
}
is() {		# is NAME LABELS VALUE
	[ "$(value "$1" "$2")" = "$3" ]
}
at_least() {	# at_least NAME LABELS MIN
	_v=$(value "$1" "$2")
	[ -n "$_v" ] && [ "${_v%.*}" -ge "$3" ]
}
absent() {	# absent PATTERN: no sample line matches
	! grep -v '^#' "$PROM" | grep -q "$1"
}
only_prom() {	# the directory holds dm_remap.prom, the exporter's state and nothing else
	# shellcheck disable=SC2012 # the file names are the exporter's
	[ "$(ls -A "$D" | tr '\n' ' ')" = "dm_remap.prom dm_remap.state " ]
}
dm_of() {
	echo "dm-$(dmsetup info -c --noheadings -o minor "$1" | tr -d ' ')"
}
# check_wait DESCRIPTION COMMAND...: COMMAND becomes true within 30 s
check_wait() {
	_d=$1
	shift
	if wait_for "$@"; then
		ok "$_d"
	else
		not_ok "$_d"
		grep -v '^#' "$PROM" 2>/dev/null | grep -v _bucket | sed 's/^/#   /' | head -n 40
		sed 's/^/#   stderr: /' "$SCRATCH/exp.err" 2>/dev/null | tail -n 5
	fi
}

nullb_create main 64 || bail "null_blk main"
nullb_create spare 16 || bail "null_blk spare"
LEN=$(sectors_of /dev/main)
TABLE="0 $LEN remap /dev/main /dev/spare"
echo "$TABLE" | dmsetup create r0 || bail "create r0"
TOTAL=$(status_key r0 spare_total)
DM=$(dm_of r0)
L="device=\"r0\",dm=\"$DM\""

dmremap-exporter --textfile-dir "$D" --interval 1 2>"$SCRATCH/exp.err" &
EXP=$!
check_wait "the exporter attaches and writes the file" is dm_remap_exporter_bpf_attached "" 1
check_eq "module_loaded 1" 1 "$(value dm_remap_exporter_module_loaded)"
check_eq "one remap device" 1 "$(value dm_remap_exporter_devices)"
check_eq "nothing remapped yet" 0 "$(value dm_remap_remapped_blocks "$L")"
check_eq "spare_blocks is the status' spare_total" "$TOTAL" "$(value dm_remap_spare_blocks "$L")"
check_eq "read_only 0" 0 "$(value dm_remap_read_only "$L")"
check_eq "main_offline 0" 0 "$(value dm_remap_main_offline "$L")"
check_eq "dropped_events_total 0" 0 "$(value dm_remap_exporter_dropped_events_total)"
check_eq "build_info says daemon" 1 \
	"$(grep -c '^dm_remap_exporter_build_info{version=".*",mode="daemon"} 1$' "$PROM")"
"$DD" if=/dev/mapper/r0 of=/dev/null bs=4096 count=4 iflag=direct 2>/dev/null
check_wait "reads before any remap: main path histogram" \
	at_least dm_remap_io_latency_seconds_count "$L,op=\"read\",path=\"main\"" 4
check "no path=\"spare\" series while the device has no remap" absent 'path="spare"'

# A write over bad sectors: one remap, one write error, one commit.
make_ref "$SCRATCH/a" 4
nullb_badblocks main "+2048-2055"
check "a write over bad sectors succeeds (remapped)" write_at /dev/mapper/r0 "$SCRATCH/a" 1024
check_wait "dm_remap_remapped_blocks 1" is dm_remap_remapped_blocks "$L" 1
check_eq "dm_remap_remaps_total 1" 1 "$(value dm_remap_remaps_total "$L")"
check_eq "dm_remap_io_errors_total{op=write} 1" 1 \
	"$(value dm_remap_io_errors_total "$L,op=\"write\"")"
check_eq "dm_remap_io_errors_total{op=read} 0" 0 \
	"$(value dm_remap_io_errors_total "$L,op=\"read\"")"
check_eq "spare_free_blocks went down by one" $((TOTAL - 1)) \
	"$(value dm_remap_spare_free_blocks "$L")"
check_eq "dm_remap_metadata_commits_total 1" 1 "$(value dm_remap_metadata_commits_total "$L")"
check_eq "dm_remap_lost_sectors_total 0" 0 "$(value dm_remap_lost_sectors_total "$L")"

# A read of an unreadable block that is not remapped: pending.
nullb_badblocks main "+4096-4103"
"$DD" if=/dev/mapper/r0 of=/dev/null bs=4096 skip=512 count=1 iflag=direct 2>/dev/null
check_wait "dm_remap_pending_blocks 1 after a failed read" is dm_remap_pending_blocks "$L" 1
check "dm_remap_io_errors_total{op=read} >= 1" at_least dm_remap_io_errors_total "$L,op=\"read\"" 1
nullb_badblocks main "-4096-4103"

# Load: main path by fio, spare path by reading the remapped block.
# (blocks 1024 and up: the remapped and the pending block stay untouched)
check "fio random read/write load" fio --name=load --filename=/dev/mapper/r0 --direct=1 \
	--rw=randrw --bs=4k --offset=4M --size=12M --runtime=3 --time_based \
	--ioengine=psync --output=/dev/null
for _i in 1 2 3 4 5 6 7 8; do
	"$DD" if=/dev/mapper/r0 of=/dev/null bs=4096 skip=256 count=1 iflag=direct 2>/dev/null
done
H=dm_remap_io_latency_seconds
check_wait "latency histogram: reads served by the spare" at_least ${H}_count "$L,op=\"read\",path=\"spare\"" 8
check "latency histogram: reads on the main path" at_least ${H}_count "$L,op=\"read\",path=\"main\"" 10
check "latency histogram: writes on the main path" at_least ${H}_count "$L,op=\"write\",path=\"main\"" 10
# bucket/count comparisons on one copy of the file (it is rewritten every second)
cp "$PROM" "$SCRATCH/snap.prom"
PROM=$SCRATCH/snap.prom
check_eq "the 34.359738367 s bucket holds every read" \
	"$(value ${H}_count "$L,op=\"read\",path=\"main\"")" \
	"$(value ${H}_bucket "$L,op=\"read\",path=\"main\",le=\"34.359738367\"")"
check_eq "+Inf bucket equals _count" \
	"$(value ${H}_count "$L,op=\"write\",path=\"main\"")" \
	"$(value ${H}_bucket "$L,op=\"write\",path=\"main\",le=\"+Inf\"")"
check "_sum is positive" awk "BEGIN { exit !($(value ${H}_sum "$L,op=\"read\",path=\"main\"") + 0 > 0) }"
PROM=$D/dm_remap.prom
check "metadata commit histogram counted the commit" \
	at_least dm_remap_metadata_commit_duration_seconds_count "$L" 1
check "dm_remap_io_requests_total{op=write} counts the load" \
	at_least dm_remap_io_requests_total "$L,op=\"write\"" 10
check "dm_remap_io_remapped_requests_total{op=read} counts spare reads" \
	at_least dm_remap_io_remapped_requests_total "$L,op=\"read\"" 8
check "only dm_remap.prom and dm_remap.state in the directory (no temporary file)" only_prom
check "the exporter still runs" kill -0 "$EXP"

# The file for the host's promtool checks.
echo "=== BEGIN dm_remap.prom ==="
cat "$PROM"
echo "=== END dm_remap.prom ==="

# SIGUSR1 releases the module even while a remap device exists.
check "SIGUSR1 to the exporter" kill -USR1 "$EXP"
check_wait "bpf_attached 0 after SIGUSR1" is dm_remap_exporter_bpf_attached "" 0
check_eq "the device's status metrics stay" 1 "$(value dm_remap_remapped_blocks "$L")"

# No remap device, no attachment: rmmod works with the exporter running.
check "remove r0" dmsetup remove r0
check_wait "a removed device's series disappear" absent "device=\"r0\""
check_eq "bpf_attached 0 without a remap device" 0 "$(value dm_remap_exporter_bpf_attached)"
check "rmmod dm_remap with the exporter running and no device" rmmod dm_remap
check_wait "module_loaded 0 after rmmod" is dm_remap_exporter_module_loaded "" 0
check_eq "zero devices" 0 "$(value dm_remap_exporter_devices)"
sleep 2
check "the exporter keeps running without the module" kill -0 "$EXP"

# The module without a device: still nothing attached (rmmod works again).
check "modprobe dm_remap" modprobe dm_remap
check_wait "module_loaded 1 after modprobe" is dm_remap_exporter_module_loaded "" 1
sleep 2
check_eq "no device: bpf_attached stays 0" 0 "$(value dm_remap_exporter_bpf_attached)"
check "rmmod again: the module is not pinned" rmmod dm_remap

# A device appears: attach (0 -> 1); the persistent remap count survives.
check "modprobe and create again" sh -c "modprobe dm_remap && echo '$TABLE' | dmsetup create r0"
DM=$(dm_of r0)
L="device=\"r0\",dm=\"$DM\""
check_wait "bpf_attached 1 once a remap device exists" is dm_remap_exporter_bpf_attached "" 1
check_wait "remaps_total 1 survives the module reload" is dm_remap_remaps_total "$L" 1
check_eq "io_errors_total restarts with the module (a counter reset)" 0 \
	"$(value dm_remap_io_errors_total "$L,op=\"write\"")"
check "a write after re-attach" write_at /dev/mapper/r0 "$SCRATCH/a" 0
check_wait "the write is counted after re-attach" at_least ${H}_count "$L,op=\"write\",path=\"main\"" 1
check "the device with a remap has its spare path series from the start" \
	is ${H}_count "$L,op=\"write\",path=\"spare\"" 0

# SIGTERM: exit 0, no temporary file, the file complete.
check "SIGTERM" kill -TERM "$EXP"
wait "$EXP"
check_eq "the exporter exits 0 on SIGTERM" 0 "$?"
check "no temporary file after SIGTERM" only_prom
check "the file is complete" sh -c "tail -n 1 '$PROM' | grep -q '^dm_remap_exporter_build_info'"

# SIGTERM at any moment (during BPF attach, between writes, ...) once the
# exporter has its handler (SigCgt in /proc: before that, any program dies).
handles_term() {
	_m=$(sed -n 's/^SigCgt:[[:space:]]*//p' "/proc/$1/status" 2>/dev/null)
	[ -n "$_m" ] && [ $(( 0x$_m & 0x4000 )) != 0 ]
}
bad=0
for t in 0 1 2 3 4 5 6 7; do
	dmremap-exporter --textfile-dir "$D" --interval 1 2>/dev/null &
	p=$!
	_i=0
	while ! handles_term "$p" && [ $_i -lt 500 ]; do _i=$((_i + 1)); done
	sleep "0.$((t * 13 % 10))$t"
	kill -TERM "$p"
	wait "$p" || { echo "# exit $? after SIGTERM at 0.$((t * 13 % 10))$t s"; bad=1; }
	# shellcheck disable=SC2012 # a listing to read, not to parse
	only_prom || { ls -A "$D" | sed 's/^/#   /'; bad=1; }
done
check_eq "8 runs stopped by SIGTERM at random moments: exit 0, no leftover" 0 "$bad"

# A temporary file of a writer killed with SIGKILL is removed at start.
touch "$D/.dm_remap.prom.99999.AbC123"
check "--once writes the file" dmremap-exporter --once --textfile-dir "$D"
check "--once removed a dead writer's temporary file" only_prom
check_eq "--once: remapped_blocks" 1 "$(value dm_remap_remapped_blocks "$L")"
check "--once writes no bpf_attached gauge (it never attaches)" absent '^dm_remap_exporter_bpf_attached'
check "--once: no BPF histograms" absent "$H"
check "--once: no BPF counters" absent dm_remap_io_requests_total
check_eq "build_info says once" 1 \
	"$(grep -c '^dm_remap_exporter_build_info{version=".*",mode="once"} 1$' "$PROM")"
check_fails "--once --interval is a usage error (no sampling)" \
	dmremap-exporter --once --interval 3 --textfile-dir "$D"

# Clear errors.
check_fails "a missing directory is an error" dmremap-exporter --once --textfile-dir /nonexistent
check "... one line naming it" sh -c \
	"dmremap-exporter --once --textfile-dir /nonexistent 2>&1 | grep -c . | grep -qx 1"
check_fails "--interval 0 without --once is a usage error" dmremap-exporter --interval 0
check "-V prints the version" sh -c "dmremap-exporter -V | grep -q '^dmremap-exporter '"
check "-h prints help with examples" sh -c "dmremap-exporter -h | grep -q Examples"

check "final remove and rmmod (nothing pins the module)" \
	sh -c "dmsetup remove r0 && rmmod dm_remap"
finish
