#!/bin/sh
# Status, table and messages of the target.
. /run/vmrun-lib/common.sh

remap_setup 4 scrub_rate 1024 no_auto_remap format
MAIN_MM=$(cat /sys/block/main/dev)
SPARE_MM=$(cat /sys/block/spare/dev)
DEVT=$(dm_devt r0)	# the name the target logs

STATUS=$(dmsetup status r0)
echo "# status: $STATUS"
# The keys, one a line in order, for the golden file (values vary).
echo "$STATUS" | cut -d' ' -f4- | tr ' ' '\n' | sed 's/=.*//' >"$SCRATCH/keys"
check_golden "the status line has exactly the documented keys, in order" status-keys "$SCRATCH/keys"
check_eq "mode" rw "$(status_key r0 mode)"
check_eq "block_size" 4096 "$(status_key r0 block_size)"
check_eq "table prints devices as major:minor and every option" \
	"0 $LEN remap $MAIN_MM $SPARE_MM 6 block_size 4096 scrub_rate 1024 no_auto_remap format" \
	"$(dmsetup table r0)"
TABLE_NOW=$(dmsetup table r0)
check "the table line is accepted back" dmsetup load r0 --table "$TABLE_NOW"
check "... and the device resumes with it" dmsetup resume r0
check_eq "... and is the same after the reload" "$TABLE_NOW" "$(dmsetup table r0)"
dmsetup message r0 0 help >"$SCRATCH/help" 2>&1
check_golden "help lists the messages" help "$SCRATCH/help"
check_fails "unknown message refused" dmsetup message r0 0 frobnicate
check "... and logged with its reason" logged "$DEVT: unsupported message 'frobnicate' with 0 argument(s); try 'help'"
check_fails "help with an argument refused" dmsetup message r0 0 help me
check "... and logged with its reason" logged "$DEVT: unsupported message 'help' with 1 argument(s); try 'help'"
# An empty message never reaches the target: dm core refuses it first (the
# target's own empty-message check is defence in depth, unreachable here).
check_fails "empty message refused" dmsetup message r0 0 ""
check "... by dm core" logged "Empty message received"
check_fails "discards are refused, not half done" blkdiscard /dev/mapper/r0
DM=$(dmsetup info -c --noheadings -o blkdevname r0)
check_eq "the device advertises no discard" 0 "$(cat "/sys/block/$DM/queue/discard_max_bytes")"
check "remove" dmsetup remove r0
finish
