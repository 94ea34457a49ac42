// SPDX-License-Identifier: GPL-2.0
/*
 * dmr_canary: one deliberate bug per load, for the debug-kernel lane.
 *
 * `make check-debug` must prove that its kernel-log scan sees what the
 * debug kernel's checkers report.  lkdtm provides use-after-free, array
 * bounds, list corruption and hung-task bugs; this module adds the ones
 * lkdtm lacks: a lock-order inversion (lockdep), an RCU dereference outside
 * a reader (PROVE_RCU), a might-sleep under a spinlock (DEBUG_ATOMIC_SLEEP),
 * a leaked allocation (kmemleak), a timer on the stack that is not declared
 * as such (debugobjects) and a work item that keeps its pool busy without
 * sleeping (the workqueue watchdog).  None of them hangs or corrupts
 * anything: each only does what the checker is there to notice.  Loaded
 * only by tests/debug-kernel/canary.sh, in the test VM.
 */
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/timer.h>
#include <linux/workqueue.h>

static char *bug = "";
module_param(bug, charp, 0444);
MODULE_PARM_DESC(bug, "lock_inversion, rcu_outside_reader, sleep_in_atomic, leak, timer_on_stack or wq_lockup");

static unsigned int hog_seconds = 12;
module_param(hog_seconds, uint, 0444);
MODULE_PARM_DESC(hog_seconds, "wq_lockup: how long the work item keeps its pool busy");

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

static void canary_timer_fn(struct timer_list *t)
{
}

/*
 * timer_setup() on a stack object instead of timer_setup_on_stack():
 * debugobjects reports the missing annotation when it starts tracking it.
 */
static void timer_on_stack(void)
{
	struct timer_list t;

	timer_setup(&t, canary_timer_fn, 0);
	destroy_timer_on_stack(&t);	/* stops the tracking */
}

/*
 * The hog runs for hog_seconds without sleeping (cond_resched() lets other
 * tasks run, but the pool still counts its worker as running), so the
 * victim, queued behind it on the same CPU's pool, does not start: the
 * watchdog reports the pool stuck once its threshold passes (the canary
 * script lowers workqueue.watchdog_thresh).  Both finish; the module's
 * exit waits for them.
 */
static void hog_fn(struct work_struct *w)
{
	unsigned long end = jiffies + hog_seconds * HZ;

	while (time_before(jiffies, end))
		cond_resched();
}

static void victim_fn(struct work_struct *w)
{
	pr_info("dmr_canary: the work item behind the hog ran\n");
}

static DECLARE_WORK(canary_hog, hog_fn);
static DECLARE_WORK(canary_victim, victim_fn);

static void wq_lockup(void)
{
	queue_work_on(0, system_wq, &canary_hog);
	queue_work_on(0, system_wq, &canary_victim);
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
	else if (!strcmp(bug, "timer_on_stack"))
		timer_on_stack();
	else if (!strcmp(bug, "wq_lockup"))
		wq_lockup();
	else
		return -EINVAL;
	return 0;
}

static void __exit canary_exit(void)
{
	flush_work(&canary_hog);
	flush_work(&canary_victim);
}

module_init(canary_init);
module_exit(canary_exit);
MODULE_DESCRIPTION("deliberate bugs that the debug kernel's checkers must report");
MODULE_LICENSE("GPL");
