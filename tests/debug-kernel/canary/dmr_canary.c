// SPDX-License-Identifier: GPL-2.0
/*
 * dmr_canary: one deliberate bug per load, for the debug-kernel lane.
 *
 * `make check-debug` must prove that its kernel-log scan sees what the
 * debug kernel's checkers report.  lkdtm provides use-after-free, array
 * bounds, list corruption and hung-task bugs; this module adds the ones
 * lkdtm lacks: a lock-order inversion (lockdep), an RCU dereference outside
 * a reader (PROVE_RCU), a might-sleep under a spinlock (DEBUG_ATOMIC_SLEEP)
 * and a leaked allocation (kmemleak).  None of them hangs or corrupts
 * anything: each only does what the checker is there to notice.  Loaded only by
 * tests/debug-kernel/canary.sh, in the test VM.
 */
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>

static char *bug = "";
module_param(bug, charp, 0444);
MODULE_PARM_DESC(bug, "lock_inversion, rcu_outside_reader, sleep_in_atomic or leak");

static DEFINE_MUTEX(canary_a);
static DEFINE_MUTEX(canary_b);
static DEFINE_SPINLOCK(canary_lock);
static int canary_value;
static void *canary_leaked;
static int __rcu *canary_ptr = (int __rcu *)&canary_value;

/*
 * A then B, later B then A: one thread, so no deadlock, but lockdep sees
 * the two orders and reports the possible one.
 */
static void lock_inversion(void)
{
	mutex_lock(&canary_a);
	mutex_lock(&canary_b);
	mutex_unlock(&canary_b);
	mutex_unlock(&canary_a);

	mutex_lock(&canary_b);
	mutex_lock(&canary_a);
	mutex_unlock(&canary_a);
	mutex_unlock(&canary_b);
}

static void rcu_outside_reader(void)
{
	int *p = rcu_dereference(canary_ptr);	/* no rcu_read_lock() */

	pr_info("dmr_canary: read %d outside an RCU reader\n", *p);
}

static void sleep_in_atomic(void)
{
	spin_lock(&canary_lock);
	might_sleep();	/* reports, does not sleep */
	spin_unlock(&canary_lock);
}

/*
 * The only pointer to the allocation is overwritten: kmemleak's next scan
 * finds it unreferenced.
 */
static void leak(void)
{
	WRITE_ONCE(canary_leaked, kmalloc(64, GFP_KERNEL));
	pr_info("dmr_canary: leaking %p\n", READ_ONCE(canary_leaked));
	WRITE_ONCE(canary_leaked, NULL);
}

static int __init canary_init(void)
{
	if (!strcmp(bug, "lock_inversion"))
		lock_inversion();
	else if (!strcmp(bug, "rcu_outside_reader"))
		rcu_outside_reader();
	else if (!strcmp(bug, "sleep_in_atomic"))
		sleep_in_atomic();
	else if (!strcmp(bug, "leak"))
		leak();
	else
		return -EINVAL;
	return 0;
}

static void __exit canary_exit(void)
{
}

module_init(canary_init);
module_exit(canary_exit);
MODULE_DESCRIPTION("deliberate bugs that the debug kernel's checkers must report");
MODULE_LICENSE("GPL");
