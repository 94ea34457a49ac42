#!/bin/sh
# "remap <sector>" returns only once its remap is committed, and md_seq
# shows only completed commits.  Two concurrent messages for one block (the
# second finds it staged in the running batch) and one for another block,
# with every commit failing: all three must fail (one used to report
# success at once, before the commit that then failed).
. /run/vmrun-lib/common.sh
. /run/vmrun-lib/faults.sh

nullb_create main 64 || bail "null_blk main"
nullb_create spare 16 || bail "null_blk spare"
LEN=$(sectors_of /dev/main)
SLEN=$(sectors_of /dev/spare)
# Main reads take 300 ms: the scrub keeps the worker's queue busy while
# the messages arrive, so they reach the worker together.
echo "0 $LEN delay /dev/main 0 300 /dev/main 0 0" | dmsetup create md0 || bail "create md0"
echo "0 $SLEN linear /dev/spare 0" | dmsetup create sp || bail "create sp"
echo "0 $LEN remap /dev/mapper/md0 /dev/mapper/sp" | dmsetup create r0 || bail "create r0"
POOL=$(stats_key r0 pool_start)

# Healthy metadata first: both messages for block 100 return after the commit.
SEQ=$(status_key r0 md_seq)
dmsetup message r0 0 scrub start
sleep 0.5
(dmsetup message r0 0 remap 800; echo $? >"$SCRATCH/h1") &
(dmsetup message r0 0 remap 803; echo $? >"$SCRATCH/h2") &
wait
dmsetup message r0 0 scrub stop
check_eq "the first message succeeded" 0 "$(cat "$SCRATCH/h1")"
check_eq "the second message succeeded" 0 "$(cat "$SCRATCH/h2")"
check "block 100 is listed" sh -c "dmsetup message r0 0 list | grep -qx '100 0'"
check "md_seq grew ($SEQ -> $(status_key r0 md_seq))" test "$(status_key r0 md_seq)" -gt "$SEQ"

# A slow metadata area: md_seq does not show a commit still in flight.
SEQ=$(status_key r0 md_seq)
dm_swap sp "$(printf '0 %s delay /dev/spare 0 1500\n%s %s linear /dev/spare %s' "$POOL" "$POOL" $((SLEN - POOL)) "$POOL")" ||
	bail "slow the metadata area"
(dmsetup message r0 0 remap 1600; echo $? >"$SCRATCH/s1") &
sleep 0.7
check_eq "md_seq unchanged while the commit is in flight" "$SEQ" "$(status_key r0 md_seq)"
wait
check_eq "the slow remap succeeded" 0 "$(cat "$SCRATCH/s1")"
check_eq "md_seq is the completed commit" $((SEQ + 1)) "$(status_key r0 md_seq)"

# Every commit fails from now on.
dm_swap sp "$(printf '0 %s error\n%s %s linear /dev/spare %s' "$POOL" "$POOL" $((SLEN - POOL)) "$POOL")" ||
	bail "break the metadata area"
SEQ=$(status_key r0 md_seq)
dmsetup message r0 0 scrub start
sleep 0.5
(dmsetup message r0 0 remap 2400; echo $? >"$SCRATCH/m1") &
(dmsetup message r0 0 remap 2403; echo $? >"$SCRATCH/m2") &
(dmsetup message r0 0 remap 3200; echo $? >"$SCRATCH/m3") &
wait
check_fails "the first message for block 300 failed" test "$(cat "$SCRATCH/m1")" = 0
check_fails "the second message for block 300 failed" test "$(cat "$SCRATCH/m2")" = 0
check_fails "the message for block 400 failed" test "$(cat "$SCRATCH/m3")" = 0
check_eq "mode=ro" ro "$(status_key r0 mode)"
check_eq "md_seq unchanged" "$SEQ" "$(status_key r0 md_seq)"
check "neither block is listed" sh -c "! dmsetup message r0 0 list | grep -q '^[34]00 '"
check "remove" sh -c "dmsetup remove r0 && dmsetup remove sp && dmsetup remove md0"
finish
