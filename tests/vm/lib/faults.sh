# shellcheck shell=sh
# Fault-injection helpers for the in-VM cases (sourced after common.sh).
#
# Real kernel code only: dm tables switched under a running remap device
# (linear <-> error, delay), null_blk bad blocks and caches.

# dm_swap NAME TABLE: replaces NAME's table (load, suspend, resume), as a
# path failing or coming back looks to the device above.
dm_swap() {
	printf '%s\n' "$2" | dmsetup load "$1" && dmsetup suspend "$1" &&
		dmsetup resume "$1"
}

# dm_events NAME: the device's dm event counter (dmsetup wait, dmeventd).
dm_events() {
	dmsetup info -c --noheadings -o events "$1" | tr -d ' '
}

# dm_kname NAME: the kernel name (dm-N) of a dm device.
dm_kname() {
	basename "$(readlink -f "/sys/dev/block/$(dmsetup info -c --noheadings -o major,minor --separator : "$1" | tr -d ' ')")"
}

# flushes_of DISK: flush requests DISK completed (/proc/diskstats field 19).
flushes_of() {
	awk -v d="$1" '$3 == d { print $19 }' /proc/diskstats
}

# events_grew NAME BEFORE: NAME's event counter is above BEFORE.
events_grew() {
	[ "$(dm_events "$1")" -gt "$2" ]
}

# key_is NAME KEY VALUE: NAME's status has KEY=VALUE (for wait_for).
key_is() {
	[ "$(status_key "$1" "$2")" = "$3" ]
}

# --- hangs ----------------------------------------------------------------------
# A device below that hangs: suspended (I/O waits until resume) or reloaded
# as dm-delay (I/O waits DELAY_MS, or until the table is replaced: dm-delay
# sends what it holds on when it is suspended).  Whether an I/O is still
# waiting is read from the device above, never guessed from a sleep.

# inflight_of NAME: "READS WRITES" in flight on dm device NAME (bios that
# entered it and have not completed, /sys/block/dm-N/inflight).
inflight_of() {
	tr -s ' ' ' ' <"/sys/block/$(dm_kname "$1")/inflight" | sed 's/^ //'
}

# inflight_at_least NAME READS WRITES: NAME has at least that many reads
# and writes in flight (for wait_for).
inflight_at_least() {
	# shellcheck disable=SC2046 # two numbers
	set -- "$1" "$2" "$3" $(inflight_of "$1")
	[ "$4" -ge "$2" ] && [ "$5" -ge "$3" ]
}

# delay_table DEV SECTORS DELAY_MS: a dm-delay table line over all of DEV.
delay_table() {
	echo "0 $2 delay $1 0 $3"
}

# linear_table DEV SECTORS: a dm-linear table line over all of DEV.
linear_table() {
	echo "0 $2 linear $1 0"
}

# hang_start NAME HOW [DELAY_MS]: NAME (a linear dm device) hangs: HOW is
# "suspend" (until hang_end) or "delay" (dm-delay, default 60000 ms, a
# wait the case never reaches: hang_end ends it).
hang_start() {
	case $2 in
	suspend) dmsetup suspend "$1" ;;
	delay) dm_swap "$1" "$(delay_table "$(hang_lower "$1")" "$(sectors_of "/dev/mapper/$1")" "${3:-60000}")" ;;
	*) echo "hang_start: unknown way '$2'"; return 1 ;;
	esac
}

# hang_end NAME HOW: NAME answers again; a dm-delay table is replaced by
# the linear one, which sends on every held I/O at once.
hang_end() {
	case $2 in
	suspend) dmsetup resume "$1" ;;
	delay) dm_swap "$1" "$(linear_table "$(hang_lower "$1")" "$(sectors_of "/dev/mapper/$1")")" ;;
	*) echo "hang_end: unknown way '$2'"; return 1 ;;
	esac
}

# hang_lower NAME: the device under linear or delay device NAME, as
# /dev/<kernel name> (from its live table's major:minor).
hang_lower() {
	_mm=$(dmsetup table "$1" | cut -d' ' -f4)
	echo "/dev/$(basename "$(readlink -f "/sys/dev/block/$_mm")")"
}

# still_running PID...: every PID (children of this shell) is still running.
still_running() {
	for _p in "$@"; do
		kill -0 "$_p" 2>/dev/null || return 1
	done
}

# timed_ms COMMAND...: runs COMMAND, sets ELAPSED_MS to its wall time and
# returns its status.
timed_ms() {
	_t0=$(now-ns)
	"$@"
	_rc=$?
	# shellcheck disable=SC2034 # for the caller
	ELAPSED_MS=$((($(now-ns) - _t0) / 1000000))
	return $_rc
}

# remap_over_linear main|spare: remap_disks, a dm-linear "lin" over the
# disk named (to suspend it or reload it as delay or error), and r0 over
# main and spare, one of them through lin; sets LEN and TABLE (r0's table).
remap_over_linear() {
	remap_disks
	linear_table "/dev/$1" "$(sectors_of "/dev/$1")" | dmsetup create lin || bail "create lin"
	case $1 in
	main) TABLE="0 $LEN remap /dev/mapper/lin /dev/spare" ;;
	spare) TABLE="0 $LEN remap /dev/main /dev/mapper/lin" ;;
	*) bail "remap_over_linear: main or spare, not '$1'" ;;
	esac
	echo "$TABLE" | dmsetup create r0 || bail "create r0: $TABLE"
	dmsetup mknodes
	is_blockdev /dev/mapper/r0 || bail "no block device /dev/mapper/r0"
}

# remap_over_log_writes: for crash-consistency replays, the null_blk disks
# main (64 MiB), sparebase (16), logdev (128) and replay (16, blank: the
# log is replayed onto it), dm-log-writes "lw" recording every write to
# sparebase on logdev with its flush/FUA flags, and r0 over main and lw;
# sets LEN (main's sectors).
remap_over_log_writes() {
	modprobe dm-log-writes || bail "dm-log-writes"
	nullb_create main 64 || bail "null_blk main"
	nullb_create sparebase 16 || bail "null_blk sparebase"
	nullb_create logdev 128 || bail "null_blk logdev"
	nullb_create replay 16 || bail "null_blk replay"
	LEN=$(sectors_of /dev/main)
	echo "0 $(sectors_of /dev/sparebase) log-writes /dev/sparebase /dev/logdev" |
		dmsetup create lw || bail "log-writes"
	echo "0 $LEN remap /dev/main /dev/mapper/lw" | dmsetup create r0 || bail "create r0"
}
