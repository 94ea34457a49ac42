#!/bin/sh
# Many write errors at once from several fio writers: every failing block is
# remapped, every write succeeds, every byte verifies, before and after a
# suspend/resume and a re-create.
. /run/vmrun-lib/common.sh

remap_setup

# 32 bad blocks: 8 in each 8 MiB region of the 4 writers.
for job in 0 1 2 3; do
	for k in 0 1 2 3 4 5 6 7; do
		s=$((job * 16384 + k * 2048 + 64 + k * 8))
		nullb_badblocks main "+$s-$((s + 7))"
	done
done

FIO="fio --name=w --filename=/dev/mapper/r0 --direct=1 --bs=4k --size=8m \
	--numjobs=4 --offset_increment=8m --ioengine=psync --iodepth=1 \
	--verify=crc32c --verify_pattern=0x5a5a --group_reporting --minimal"
check "4 writers over 32 bad blocks, verified" $FIO --rw=write --do_verify=1
check_eq "32 blocks remapped" 32 "$(status_key r0 remapped)"
check_eq "32 write errors" 32 "$(status_key r0 write_errors)"
check_eq "nothing lost (whole-block writes)" 0 "$(status_key r0 lost_sectors)"
check "random overwrite by 4 writers, verified" $FIO --rw=randwrite --do_verify=1 --randseed=7
check_eq "no new remaps for rewrites" 32 "$(status_key r0 remapped)"
COMMITS=$(status_key r0 md_commits)
check "concurrent remaps were grouped into fewer commits" test "$COMMITS" -le 32
echo "# md_commits=$COMMITS for 32 remaps"
check "suspend/resume" sh -c "dmsetup suspend r0 && dmsetup resume r0"
check "verify after suspend/resume" $FIO --rw=randwrite --do_verify=0 --verify_only --randseed=7
check "remove and re-create" sh -c "dmsetup remove r0 && echo '$TABLE' | dmsetup create r0"
check "verify after re-create" $FIO --rw=randwrite --do_verify=0 --verify_only --randseed=7
check_eq "32 blocks remapped after re-create" 32 "$(status_key r0 remapped)"
# Eight writers hit the same bad block at once: the first failure remaps
# it, the others wait for the commit and go to the spare; all succeed.  A
# spare whose writes take 300 ms keeps the commit open while they fail.
dmsetup remove r0
modprobe dm-delay
SLEN=$(sectors_of /dev/spare)
echo "0 $SLEN delay /dev/spare 0 0 /dev/spare 0 300" | dmsetup create slow || bail "dm-delay"
echo "0 $LEN remap /dev/main /dev/mapper/slow" | dmsetup create r0 || bail "create r0 on slow spare"
nullb_badblocks main "+120000-120007"	# block 15000
make_ref "$SCRATCH/same" 4
for w in 1 2 3 4 5 6 7 8; do
	write_at /dev/mapper/r0 "$SCRATCH/same" 60000 || echo "writer $w failed" >"$SCRATCH/same.$w" &
done
wait
check "8 concurrent writes to one bad block all succeed" sh -c "! ls $SCRATCH/same.* 2>/dev/null | grep -q ."
check "the block holds their data" same_data /dev/mapper/r0 "$SCRATCH/same" 60000
check_eq "33 blocks remapped" 33 "$(status_key r0 remapped)"
check "remove" sh -c "dmsetup remove r0 && dmsetup remove slow"
finish
