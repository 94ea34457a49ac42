#!/bin/sh
# dmremap-meta reads what the kernel wrote; a torn superblock falls back to
# the other slot (in the kernel and the tool); a corrupt entry is refused.
. /run/vmrun-lib/common.sh

remap_setup
make_ref "$SCRATCH/exp" 8192
write_at /dev/mapper/r0 "$SCRATCH/exp" 0 || bail "initial write"
for s in 800 8000 16000; do dmsetup message r0 0 remap $s || bail "remap $s"; done
LIST=$(dmsetup message r0 0 list)
dmsetup remove r0

check "check: consistent" dmremap-meta check /dev/spare
MAP=$(dmremap-meta dump -j /dev/spare | grep '"record":"entry"' | grep '"state":"effective"' |
	sed 's/.*"logical":\([0-9]*\),"spare_block":\([0-9]*\).*/\1 \2/')
check_eq "the tool's mapping equals the kernel's list" "$LIST" "$MAP"
check "dump shows seq 4 in both slots, slot A current" sh -c "dmremap-meta dump /dev/spare | grep -q 'slot A (block 0)   valid, seq 4, nr_entries 3  <- current' &&
	dmremap-meta dump /dev/spare | grep -q 'slot B (block 1)   valid, seq 4, nr_entries 3\$'"

# Tear the current superblock (slot A, seq 4): flip a byte of its seq.
printf '\377' | "$DD" of=/dev/spare bs=1 seek=25 conv=notrunc 2>/dev/null
dmremap-meta check /dev/spare >"$SCRATCH/check.out"
check_eq "check: degraded, not inconsistent (exit 4)" 4 "$?"
check "check names the damaged slot" grep -q 'superblock slot A (block 0) is damaged' "$SCRATCH/check.out"
check "dump now uses slot B, with the same commit" sh -c "dmremap-meta dump /dev/spare | grep -q 'slot B (block 1)   valid, seq 4, nr_entries 3  <- current'"
log_mark
check "the kernel takes slot B too" sh -c "echo '$TABLE' | dmsetup create r0"
check "... and says slot A is damaged" log_has 'superblock slot A (metadata block 0) of .* is corrupt (bad checksum)'
check_eq "with the three remaps it committed" 3 "$(status_key r0 remapped)"
check "data intact" same_data /dev/mapper/r0 "$SCRATCH/exp" 0
check "a new remap is committed over the torn slot" dmsetup message r0 0 remap 24000
check_eq "md_seq went on from 4" 5 "$(status_key r0 md_seq)"
TB=$(stats_key r0 table_blocks)
LIST=$(dmsetup message r0 0 list)
dmsetup remove r0
check "check is clean again" dmremap-meta check /dev/spare

# Corrupt a committed entry (entry 1, in table block 0 at byte 8192+16) in copy A.
printf '\001' | "$DD" of=/dev/spare bs=1 seek=$((8192 + 16)) conv=notrunc 2>/dev/null
dmremap-meta check /dev/spare >"$SCRATCH/check.out"
check_eq "one bad copy of an entry: check says degraded (exit 4)" 4 "$?"
check "... naming copy A" grep -q 'table copy A block 0 (metadata block 2) has 1 bad entry, good in copy B' "$SCRATCH/check.out"
log_mark
check "the kernel loads it from copy B" sh -c "echo '$TABLE' | dmsetup create r0"
check_eq "with every remap" "$LIST" "$(dmsetup message r0 0 list)"
check "data intact" same_data /dev/mapper/r0 "$SCRATCH/exp" 0
check "... and names the damaged copy" log_has 'table copy A block 0 (metadata block 2) of .* has 1 corrupt entries'
dmsetup remove r0

# The same entry corrupt in copy B too: lost, refused.
printf '\001' | "$DD" of=/dev/spare bs=1 seek=$(((2 + TB) * 4096 + 16)) conv=notrunc 2>/dev/null
check_fails "check detects the entry bad in both copies" dmremap-meta check /dev/spare
log_mark
check_fails "the kernel refuses to serve from corrupt metadata" sh -c "echo '$TABLE' | dmsetup create r0"
check "... and says which entry" log_has 'remap table entry 1 is corrupt or unreadable in both copies'
dmsetup remove r0 2>/dev/null
check "rmmod" rmmod dm_remap
finish
