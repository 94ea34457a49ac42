#!/bin/sh
# A write that fails on the main device is moved to the spare and succeeds;
# the data survives suspend/resume, reload, remove/create and rmmod.
. /run/vmrun-lib/common.sh

remap_setup
TOTAL=$(status_key r0 spare_total)
check "a fresh spare is formatted with free blocks" test "$TOTAL" -gt 0
check_eq "nothing remapped yet" 0 "$(status_key r0 remapped)"

make_ref "$SCRATCH/exp" 8192
write_at /dev/mapper/r0 "$SCRATCH/exp" 0 || bail "initial write"

# Full-block write over bad sectors: block 256 = sectors 2048-2055.
nullb_badblocks main "+2048-2055"
write_ref "a full-block write over bad sectors succeeds" /dev/mapper/r0 "$SCRATCH/a" 4 1024
check_eq "remapped=1" 1 "$(status_key r0 remapped)"
check_eq "write_errors=1" 1 "$(status_key r0 write_errors)"
check_eq "spare_free went down by one" $((TOTAL - 1)) "$(status_key r0 spare_free)"
check_eq "one metadata commit" 1 "$(status_key r0 md_commits)"
check_eq "lost_sectors=0" 0 "$(status_key r0 lost_sectors)"
check "the remapped block reads back" same_data /dev/mapper/r0 "$SCRATCH/a" 1024
check "list shows block 256 on spare block 0" sh -c "dmsetup message r0 0 list | grep -qx '256 0'"

# Partial write (1 KiB) where only the written sectors are bad: the rest of
# the block is copied from main, nothing is lost.
nullb_badblocks main "+6146-6147"
write_ref "a partial write over bad sectors succeeds" /dev/mapper/r0 "$SCRATCH/b" 1 3073
check_eq "still nothing lost" 0 "$(status_key r0 lost_sectors)"

# Partial write where the rest of the block is unreadable: zero-filled and
# counted, never invented.
nullb_badblocks main "+4096-4103"
make_ref "$SCRATCH/c" 1
check "a partial write into a dead block succeeds" write_at /dev/mapper/r0 "$SCRATCH/c" 2049
zero_ref "$SCRATCH/z" 4
put_block "$SCRATCH/exp" 2048 "$SCRATCH/z"
put_block "$SCRATCH/exp" 2049 "$SCRATCH/c"
check_eq "the 6 unreadable sectors are counted as lost" 6 "$(status_key r0 lost_sectors)"
check_eq "three blocks remapped" 3 "$(status_key r0 remapped)"
check "the whole device reads back as expected" same_data /dev/mapper/r0 "$SCRATCH/exp" 0

# Rewrites of a remapped block go to the spare.
write_ref "rewrite of a remapped block" /dev/mapper/r0 "$SCRATCH/d" 4 1024
check_eq "no new remap for a rewrite" 3 "$(status_key r0 remapped)"
check "data after the rewrite" same_data /dev/mapper/r0 "$SCRATCH/exp" 0

# The spare serves remapped blocks even when main heals and holds old data.
nullb_badblocks main "-0-131071"
check "data when main no longer fails" same_data /dev/mapper/r0 "$SCRATCH/exp" 0

check "suspend/resume" sh -c "dmsetup suspend r0 && dmsetup resume r0"
check "data after suspend/resume" same_data /dev/mapper/r0 "$SCRATCH/exp" 0
check "reload the same table" sh -c "dmsetup table r0 | dmsetup reload r0 && dmsetup resume r0"
check "data after reload" same_data /dev/mapper/r0 "$SCRATCH/exp" 0
check_eq "remapped=3 after reload" 3 "$(status_key r0 remapped)"
check "remove" dmsetup remove r0
check "create again" sh -c "echo '$TABLE' | dmsetup create r0"
check "data after remove/create" same_data /dev/mapper/r0 "$SCRATCH/exp" 0
check_eq "remapped=3 after re-create" 3 "$(status_key r0 remapped)"
check_eq "spare_free persisted" $((TOTAL - 3)) "$(status_key r0 spare_free)"
SEQ=$(status_key r0 md_seq)
check "remove and rmmod" sh -c "dmsetup remove r0 && rmmod dm_remap"
check "modprobe and create" sh -c "modprobe dm_remap && echo '$TABLE' | dmsetup create r0"
check "data after rmmod/modprobe" same_data /dev/mapper/r0 "$SCRATCH/exp" 0
check_eq "md_seq survives a module reload" "$SEQ" "$(status_key r0 md_seq)"

# The next remap gets a fresh spare block and a higher sequence number.
nullb_badblocks main "+8192-8199"
write_ref "a new remap after reload" /dev/mapper/r0 "$SCRATCH/e" 4 4096
check "the new remap got spare block 3 (none handed out twice)" \
	sh -c "dmsetup message r0 0 list | grep -qx '1024 3'"
check "md_seq grew" test "$(status_key r0 md_seq)" -gt "$SEQ"
check "final data" same_data /dev/mapper/r0 "$SCRATCH/exp" 0
check "final remove" dmsetup remove r0
check "rmmod" rmmod dm_remap
finish
