#!/bin/sh
# The canaries of `make check-debug`, run in a guest of the debug kernel:
# one deliberate bug for each checker.  tests/run then asserts that its
# kernel-log scan (tests/vm/lib/klog.sh) finds every report in this guest's
# log; a checker that stays silent, or a scan that misses it, fails the lane.
#
# The modules come in $CANARY_DIR (dmr_canary.ko from canary/, and the debug
# kernel's lkdtm.ko, which the guest image lacks):
# tests/run puts them there with a preamble to this script.  Order matters:
# lockdep turns itself off after its first report, and a KASAN report marks
# lockdep unreliable, so RCU, atomic-sleep and lockdep come first.
set -u
: "${CANARY_DIR:?}"

for bug in rcu_outside_reader sleep_in_atomic lock_inversion timer_on_stack; do
	insmod "$CANARY_DIR/dmr_canary.ko" bug=$bug && rmmod dmr_canary
done

# A pool kept busy 12 s: the workqueue watchdog (threshold lowered to 4 s)
# must report it; rmmod waits for the work items.
echo 4 >/sys/module/workqueue/parameters/watchdog_thresh
insmod "$CANARY_DIR/dmr_canary.ko" bug=wq_lockup hog_seconds=12
i=0
while ! dmesg | grep -q 'workqueue lockup' && [ $i -lt 30 ]; do
	sleep 1
	i=$((i + 1))
done
rmmod dmr_canary
echo 30 >/sys/module/workqueue/parameters/watchdog_thresh

insmod "$CANARY_DIR/lkdtm.ko" || { echo "cannot load lkdtm"; exit 1; }
for crash in WARNING ARRAY_BOUNDS CORRUPT_LIST_ADD READ_AFTER_FREE; do
	echo $crash >/sys/kernel/debug/provoke-crash/DIRECT
done
# A task stuck in D state: the hung-task detector (30 s) must name it.
echo HUNG_TASK >/sys/kernel/debug/provoke-crash/DIRECT &
i=0
while ! dmesg | grep -q 'blocked for more than' && [ $i -lt 120 ]; do
	sleep 1
	i=$((i + 1))
done

# A leak: guest-init's kmemleak scan, after this script, must report it.
insmod "$CANARY_DIR/dmr_canary.ko" bug=leak && rmmod dmr_canary
echo "canaries done"
