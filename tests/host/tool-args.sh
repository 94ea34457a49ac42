#!/bin/sh
# tests/host/tool-args.sh [BIN_DIR [ROUNDS [SEED]]]: the tools' command lines
# fuzzed on the host (tests/vm/lib/argfuzz.sh says what is generated and
# what each run must do).  Every run is a usage error found before any
# device or kernel access, so the host, without the module, is enough; the
# VM case 82-fuzz-tools.sh runs the same as root with the module loaded.
# Prints TAP: one result per tool.
top=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${1:-$top/build/bin}
ROUNDS=${2:-150}
SEED=${3:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
# shellcheck source=tests/vm/lib/argfuzz.sh
. "$top/tests/vm/lib/argfuzz.sh"

dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
echo "# seed $SEED (replay: $0 $BIN $ROUNDS $SEED)"
n=0
failed=0
for tool in meta trace top exporter setup; do
	n=$((n + 1))
	af_init "$dir" "$SEED" || { echo "not ok $n - scratch files in $dir"; exit 1; }
	af_tool "$BIN/dmremap-$tool" "$tool" "$ROUNDS"
	if [ "$AF_BAD" -eq 0 ]; then
		echo "ok $n - dmremap-$tool: $AF_RUNS fuzzed command lines, each a usage error with one line why"
	else
		failed=$((failed + 1))
		echo "not ok $n - dmremap-$tool: $AF_BAD of $AF_RUNS fuzzed command lines misbehaved (above)"
	fi
done
echo "1..$n"
[ "$failed" -eq 0 ]
