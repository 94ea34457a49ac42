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
