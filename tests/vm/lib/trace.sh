# shellcheck shell=sh
# Helpers for the dmremap-trace cases (sourced after common.sh:
# . /run/vmrun-lib/trace.sh).  One signature each; every case uses these.

# start_tracer OUT ARGS...: runs `dmremap-trace ARGS...` in the background,
# stdout to OUT and stderr to OUT.err; sets TPID.  Bails out unless it
# prints its "Tracing ..." line (it is attached then).
start_tracer() {
	_o=$1
	shift
	dmremap-trace "$@" >"$_o" 2>"$_o.err" &
	# shellcheck disable=SC2034 # TPID is read by the cases
	TPID=$!
	wait_for grep -q Tracing "$_o.err" ||
		bail "dmremap-trace $* did not start: $(tail -n 3 "$_o.err")"
}

# has FILE PATTERN: a line of FILE matches the basic regular expression.
has() {
	grep -q -- "$2" "$1"
}

# count_of FILE PATTERN: how many lines of FILE match.
count_of() {
	grep -c -- "$2" "$1"
}

# check_wait DESCRIPTION COMMAND...: passes when COMMAND succeeds within
# 30 s (wait_for); on failure shows COMMAND's last output.
check_wait() {
	_desc=$1
	shift
	if wait_for "$@"; then
		ok "$_desc"
	else
		not_ok "$_desc (30 s): $*"
		"$@" 2>&1 | sed 's/^/#   /' | tail -n 5
	fi
}

# waited DESCRIPTION PID: PID (a child of this shell) exited with status 0.
waited() {
	wait "$2"
	check_eq "$1" 0 "$?"
}

# stop_tracer DESCRIPTION PID: SIGINT, then it exits with status 0.
stop_tracer() {
	kill -INT "$2"
	waited "$1" "$2"
}

# json_line FILE PATTERN: the first line of FILE matching PATTERN.
json_line() {
	grep -m1 -- "$2" "$1"
}

# json_num LINE KEY: the number of "KEY":N in a JSON line (empty if none).
json_num() {
	printf '%s\n' "$1" | sed -n "s/.*\"$2\":\([0-9.]*\).*/\1/p"
}

# at_least DESCRIPTION MIN VALUE: VALUE (a decimal number) >= MIN.
at_least() {
	if [ -n "$3" ] && awk -v v="$3" -v m="$2" 'BEGIN { exit !(v >= m) }'; then
		ok "$1"
	else
		not_ok "$1 (expected >= $2, got '$3')"
	fi
}

# show_output FILE: the tracer's output as TAP comments, for the log.
show_output() {
	echo "# $1:"
	sed 's/^/#   /' "$1" | cut -c1-400
}
