#!/bin/sh
# dmremap-top's interactive view in a real terminal: tmux runs a shell in a
# 120x30 pane, dmremap-top is started there, keys are sent with send-keys
# and the screen is read back with capture-pane.  Sorting, the filter, the
# detail screen (histogram and last events), help, pause, the interval,
# resizes, and that quitting (q, SIGTERM, Ctrl-C) gives the shell back a
# terminal in the state it had.
. /run/vmrun-lib/common.sh

T=$SCRATCH/topi
mkdir -p "$T"
export TERM=xterm
S=top

screen() {	# the pane as text
	tmux capture-pane -p -t "$S"
}
# wait_screen TEXT: up to 20 s for TEXT (fixed string) on the screen
wait_screen() {
	_i=0
	while ! screen | grep -qF -- "$1"; do
		_i=$((_i + 1))
		[ $_i -ge 100 ] && { screen; return 1; }
		sleep 0.2
	done
}
# wait_gone TEXT: up to 20 s for TEXT to leave the screen
wait_gone() {
	_i=0
	while screen | grep -qF -- "$1"; do
		_i=$((_i + 1))
		[ $_i -ge 100 ] && { screen; return 1; }
		sleep 0.2
	done
}
keys() {
	tmux send-keys -t "$S" "$@"
}
# row_order: the device names of the list, top to bottom
row_order() {
	screen | awk 'h && NF { printf "%s ", $1 } /^DEVICE /{ h = 1 }'
}
order_is() {	# order_is "a b": the list shows exactly these rows in this order
	_i=0
	while [ "$(row_order)" != "$1 " ]; do
		_i=$((_i + 1))
		[ $_i -ge 100 ] && { echo "rows: '$(row_order)', wanted '$1'"; return 1; }
		sleep 0.2
	done
}
max_width() {
	screen | awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }'
}

# --- devices: aa (idle, one remapped block) and zz (busy) ----------------------
nullb_create m1 32 || bail "null_blk m1"
nullb_create s1 8 || bail "null_blk s1"
nullb_create m2 32 || bail "null_blk m2"
nullb_create s2 8 || bail "null_blk s2"
echo "0 $(sectors_of /dev/m1) remap /dev/m1 /dev/s1" | dmsetup create aa || bail "create aa"
echo "0 $(sectors_of /dev/m2) remap /dev/m2 /dev/s2" | dmsetup create zz || bail "create zz"
nullb_badblocks m1 "+2048-2055"
make_ref "$T/blk" 4
write_at /dev/mapper/aa "$T/blk" 1024 || bail "remap write"
fio --name=zz --filename=/dev/mapper/zz --rw=randread --bs=4k --direct=1 --ioengine=psync \
	--time_based --runtime=300 --rate_iops=100 >"$T/fio.log" 2>&1 &
FIO=$!

# --- a shell in a 120x30 tmux pane ---------------------------------------------
check "tmux starts a 120x30 session" tmux new-session -d -s "$S" -x 120 -y 30 sh
tmux set-option -g status off >/dev/null 2>&1
keys "PS1='prompt> '" Enter
keys "stty -g >$T/stty.before; clear" Enter
wait_screen "prompt>" || bail "no shell prompt in tmux"

keys "dmremap-top -d 0.5; echo TOP_RC=\$?; stty -g >$T/stty.after" Enter
check "the list shows up" wait_screen "DEVICE"
check "the header has the time and interval" sh -c "tmux capture-pane -p -t $S | head -n 1 | grep -Eq '^dmremap-top .* - [0-9]{2}:[0-9]{2}:[0-9]{2} - every 0.5s - 2 devices'"
check "every column is in the header" sh -c "tmux capture-pane -p -t $S | grep -Eq '^DEVICE +R/s +W/s +RMB/s +WMB/s +RMP/s +ERR/s +ERRORS +P50 +P99 +REMAPPED +SPARE% +PEND +MODE'"
check "sorted by name at start" order_is "aa zz"
check "the sort is shown" wait_screen "sort: DEVICE asc"
check "zz gets a latency (busy)" sh -c "i=0; until tmux capture-pane -p -t $S | awk '\$1 == \"zz\" && \$9 ~ /[0-9](ns|us|ms|s)\$/ { f = 1 } END { exit !f }'; do i=\$((i + 1)); [ \$i -ge 100 ] && exit 1; sleep 0.2; done"
screen | grep . | sed 's/^/# | /'	# for the log
check "aa shows its remapped block" sh -c "tmux capture-pane -p -t $S | awk '\$1 == \"aa\" && \$11 == 1 && \$14 == \"rw\" { f = 1 } END { exit !f }'"

# sort by R/s (descending): the busy device first; again: ascending
keys r
check "r sorts by R/s, busiest first" order_is "zz aa"
check "the sort line says so" wait_screen "sort: R/s desc"
keys r
check "r again reverses" order_is "aa zz"
keys b
check "b sorts by remapped blocks (aa has one)" order_is "aa zz"
keys n
check "n sorts by name again" order_is "aa zz"

# filter
keys /
check "/ opens the filter prompt" wait_screen "Filter:"
keys z z Enter
check "the filter keeps zz only" order_is "zz"
check "the filter is shown" wait_screen "filter: zz"
keys /
wait_screen "Filter: zz"
keys C-u Enter
check "an empty filter shows all again" order_is "aa zz"
keys / n o n e Enter
check "a filter matching nothing says so" wait_screen "no device matches the filter"
keys Escape
check "Esc clears the filter" order_is "aa zz"

# resize
tmux resize-window -t "$S" -x 80 -y 20
check "after a resize to 80x20 the list is redrawn" wait_screen "DEVICE"
check "no line is wider than 80" test "$(max_width)" -le 80
check "the rows are still shown" order_is "aa zz"
check "the header still fits" sh -c "tmux capture-pane -p -t $S | head -n 1 | grep -q '^dmremap-top '"
tmux resize-window -t "$S" -x 140 -y 30
check "after a resize to 140x30 the last column is back" wait_screen " MAIN"
check "the rows are still shown at 140x30" order_is "aa zz"

# detail of aa, with a remap happening while we look
keys Home Enter
check "Enter opens the detail screen" wait_screen "Device aa"
check "the detail has the latency histogram section" wait_screen "latency since start"
check "the detail has the events section" wait_screen "Last events"
nullb_badblocks m1 "+4096-4103"
make_ref "$T/blk2" 4
write_at /dev/mapper/aa "$T/blk2" 2048
check "the new remap shows among the last events" wait_screen "remap      block=512"
check "with its metadata commit" wait_screen "md_commit"
check "and the write's latency in the histogram" wait_screen "distribution"
screen | grep . | sed 's/^/# | /'	# for the log
keys Escape
check "Esc goes back to the list" wait_screen "DEVICE"
check "aa now has 2 remapped blocks" sh -c "i=0; until tmux capture-pane -p -t $S | awk '\$1 == \"aa\" && \$11 == 2 { f = 1 } END { exit !f }'; do i=\$((i + 1)); [ \$i -ge 100 ] && exit 1; sleep 0.2; done"

# help, pause, interval
keys h
check "h shows the help" wait_screen "Sort keys"
keys x
check "any key leaves the help" wait_screen "DEVICE"
keys Space
check "space pauses" wait_screen "PAUSED"
keys Space
check "space resumes" wait_gone "PAUSED"
keys +
check "+ doubles a short interval" wait_screen "every 1.0s"
keys +
check "+ adds a second" wait_screen "every 2.0s"
keys - -
check "- twice goes back to 0.5 s" wait_screen "every 0.5s"

# a device removed and one created while the view is open
kill $FIO 2>/dev/null
wait $FIO 2>/dev/null
check "remove zz" dmsetup remove zz
check "a removed device leaves the list" order_is "aa"
echo "0 $(sectors_of /dev/m2) remap /dev/m2 /dev/s2" | dmsetup create mm
check "a new device joins the list" order_is "aa mm"

# quit restores the terminal
keys q
check "q quits with status 0" wait_screen "TOP_RC=0"
sleep 0.5
check "the screen is the shell's again (no table left)" sh -c "! tmux capture-pane -p -t $S | grep -q REMAPPED"
check "the terminal settings are restored" cmp "$T/stty.before" "$T/stty.after"

# SIGTERM restores the terminal
keys clear Enter
keys "dmremap-top -d 0.5; echo TOP_RC=\$?; stty -g >$T/stty.after2" Enter
check "started again" wait_screen "DEVICE"
kill -TERM "$(pidof dmremap-top)"
check "SIGTERM: exits with status 0" wait_screen "TOP_RC=0"
sleep 0.5
check "SIGTERM: the terminal settings are restored" cmp "$T/stty.before" "$T/stty.after2"

# Ctrl-C restores the terminal
keys clear Enter
keys "dmremap-top -d 0.5; echo TOP_RC=\$?; stty -g >$T/stty.after3" Enter
check "started a third time" wait_screen "DEVICE"
keys C-c
check "Ctrl-C: exits with status 0" wait_screen "TOP_RC=0"
sleep 0.5
check "Ctrl-C: the terminal settings are restored" cmp "$T/stty.before" "$T/stty.after3"

# zero devices is a normal screen
dmsetup remove aa
dmsetup remove mm
keys clear Enter
keys "dmremap-top -d 0.5; echo TOP_RC=\$?" Enter
check "zero devices: a normal screen" wait_screen "no dm-remap devices"
check "zero devices: 0 in the header" wait_screen "- 0 devices"
keys q
check "zero devices: q quits" wait_screen "TOP_RC=0"

tmux kill-server
check "the kernel log is clean" kernel_log_clean
finish
