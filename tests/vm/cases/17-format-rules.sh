#!/bin/sh
# Zeroed spares are formatted; garbage needs "format"; a spare of another
# main device is refused; its block_size must match; a spare of format
# version 1 is refused by name, even with "format" (its remapped data lives
# on the spare).
. /run/vmrun-lib/common.sh

nullb_create main 64 || bail "null_blk main"
nullb_create main2 32 || bail "null_blk main2"
nullb_create spare 16 || bail "null_blk spare"
LEN=$(sectors_of /dev/main)
LEN2=$(sectors_of /dev/main2)

make_ref "$SCRATCH/garbage" 64
write_at /dev/spare "$SCRATCH/garbage" 0
log_mark
check_fails "a spare holding unknown data is refused" sh -c "echo '0 $LEN remap /dev/main /dev/spare' | dmsetup create r0"
check "... with a clear reason" log_has "Spare holds unknown data; add the 'format' option"
check "with 'format' it is formatted" sh -c "echo '0 $LEN remap /dev/main /dev/spare 1 format' | dmsetup create r0"
make_ref "$SCRATCH/a" 4
write_at /dev/mapper/r0 "$SCRATCH/a" 0
check "manual remap" dmsetup message r0 0 remap 0
check "remove" dmsetup remove r0
check "the formatted spare is taken back without 'format'" sh -c "echo '0 $LEN remap /dev/main /dev/spare' | dmsetup create r0"
check_eq "with its remap" 1 "$(status_key r0 remapped)"
check "remove" dmsetup remove r0

log_mark
check_fails "the spare of another main device is refused" sh -c "echo '0 $LEN2 remap /dev/main2 /dev/spare' | dmsetup create r2"
check "... with a clear reason" log_has 'Spare belongs to another main device'
check_fails "... even with 'format'" sh -c "echo '0 $LEN2 remap /dev/main2 /dev/spare 1 format' | dmsetup create r2"
check_fails "a different block_size is refused" sh -c "echo '0 $LEN remap /dev/main /dev/spare 2 block_size 8192' | dmsetup create r0"
check "the data is untouched" sh -c "echo '0 $LEN remap /dev/main /dev/spare' | dmsetup create r0 && \
	[ \$(dmsetup status r0 | tr ' ' '\n' | sed -n 's/^remapped=//p') = 1 ]"
check "it still reads" same_data /dev/mapper/r0 "$SCRATCH/a" 0
check "remove" dmsetup remove r0

# A format version 1 superblock (valid checksum) in slot B, the rest zero:
# the 160 bytes of struct dmr_superblock, base64.
V1=dFlzsgAAAABETVJFTUFQMQEAAAAAEAAAAgAAAAAAAAAAAQIDBAUGBwgJCgsMDQ4PAAACAAAAAAAAAgAAAAIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAgAAAAAAAABAAAAAAAAAAkAAAAAAAAADeDwAAAAAAAAAAAAAAAAAAALlVaQAAAAAAuVVpAAAAAA==
zero_ref "$SCRATCH/zero" 64
write_at /dev/spare "$SCRATCH/zero" 0
echo "$V1" | base64 -d >"$SCRATCH/v1" || bail "base64"
check_eq "the superblock is 160 bytes" 160 "$(wc -c <"$SCRATCH/v1")"
"$DD" if="$SCRATCH/v1" of=/dev/spare bs=4096 seek=1 conv=notrunc,sync oflag=direct 2>/dev/null
check "dmremap-meta names format version 1" sh -c "dmremap-meta check /dev/spare | grep -q 'format version 1'"
log_mark
check_fails "a version 1 spare is refused" sh -c "echo '0 $LEN remap /dev/main /dev/spare' | dmsetup create r0"
check "... saying so in one line" log_has 'Spare metadata format version 1 is not supported'
check_fails "... even with 'format'" sh -c "echo '0 $LEN remap /dev/main /dev/spare 1 format' | dmsetup create r0"
dmsetup remove r0 2>/dev/null
check "rmmod" rmmod dm_remap
finish
