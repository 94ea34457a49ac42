# shellcheck shell=sh
# The figures of `make bench` (sourced by tests/bench/bench.sh and
# scale.sh after common.sh): one median, one way to turn alternating runs
# into a figure, one output line.  A configuration's runs are appended to a
# file of $SCRATCH, one value a line; a figure is the ratio of two such
# files' medians.

# median: the median of the numbers on stdin (the mean of the middle two
# when there is an even count); nothing when there is none.
median() {
	sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]
		else if (NR) { m = (v[NR / 2] + v[NR / 2 + 1]) / 2
			if (m == int(m)) print m; else printf "%.6f\n", m } }'
}

# median_of FILE: the median of $SCRATCH/FILE.
median_of() {
	median <"$SCRATCH/$1"
}

# bench_line NAME VALUE OP [GOAL]: the line tests/bench/run collects (OP
# "report" has no GOAL); an empty VALUE is "unmeasured".
bench_line() {
	echo "bench: $1 ${2:-unmeasured} (goal $3${4:+ $4})"
}

# figure NAME NUM DEN OP GOAL: the line for median(NUM) / median(DEN), NUM
# and DEN files of $SCRATCH.  The detail line before it gives every run's
# values and the median of the per-run ratios, which shows how much of the
# figure is the host's noise.
figure() {
	_a=$(median_of "$2") _b=$(median_of "$3")
	echo "detail: $1 $2=${_a:-none} [$(tr '\n' ' ' <"$SCRATCH/$2")]" \
		"$3=${_b:-none} [$(tr '\n' ' ' <"$SCRATCH/$3")]" \
		"paired=$(paste -d' ' "$SCRATCH/$2" "$SCRATCH/$3" |
			awk 'NF == 2 && $2 > 0 { printf "%.3f\n", $1 / $2 }' | median)"
	bench_line "$1" "$(awk -v a="$_a" -v b="$_b" 'BEGIN {
		if (a != "" && b != "" && b + 0 != 0) printf "%.3f", a / b }')" "$4" "$5"
}
