# shellcheck shell=sh
# Helpers for the dmremap-trace cases (sourced after common.sh:
# . /run/vmrun-lib/trace.sh).  One signature each; every case uses these.

# count_of FILE PATTERN: how many lines of FILE match.
count_of() {
	grep -c -- "$2" "$1"
}

# at_least_lines FILE PATTERN N: at least N lines of FILE match (a
# predicate, for wait_for and check_wait).
at_least_lines() {
	[ "$(count_of "$1" "$2")" -ge "$3" ]
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
