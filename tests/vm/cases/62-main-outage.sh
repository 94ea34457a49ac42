#!/bin/sh
# An outage of the whole main device is not a crop of bad sectors.  Main
# sits under a dm-linear switched to "error" and back (what a dead path, a
# controller reset or an unplugged disk look like: BLK_STS_IOERR
# everywhere).  During the outage, partial-block writes into many blocks
# must fail with their error: nothing remapped, nothing zero-filled, no
# spare block used.  When main answers again the device comes back by
# itself, with every byte main held.  (It used to remap all 16 blocks and
# zero-fill 1920 sectors, hiding the good data for ever.)
. /run/vmrun-lib/common.sh
. /run/vmrun-lib/faults.sh

nullb_create main 64 || bail "null_blk main"
nullb_create spare 16 || bail "null_blk spare"
LEN=$(sectors_of /dev/main)
LINEAR="0 $LEN linear /dev/main 0"
echo "$LINEAR" | dmsetup create ml || bail "create ml"
echo "0 $LEN remap /dev/mapper/ml /dev/spare 2 block_size 65536" | dmsetup create r0 ||
	bail "create r0"
make_ref "$SCRATCH/exp" 8192
write_at /dev/mapper/r0 "$SCRATCH/exp" 0 || bail "initial write"
FREE=$(status_key r0 spare_free)
EV=$(dm_events r0)
check_eq "main=ok to begin with" ok "$(status_key r0 main)"

dm_swap ml "0 $LEN error" || bail "switch ml to error"
make_ref "$SCRATCH/small" 4
fails=0
i=0
while [ $i -lt 16 ]; do
	# 4 KiB at 4 KiB into every other 64 KiB block.
	write_at /dev/mapper/r0 "$SCRATCH/small" $((i * 128 + 4)) || fails=$((fails + 1))
	i=$((i + 1))
done
check_eq "all 16 partial writes failed with an error" 16 "$fails"
check_fails "a read fails with an error" read_at /dev/mapper/r0 "$SCRATCH/r" 512 4
check_eq "main=offline" offline "$(status_key r0 main)"
check_eq "nothing remapped" 0 "$(status_key r0 remapped)"
check_eq "no spare block used" "$FREE" "$(status_key r0 spare_free)"
check_eq "nothing zero-filled" 0 "$(status_key r0 lost_sectors)"
check_eq "nothing marked pending" 0 "$(status_key r0 pending)"
check_eq "mode stays rw" rw "$(status_key r0 mode)"
check "a dm event announced the outage (events $EV -> $(dm_events r0))" wait_for events_grew r0 "$EV"
check "the kernel log names the outage" sh -c "dmesg | grep -q 'main device .* is offline'"
check_fails "a manual remap is refused while main is offline" dmsetup message r0 0 remap 4096
check_eq "still nothing remapped" 0 "$(status_key r0 remapped)"

EV=$(dm_events r0)
dm_swap ml "$LINEAR" || bail "restore ml"
check "main=ok again by itself" wait_for key_is r0 main ok
check "a dm event announced the recovery" wait_for events_grew r0 "$EV"
check "every byte main held is there" same_data /dev/mapper/r0 "$SCRATCH/exp" 0
check_eq "still nothing remapped" 0 "$(status_key r0 remapped)"

# A real bad sector on the live device is still remapped.
nullb_badblocks main "+2048-2055"
write_ref "a partial write over a bad sector succeeds" /dev/mapper/r0 "$SCRATCH/a" 4 1024
check_eq "one block remapped" 1 "$(status_key r0 remapped)"
check_eq "main=ok" ok "$(status_key r0 main)"
check_eq "nothing lost (the rest of the block was readable)" 0 "$(status_key r0 lost_sectors)"
check "the data" same_data /dev/mapper/r0 "$SCRATCH/exp" 0

# An outage that begins while the device is suspended, and resume.
dmsetup suspend r0 && dm_swap ml "0 $LEN error" && dmsetup resume r0 || bail "outage across suspend"
check_fails "a write during the second outage fails" write_at /dev/mapper/r0 "$SCRATCH/small" 2052
check_eq "main=offline" offline "$(status_key r0 main)"
check_eq "one block remapped still" 1 "$(status_key r0 remapped)"
check "remapped data is served from the spare meanwhile" same_data /dev/mapper/r0 "$SCRATCH/a" 1024
dm_swap ml "$LINEAR"
check "main=ok again" wait_for key_is r0 main ok
check "the data after the second outage" same_data /dev/mapper/r0 "$SCRATCH/exp" 0
check "remove while healthy" sh -c "dmsetup remove r0 && dmsetup remove ml"
finish
