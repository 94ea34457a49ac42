# shellcheck shell=sh
# Helpers for cases that read dm_remap.prom (sourced after common.sh).

# prom_monotonic PREV CUR: every counter and histogram sample (bucket, _sum,
# _count) of file PREV is in CUR with a value >= its value in PREV; prints
# each violation ("went down: KEY PREV -> CUR", "vanished: KEY") and fails.
prom_monotonic() {
	awk '
	FNR == 1 { file++ }
	/^# TYPE / { if ($4 == "counter" || $4 == "histogram") mono[$3] = 1; next }
	/^#/ { next }
	{
		key = $0; sub(/ [^ ]*$/, "", key)
		val = $0; sub(/.* /, "", val)
		fam = key; sub(/\{.*/, "", fam)
		base = fam; sub(/_(bucket|sum|count)$/, "", base)
		if (!(fam in mono) && !(base in mono)) next
		if (file == 1) { prev[key] = val + 0; next }
		cur[key] = val + 0
	}
	END {
		bad = 0
		for (k in prev) {
			if (!(k in cur)) { print "vanished: " k; bad = 1 }
			else if (cur[k] < prev[k]) { print "went down: " k " " prev[k] " -> " cur[k]; bad = 1 }
		}
		exit bad
	}' "$1" "$2"
}

# prom_value FILE NAME{LABELS}: the value of that sample (empty when absent)
prom_value() {
	awk -v k="$2" '$1 == k { print $2 }' "$1"
}
