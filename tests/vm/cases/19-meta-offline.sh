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
check "dump shows seq 4 in slot A" sh -c "dmremap-meta dump /dev/spare | grep -q 'slot A (block 0)   valid, seq 4, nr_entries 3  <- current'"

# Tear the current superblock (slot A, seq 4): flip a byte of its seq.
printf '\377' | "$DD" of=/dev/spare bs=1 seek=25 conv=notrunc 2>/dev/null
check "check still passes on the older slot" dmremap-meta check /dev/spare
check "dump now uses slot B" sh -c "dmremap-meta dump /dev/spare | grep -q 'slot B (block 1)   valid, seq 3, nr_entries 2  <- current'"
check "the kernel takes the older slot too" sh -c "echo '$TABLE' | dmsetup create r0"
check_eq "with the two remaps it committed" 2 "$(status_key r0 remapped)"
check "data intact" same_data /dev/mapper/r0 "$SCRATCH/exp" 0
check "a new remap is committed over the torn slot" dmsetup message r0 0 remap 24000
check_eq "md_seq went on from 3" 4 "$(status_key r0 md_seq)"
dmsetup remove r0
check "check is clean again" dmremap-meta check /dev/spare

# Corrupt a committed entry (entry 1, in table block 2 at byte 8192+16).
printf '\001' | "$DD" of=/dev/spare bs=1 seek=$((8192 + 16)) conv=notrunc 2>/dev/null
check_fails "check detects the corrupt entry" dmremap-meta check /dev/spare
dmesg -c >/dev/null
check_fails "the kernel refuses to serve from corrupt metadata" sh -c "echo '$TABLE' | dmsetup create r0"
check "... and says which entry" sh -c "dmesg | grep -q 'remap table entry 1 is corrupt'"
dmsetup remove r0 2>/dev/null
check "rmmod" rmmod dm_remap
finish
