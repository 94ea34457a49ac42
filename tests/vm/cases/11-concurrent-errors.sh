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

fio4() {	# fio4 ARGS...: 4 writers, one 8 MiB region each, crc32c-verified
	fio --name=w --filename=/dev/mapper/r0 --direct=1 --bs=4k --size=8m \
		--numjobs=4 --offset_increment=8m --ioengine=psync --iodepth=1 \
		--verify=crc32c --verify_pattern=0x5a5a --group_reporting --minimal "$@"
}
check "4 writers over 32 bad blocks, verified" fio4 --rw=write --do_verify=1
check_eq "32 blocks remapped" 32 "$(status_key r0 remapped)"
check_eq "32 write errors" 32 "$(status_key r0 write_errors)"
check_eq "nothing lost (whole-block writes)" 0 "$(status_key r0 lost_sectors)"
check "random overwrite by 4 writers, verified" fio4 --rw=randwrite --do_verify=1 --randseed=7
check_eq "no new remaps for rewrites" 32 "$(status_key r0 remapped)"
COMMITS=$(status_key r0 md_commits)
check_num "at most one commit per remap (md_commits for 32 remaps)" "$COMMITS" -le 32
echo "# md_commits=$COMMITS for 32 remaps"
check "suspend" dmsetup suspend r0
check "resume" dmsetup resume r0
check "verify after suspend/resume" fio4 --rw=randwrite --do_verify=0 --verify_only --randseed=7
check "remove" dmsetup remove r0
check "re-create" dmsetup create r0 --table "$TABLE"
check "verify after re-create" fio4 --rw=randwrite --do_verify=0 --verify_only --randseed=7
check_eq "32 blocks remapped after re-create" 32 "$(status_key r0 remapped)"
# Eight writers hit the same bad block at once: the first failure remaps
# it, the others wait for the commit and go to the spare; all succeed.  A
# spare whose writes take 300 ms keeps the commit open while they fail.
dmsetup remove r0
modprobe dm-delay
SLEN=$(sectors_of /dev/spare)
echo "0 $SLEN delay /dev/spare 0 0 /dev/spare 0 300" | dmsetup create slow || bail "dm-delay"
# shellcheck disable=SC2153 # LEN: set by remap_setup
echo "0 $LEN remap /dev/main /dev/mapper/slow" | dmsetup create r0 || bail "create r0 on slow spare"
nullb_badblocks main "+120000-120007"	# block 15000
make_ref "$SCRATCH/same" 4
for w in 1 2 3 4 5 6 7 8; do
	write_at /dev/mapper/r0 "$SCRATCH/same" 60000 || echo "writer $w failed" >"$SCRATCH/same.$w" &
done
wait
check_eq "8 concurrent writes to one bad block all succeed (failed writers)" "" \
	"$(cat "$SCRATCH"/same.* 2>/dev/null)"
check "the block holds their data" same_data /dev/mapper/r0 "$SCRATCH/same" 60000
check_eq "33 blocks remapped" 33 "$(status_key r0 remapped)"
# Four writers fail on four different blocks at once.  While the worker
# writes the first one's spare block and commits (300 ms each on this
# spare), the other failures queue up and share the next commit: fewer
# commits than remaps, which the check proves without timing luck.
C0=$(status_key r0 md_commits)
for kib in 60400 60800 61200 61600; do
	nullb_badblocks main "+$((kib * 2))-$((kib * 2 + 7))"
	make_ref "$SCRATCH/g$kib" 4
done
for kib in 60400 60800 61200 61600; do
	write_at /dev/mapper/r0 "$SCRATCH/g$kib" "$kib" || echo "writer at $kib KiB failed" >"$SCRATCH/g.$kib" &
done
wait
check_eq "4 concurrent writes to 4 bad blocks succeed (failed writers)" "" "$(cat "$SCRATCH"/g.* 2>/dev/null)"
check_eq "37 blocks remapped" 37 "$(status_key r0 remapped)"
C1=$(status_key r0 md_commits)
check_num "4 concurrent remaps were grouped into fewer than 4 commits (md_commits $C0 -> $C1)" \
	"$((C1 - C0))" -lt 4
for kib in 60400 60800 61200 61600; do
	check "block at $kib KiB holds its data" same_data /dev/mapper/r0 "$SCRATCH/g$kib" "$kib"
done
check "remove r0" dmsetup remove r0
check "remove the slow spare" dmsetup remove slow
finish
