#!/bin/sh
# The tools' command lines fuzzed as root, with the module loaded and a
# remap device r0 in use: dmremap-meta, dmremap-trace (events, latency,
# hang), dmremap-top, dmremap-exporter and dmremap-setup each get ROUNDS
# generated command lines with one element their man page makes invalid
# (tests/vm/lib/argfuzz.sh).  Each must be a usage error (exit 2, or 1 for
# dmremap-setup open's refusals), one line on stderr naming the tool (plus
# argp's --help hint), nothing on stdout, no signal, no hang.  Afterwards:
# no device created or removed, r0's data intact, no tool left running.
# The host lane runs the same generator without root (tests/host/tool-args.sh).
# ARGS: [ROUNDS (default 12; the host lane runs 150) [SEED]].
. /run/vmrun-lib/common.sh
. /run/vmrun-lib/argfuzz.sh

ROUNDS=${1:-12}
SEED=${2:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
remap_setup
make_ref "$SCRATCH/exp" 1024
write_at /dev/mapper/r0 "$SCRATCH/exp" 0 || bail "initial write"
DEVS=$(dmsetup ls | sort)
echo "# seed $SEED (replay: this case with ARGS $ROUNDS $SEED)"
for tool in meta trace top exporter setup; do
	af_init "$SCRATCH/af" "$SEED" || bail "scratch files"
	af_tool "$(command -v "dmremap-$tool")" "$tool" "$ROUNDS"
	check_eq "dmremap-$tool: $AF_RUNS fuzzed command lines, each a usage error with one line why" \
		0 "$AF_BAD"
done
check_eq "no device-mapper device created or removed" "$DEVS" "$(dmsetup ls | sort)"
check "r0's data intact" same_data /dev/mapper/r0 "$SCRATCH/exp" 0
check_eq "r0 active, nothing remapped" "rw 0" "$(status_key r0 mode) $(status_key r0 remapped)"
check_fails "no tool left running" pgrep dmremap-
check "remove" dmsetup remove r0
check "kernel log clean" kernel_log_clean
finish
