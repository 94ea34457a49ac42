# shellcheck shell=sh
# Fuzzing the tools' command lines: sourced by the VM case 82-fuzz-tools.sh
# (as root, module loaded) and by the host lane (tests/host/tool-args.sh).
# POSIX sh: busybox in the guest, bash or dash on the host.
#
# Written against the documented behaviour (docs/man), not the parsing code:
# each generated command line is a valid one (options in any order, some
# given twice) with exactly one element the man page makes invalid: an
# unknown option, a value out of its documented range or not a number, an
# option without its value, an argument too many or too few, an unknown
# command, an unknown table option.  Every run must
#   - exit with the usage status the man page gives (2; dmremap-setup open
#     may say 1, "refused", for devices that do not exist),
#   - say why on one line of standard error that names the tool; the only
#     other lines allowed are argp's "Try `TOOL --help' ..." hint,
#   - print nothing on standard output,
#   - never die of a signal nor hang (AF_TIMEOUT seconds, default 20).
# The generator is seeded (AF_SEED, printed), so a failure can be replayed.
#
# Usage: af_init DIR SEED; af_tool BIN NAME ROUNDS; then AF_RUNS and AF_BAD
# (the runs that misbehaved, each printed as "# BAD: ...").

# af_init DIR SEED: scratch files in DIR (a 1 MiB "spare" and "main" image,
# a tab file), the generator seeded with SEED.
af_init() {
	AF_DIR=$1
	AF_RNG=$2
	mkdir -p "$AF_DIR" || return 1
	: >"$AF_DIR/spare.img" && : >"$AF_DIR/main.img" && : >"$AF_DIR/tab" || return 1
	# Sparse 1 MiB images: a spare the tool may read (and build may write).
	dd if=/dev/zero of="$AF_DIR/spare.img" bs=1024 count=0 seek=1024 2>/dev/null
	dd if=/dev/zero of="$AF_DIR/main.img" bs=1024 count=0 seek=1024 2>/dev/null
	AF_BYTES=$(printf '\377\376\300\200')
	AF_BIG=$(printf '%0300d' 0 | tr 0 9)
	AF_RUNS=0
	AF_BAD=0
}

# af_rand N: a number in [0, N) from the seeded generator (an LCG: the same
# seed gives the same command lines on any machine).
af_rand() {
	AF_RNG=$(((AF_RNG * 1103515245 + 12345) % 2147483648))
	AF_R=$(((AF_RNG / 65536) % $1))
}

# af_pick WORD...: sets AF_P to one of the words, at random.
af_pick() {
	af_rand $#
	shift "$AF_R"
	AF_P=$1
}

# Values no numeric option accepts (each documented as a number, most as
# positive): empty, blank, negative, not a number, trailing junk, non-UTF-8,
# beyond 64 bits, 300 nines.
af_badnum() {
	af_rand 11
	case $AF_R in
	0) AF_V= ;;
	1) AF_V=' ' ;;
	2) AF_V=-1 ;;
	3) AF_V=abc ;;
	4) AF_V=1x ;;
	5) AF_V=$AF_BYTES ;;
	6) AF_V=18446744073709551616 ;;
	7) AF_V=-9223372036854775809 ;;
	8) AF_V=$AF_BIG ;;
	9) AF_V='1 2' ;;
	*) AF_V=+-1 ;;
	esac
}

# An option no tool has: long with a random suffix or non-UTF-8, or short.
af_badopt() {
	af_rand 5
	case $AF_R in
	0) AF_V=--bogus$AF_RNG ;;
	1) AF_V=--$AF_BYTES ;;
	2) AF_V=-Z ;;
	3) AF_V=--=1 ;;
	*) AF_V=---$AF_RNG ;;
	esac
}

# The command line is kept one argument a line in $AF_DIR/args (arguments
# hold no newline), so empty and blank arguments survive.
af_args_new() {
	: >"$AF_DIR/args"
}
af_arg() {	# af_arg ARG...: appends arguments
	for _a in "$@"; do
		printf '%s\n' "$_a" >>"$AF_DIR/args"
	done
}
# af_noise OPTION_SPECS: appends 0-3 of the valid options (each spec a word;
# "-d=5" is two arguments), maybe the same one twice.
af_noise() {
	af_rand 4
	_n=$AF_R
	while [ "$_n" -gt 0 ]; do
		# shellcheck disable=SC2086 # a list of words
		af_pick $1
		case $AF_P in
		*=*) af_arg "${AF_P%%=*}" "${AF_P#*=}" ;;
		*) af_arg "$AF_P" ;;
		esac
		_n=$((_n - 1))
	done
}

# af_run BIN OK_CODES: runs BIN with the arguments of $AF_DIR/args and
# judges the run (OK_CODES: the exit statuses allowed, e.g. "2").
af_run() {
	AF_RUNS=$((AF_RUNS + 1))
	_bin=$1
	_codes=$2
	set --
	while IFS= read -r _a; do
		set -- "$@" "$_a"
	done <"$AF_DIR/args"
	timeout "${AF_TIMEOUT:-20}" "$_bin" "$@" >"$AF_DIR/out" 2>"$AF_DIR/err" </dev/null
	_rc=$?
	_why=
	case " $_codes " in
	*" $_rc "*) ;;
	*) _why="exit $_rc, expected $_codes" ;;
	esac
	[ "$_rc" -ge 124 ] && _why="exit $_rc (timed out or killed by a signal)"
	[ -s "$AF_DIR/out" ] && _why="${_why:+$_why; }printed on standard output"
	# One reason line naming the tool; the rest, if any, argp's hint.
	_reason=$(sed '/^Try `/,$d' "$AF_DIR/err" | wc -l)
	_hint=$(sed -n '/^Try `/,$p' "$AF_DIR/err" | tr '\n' ' ')
	if [ "$_reason" -ne 1 ]; then
		_why="${_why:+$_why; }$_reason lines before the --help hint, not 1"
	elif ! head -n 1 "$AF_DIR/err" | grep -q "dmremap-[a-z]*[^:]*: ."; then
		_why="${_why:+$_why; }the message does not name the tool"
	fi
	case $_hint in
	''|'Try `'*'--help'*'for more information. ') ;;
	*) _why="${_why:+$_why; }unexpected text after the reason: $_hint" ;;
	esac
	[ -z "$_why" ] && return 0
	AF_BAD=$((AF_BAD + 1))
	echo "# BAD: $(basename "$_bin") $(tr '\n' ' ' <"$AF_DIR/args" | LC_ALL=C sed 's/[^ -~]/?/g' | cut -c 1-300)"
	echo "#   $_why; stderr: $(head -c 300 "$AF_DIR/err" | tr '\n' '|')"
}

# --- one generator per tool (the synopsis of its man page) -------------------

af_meta() {	# af_meta BIN
	_s=$AF_DIR/spare.img
	af_args_new
	af_rand 12
	case $AF_R in
	0) af_arg dump; af_noise "-j"; af_badopt; af_arg "$AF_V" "$_s" ;;
	1) af_arg check; af_noise "-j -q -m=$AF_DIR/main.img"; af_arg "$_s" -m ;;
	2) af_arg check; af_noise "-j -q"; af_arg "$_s" "$_s" ;;
	3) af_arg dump; af_noise "-j" ;;
	4|5|6|7)
		af_arg build
		af_noise "--seed=3 --block-size=4096 --main-lbs=512 --stamp --remaps=2"
		af_pick --remaps --seed --block-size --main-sectors --main-lbs --main-pbs
		af_badnum
		# --seed takes any number; the others are counts and sizes.
		af_arg --main-sectors 20480 --remaps 1 "$AF_P" "$AF_V" "$_s" ;;
	8) af_arg build --remaps 1 --main-sectors 20480 "$_s"; af_noise "--stamp"
	   af_pick --remaps --seed --block-size --main-sectors --main-lbs --main-pbs --main-id --main
	   af_arg "$AF_P" ;;
	9) af_pick "" bogus "$AF_BYTES" "$AF_BIG" -; af_arg "$AF_P" "$_s" ;;
	10) af_noise "-j -q" ;;
	*) af_pick dump check build; af_arg "$AF_P"; af_badopt; af_arg "$AF_V" "$_s" ;;
	esac
	af_run "$1" 2
}

af_trace() {	# af_trace BIN
	af_args_new
	af_rand 12
	case $AF_R in
	0) af_arg events; af_noise "-j -v -d=1 --raw-tp"; af_arg -d; af_badnum; af_arg "$AF_V" ;;
	1) af_arg hang; af_noise "-j --once -t=2 --sectors -d=1"; af_pick -t -d; af_arg "$AF_P"
	   af_badnum; af_arg "$AF_V" ;;
	2) af_arg hang; af_noise "-j --once -t=2"; af_arg -t 0 ;;
	3) af_arg latency; af_noise "-j -v --raw-tp"; af_badnum; af_arg "$AF_V" ;;
	4) af_arg latency; af_noise "-j -v"; af_badnum; af_arg 1 "$AF_V" ;;
	5) af_arg latency; af_noise "-j"; af_arg 1 1 1 ;;
	6) af_arg hang; af_noise "--once -j"; af_arg extra ;;
	7) af_pick events latency hang; af_arg "$AF_P"; af_noise "-j -v"; af_badopt; af_arg "$AF_V" ;;
	8) af_arg events; af_noise "-j -v"; af_pick -t --once --sectors; af_arg "$AF_P" 1 ;;
	9) af_arg hang; af_noise "-j --once"; af_pick -d -t; af_arg "$AF_P" ;;
	10) af_pick "" bogus "$AF_BYTES" "$AF_BIG" -j; af_arg "$AF_P" ;;
	*) af_arg events -d 0 ;;
	esac
	af_run "$1" 2
}

af_top() {	# af_top BIN
	af_args_new
	af_noise "-b -j -v --raw-tp -n=1 -d=1"
	af_rand 6
	case $AF_R in
	0) af_arg -d; af_badnum; af_arg "$AF_V" ;;
	1) af_arg -d; af_pick 0 0.05 3601 nan inf -inf 1e9; af_arg "$AF_P" ;;
	2) af_arg -n; af_badnum; af_arg "$AF_V" ;;
	3) af_arg -n 0 ;;
	4) af_badopt; af_arg "$AF_V" ;;
	*) af_pick -d -n; af_arg "$AF_P" ;;
	esac
	af_run "$1" 2
}

af_exporter() {	# af_exporter BIN
	af_args_new
	# Where a run wrongly accepted goes: once, into the scratch directory.
	af_arg --once --textfile-dir "$AF_DIR"
	af_noise "--once -v --raw-tp --interval=5 --textfile-dir=$AF_DIR"
	af_rand 6
	case $AF_R in
	0) af_arg --interval; af_badnum; af_arg "$AF_V" ;;
	1) af_arg --interval; af_pick 0 86401 1.5 99999999999; af_arg "$AF_P" ;;
	2) af_badopt; af_arg "$AF_V" ;;
	3) af_pick "$AF_DIR" x "$AF_BYTES" ""; af_arg "$AF_P" ;;
	4) af_pick --interval --textfile-dir; af_arg "$AF_P" ;;
	*) af_arg --interval ;;
	esac
	af_run "$1" 2
}

af_setup() {	# af_setup BIN
	af_args_new
	af_rand 10
	case $AF_R in
	0) af_arg open fz "$AF_DIR/main.img" "$AF_DIR/spare.img"
	   af_pick block_size= scrub_rate=; af_badnum; af_arg "$AF_P$AF_V"
	   _codes="1 2" ;;
	1) af_arg open fz "$AF_DIR/main.img" "$AF_DIR/spare.img"
	   af_pick bogus "$AF_BYTES" "format,bogus" "block_size" "block_size=4096,block_size=$AF_BIG" ","
	   af_arg "$AF_P"; _codes="1 2" ;;
	2) af_arg open; af_pick "a/b" "" "a b" "$(printf 'a\tb')" "$AF_BIG"
	   af_arg "$AF_P" "$AF_DIR/main.img" "$AF_DIR/spare.img"; _codes=2 ;;
	3) af_pick open close udev-match; af_arg "$AF_P"; _codes=2 ;;
	4) af_arg close; af_noise "--force"; af_arg a b; _codes=2 ;;
	5) af_arg status; af_noise "-j"; af_arg a b; _codes=2 ;;
	6) af_arg udev-match; af_noise "--tab=$AF_DIR/tab"; af_arg a b; _codes=2 ;;
	7) af_pick open close status udev-match; af_arg "$AF_P"; af_badopt; af_arg "$AF_V" a
	   _codes=2 ;;
	8) af_arg udev-match /dev/null --tab; _codes=2 ;;
	*) af_pick "" bogus "$AF_BYTES" "$AF_BIG" --force -j; af_arg "$AF_P"; _codes=2 ;;
	esac
	af_run "$1" "$_codes"
}

# af_tool BIN NAME ROUNDS: ROUNDS command lines for dmremap-NAME at BIN.
af_tool() {
	_i=0
	while [ "$_i" -lt "$3" ]; do
		"af_$2" "$1"
		_i=$((_i + 1))
	done
}
