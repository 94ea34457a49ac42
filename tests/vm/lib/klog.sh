# shellcheck shell=sh
# The kernel-log reports that fail a test: one list for the guest
# (common.sh's kernel_log_clean) and the host (tests/run's scan of each
# case's log).  Sourced by both; POSIX sh.
#
# The checkers of the debug kernel (make check-debug) report as follows:
#   KASAN          "BUG: KASAN: slab-use-after-free in ..."
#   lockdep        "WARNING: possible circular locking dependency detected",
#                  "WARNING: possible recursive locking detected", ...
#   PROVE_RCU      "WARNING: suspicious RCU usage"
#   ATOMIC_SLEEP   "BUG: sleeping function called from invalid context at ..."
#   UBSAN          "UBSAN: array-index-out-of-bounds in ..."
#   debugobjects   "ODEBUG: free active (active state 0) object type: work_struct"
#   DEBUG_LIST     "list_add corruption. ..."
#   kmemleak       "kmemleak: 1 new suspected memory leaks", and in the
#                  scan's report (appended to the log by guest-init)
#                  "unreferenced object 0x... (size 64):"
#   hung task      "INFO: task kworker/0:1:42 blocked for more than 30 seconds."
#   wq watchdog    "BUG: workqueue lockup - pool cpus=0 ..."
#   RCU stalls     "rcu: INFO: rcu_preempt self-detected stall on CPU"
# Boot lines of those checkers ("kmemleak: Kernel memory leak detector
# initialized", "kasan: KernelAddressSanitizer initialized") match nothing.
KLOG_BAD='WARNING:|BUG:|Oops|general protection|kernel BUG at|Kernel panic'
KLOG_BAD="$KLOG_BAD|possible circular locking|suspicious RCU usage|sleeping function called from invalid context"
KLOG_BAD="$KLOG_BAD|UBSAN:|ODEBUG:|list_(add|del) corruption|suspected memory leak|unreferenced object 0x"
KLOG_BAD="$KLOG_BAD|INFO: task .* blocked for more than|rcu: INFO:|stall on CPU"

# klog_bad [FILE...]: prints the lines that report a kernel bug; fails when
# there is none.
klog_bad() {
	grep -E "$KLOG_BAD" "$@"
}
