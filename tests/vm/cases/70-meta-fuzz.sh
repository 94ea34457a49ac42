#!/bin/sh
# A hostile or rotten spare never harms the kernel (issue 17).  Each variant
# of the metadata fuzzer (tests/fuzz/metafuzz_gen.c: a valid spare built by
# the image writer, then corrupted or crafted from a seed, checksums
# recomputed) is offered to the kernel as the spare of a new device
# (create: constructor and first resume; then suspend/resume) and as the
# new spare in a reload of a live device, by tests/fuzz/metafuzz-kernel.
# The kernel and dmremap-meta's checker (`check --main`) must agree: the
# checker says 0, 3 or 4 exactly when the kernel loads it, 1 exactly when
# the kernel refuses it with a reason in its log.  A loaded variant must
# map what the checker says is in effect, serve a remapped block from the
# spare and an unmapped one from main; the live device keeps its own
# remapped block through every reload.  Then no KASAN, UBSAN, lockdep,
# WARN or hung-task report, and rmmod.
#
#   70-meta-fuzz.sh [FIRST COUNT]       seeds FIRST..FIRST+COUNT-1 (default 1 250: about 80 s under TCG)
#   70-meta-fuzz.sh -t SECONDS FIRST    seeds from FIRST on, for SECONDS
#
# A failure prints "FUZZ-FAIL seed=S: why"; `make fuzz-meta` saves that
# seed's image under build/fuzz/ (the generator is deterministic).
. /run/vmrun-lib/common.sh

if [ "${1:-}" = -t ]; then
	RANGE="-q -t ${2:?seconds} ${3:-1}"
else
	RANGE="${1:-1} ${2:-250}"
fi

nullb_create main 64 || bail "null_blk main"
nullb_create spare2 1 || bail "null_blk spare2"
modprobe loop 2>/dev/null

log_mark
# shellcheck disable=SC2086
metafuzz-kernel -M /dev/main -S /dev/spare2 -d "$SCRATCH" $RANGE >"$SCRATCH/fuzz.out" 2>&1
rc=$?
grep -v '^ok - ' "$SCRATCH/fuzz.out" | head -n 40
summary=$(sed -n 's/^# FUZZ-SUMMARY //p' "$SCRATCH/fuzz.out")
tried=$(echo "$summary" | sed -n 's/.*variants=\([0-9]*\).*/\1/p')
check "variants were offered to the kernel (${summary:-none})" test "${tried:-0}" -gt 0
check_eq "every variant: the kernel and dmremap-meta agree, loaded ones serve I/O" 0 "$rc"

log_clean_since() {
	! log_since | grep -E 'WARNING:|BUG:|Oops|general protection|INFO: task .* blocked|KASAN|UBSAN|kmemleak|possible circular|inconsistent lock'
}
check "no WARNING, BUG, KASAN, UBSAN, lockdep or hung task report" log_clean_since
check "no device left" sh -c "! dmsetup ls | grep -E '^(fz|lv)\s'"
check "rmmod" rmmod dm_remap
finish
