#!/bin/sh
# Status, table and messages of the target.
. /run/vmrun-lib/common.sh

nullb_create main 64 || bail "null_blk main"
nullb_create spare 16 || bail "null_blk spare"
LEN=$(sectors_of /dev/main)
MAIN_MM=$(cat /sys/block/main/dev)
SPARE_MM=$(cat /sys/block/spare/dev)
echo "0 $LEN remap /dev/main /dev/spare 4 scrub_rate 1024 no_auto_remap format" |
	dmsetup create r0 || bail "create r0"

STATUS=$(dmsetup status r0)
echo "# status: $STATUS"
for key in mode block_size remapped spare_total spare_free pending read_errors \
	write_errors lost_sectors md_commits md_seq scrub; do
	check "status has $key=" sh -c "echo '$STATUS' | tr ' ' '\n' | grep -q '^$key='"
done
check_eq "mode" rw "$(status_key r0 mode)"
check_eq "block_size" 4096 "$(status_key r0 block_size)"
check_eq "table prints devices as major:minor and every option" \
	"0 $LEN remap $MAIN_MM $SPARE_MM 6 block_size 4096 scrub_rate 1024 no_auto_remap format" \
	"$(dmsetup table r0)"
check "the table line is accepted back" sh -c "dmsetup table r0 | dmsetup load r0 && dmsetup resume r0"
check "help lists the messages" sh -c "dmsetup message r0 0 help | grep -q '^scrub start|stop'"
check_fails "unknown message refused" dmsetup message r0 0 frobnicate
check "unknown message is logged" sh -c "dmesg | grep -q \"unsupported message 'frobnicate'\""
check_fails "empty message refused" dmsetup message r0 0 ""
check_fails "discards are refused, not half done" blkdiscard /dev/mapper/r0
DM=$(dmsetup info -c --noheadings -o blkdevname r0)
check_eq "the device advertises no discard" 0 "$(cat /sys/block/$DM/queue/discard_max_bytes)"
check "remove" dmsetup remove r0
finish
