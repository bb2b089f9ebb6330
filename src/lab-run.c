/*
 * lab-run.c - the run/wait policy: when a side counts as settled, and
 * the operations that wait for it (settle, step, run to a block, all+).
 *
 * Each operation is a job the caller's loop moves on with lab_advance():
 * one poll of the lab's descriptors, then a look at the sides, never a
 * nested wait.  A screen keeps drawing and reading keys while a side
 * settles; batch waits with lab_finish(), the same job in a plain loop.
 * lab-step.c holds the transition function the jobs drive.
 */
#include <sys/syscall.h>

#include <linux/futex.h>

#include <errno.h>
#include <signal.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "lab-private.h"

#define LAB_TICK_MS	2	/* how often a job looks at the sides */

/*
 * A sleep that ends by itself: the calls a program waits in with a
 * timeout, told by the argument that holds it.  Such a side is not
 * settled while it sleeps (it will wake and go on), up to LAB_SLEEP_MS.
 */
static bool
lab_sleep_is_timed(long nr, const uint64_t *a)
{
	switch (nr) {
	case SYS_nanosleep:
	case SYS_clock_nanosleep:
		return true;
#ifdef SYS_poll
	case SYS_poll:
		return (int)a[2] >= 0;
#endif
	case SYS_ppoll:
		return a[2] != 0;
#ifdef SYS_select
	case SYS_select:
		return a[4] != 0;
#endif
	case SYS_pselect6:
		return a[4] != 0;
#ifdef SYS_epoll_wait
	case SYS_epoll_wait:
		return (int)a[3] >= 0;
#endif
	case SYS_epoll_pwait:
		return (int)a[3] >= 0;
#ifdef SYS_epoll_pwait2
	case SYS_epoll_pwait2:
		return a[3] != 0;
#endif
	case SYS_futex:		/* pthread_cond_timedwait, sem_timedwait */
		return ((a[1] & FUTEX_CMD_MASK) == FUTEX_WAIT ||
		    (a[1] & FUTEX_CMD_MASK) == FUTEX_WAIT_BITSET) && a[3] != 0;
	case SYS_rt_sigtimedwait:
		return a[2] != 0;
	default:
		return false;
	}
}

/* Asleep, and in a call that has a timeout? */
bool
lab_task_timed(struct lab *lab, struct task *t)
{
	uint64_t args[6];
	long nr;

	if (t->state == SIDE_BLOCKED)
		return lab_sleep_is_timed(t->call.nr, t->call.args);
	return sock_proc_syscall(lab->kv.procf, t->tid, &nr, args) == 0 &&
	    lab_sleep_is_timed(nr, args);
}

/*
 * A task /proc shows as a zombie: is its end still ours to collect?  It
 * is when no other task of its process lives: the wait status is queued
 * for us and the next pump takes it, so the task is not settled yet (a
 * check or the end of the steps would call a program that had exited by
 * itself "running" or "ended by sockstep"; seen on a loaded machine).  A
 * leader that left its threads running stays a zombie until they end:
 * that one is as good as gone.
 */
static bool
lab_end_pending(const struct lab *lab, const struct task *t)
{
	const struct task *o;

	TAILQ_FOREACH(o, &lab->tasks, entry)
		if (o != t && o->tgid == t->tgid && lab_task_alive(o))
			return false;
	return true;
}

/* Will this task change state by itself soon?  If not, it is settled. */
static bool
lab_task_settled(struct lab *lab, struct task *t, uint64_t now)
{
	struct side *side = t->side;
	char st, wchan[64];
	long nr;

	if (side == NULL || t->refused || t->stopped)
		return true;	/* held in a stop: nothing moves it but us */
	switch (t->state) {
	case SIDE_BLOCKED:
		/* Still asleep in the call?  Else its return is on the way. */
		if (sock_proc_sleep(lab->kv.procf, t->tid, &st, &nr, wchan,
		    sizeof wchan) != 0 || (st != 'S' && st != 'D') ||
		    nr != t->call.nr)
			return false;
		/* A timeout will wake it: wait for that, within reason. */
		return !lab_task_timed(lab, t) ||
		    now - t->sleep_since >= LAB_SLEEP_MS;
	case SIDE_RUNNING:
		if (t->in_call)
			return false;
		/* Between calls but asleep (sleep(), a read of its tty, a
		 * thread waiting for another); a zombie is as good as gone. */
		if (sock_proc_sleep(lab->kv.procf, t->tid, &st, &nr, wchan,
		    sizeof wchan) == -1)
			return true;
		if (st == 'Z' || st == 'X')
			return !lab_end_pending(lab, t);
		if ((st != 'S' && st != 'D') ||
		    side->activity + t->activity != t->idle_activity) {
			t->sleep_since = 0;
			t->idle_activity = side->activity + t->activity;
			return false;
		}
		if (t->sleep_since == 0)
			t->sleep_since = now;
		/* Reading its terminal (any task, lab-input.c): only typing
		 * wakes it (a fed line is typed at once, and then it is not
		 * settled). */
		if (lab_input_wait(lab, side, t))
			return true;
		if (side->activity + t->activity != t->idle_activity)
			return false;
		if (lab_task_timed(lab, t))
			return now - t->sleep_since >= LAB_SLEEP_MS;
		return now - t->sleep_since >= LAB_IDLE_MS;
	default:
		return true;
	}
}

static bool
lab_all_settled(struct lab *lab, uint64_t now)
{
	struct task *t;
	bool settled = true;

	/* A call under way is unsettled without a look at /proc: free-
	 * running (all+) asks here between stops, and a task asleep
	 * between calls (a thread in pthread_join) restarts its clock at
	 * any stop of its side anyway. */
	TAILQ_FOREACH(t, &lab->tasks, entry)
		if (t->side != NULL && !t->refused && !t->stopped &&
		    t->state == SIDE_RUNNING && t->in_call &&
		    t->sleep_since == 0)
			return false;
	/* Every task is looked at: each keeps its own sleep clock. */
	TAILQ_FOREACH(t, &lab->tasks, entry)
		if (lab_task_alive(t) && !lab_task_settled(lab, t, now))
			settled = false;
	return settled;
}

/* A side's tasks that run (not paused, blocked or ended): are they all
 * settled, that is asleep outside any call?  *any: one runs at all. */
static bool
lab_side_quiet(struct lab *lab, struct side *side, uint64_t now, bool *any)
{
	struct task *t;
	bool quiet = true;

	*any = false;
	for (t = lab_task_next(lab, side, NULL); t != NULL;
	    t = lab_task_next(lab, side, t)) {
		if (t->state != SIDE_RUNNING || t->refused)
			continue;
		*any = true;
		if (t->in_call || !lab_task_settled(lab, t, now))
			quiet = false;
	}
	return quiet;
}

static bool
lab_side_running(struct lab *lab, struct side *side)
{
	bool any;

	(void)lab_side_quiet(lab, side, 0, &any);
	return any;
}

/* Why a task (or, t NULL, a side with none paused or running) cannot
 * be stepped. */
static int
lab_stepable(struct side *side, struct task *t, char *err, size_t errlen)
{
	const char *name = t != NULL ? t->name : side->name;
	enum side_state st = t != NULL ? t->state : side->state;
	const struct sc_call *c = t != NULL ? &t->call : &side->call;

	switch (st) {
	case SIDE_BEFORE_CALL:
	case SIDE_RUNNING:	/* waited for: lab_job_reach */
		return 0;
	case SIDE_BLOCKED:
		snprintf(err, errlen, _("%s is blocked in %s(): step another "
		    "side to wake it"), name, c->desc != NULL ?
		    c->desc->name : "?");
		return -1;
	case SIDE_EXITED:
	case SIDE_KILLED:
		snprintf(err, errlen, st == SIDE_EXITED ?
		    _("%s has exited") : _("%s has been killed"), name);
		return -1;
	default:
		snprintf(err, errlen, _("%s has not started"), name);
		return -1;
	}
}

static void
lab_job_end(struct lab *lab, int rc)
{
	struct lab_job *j = &lab->job;
	char why[120];
	size_t i;

	if (j->op == LAB_OP_ALL)
		lab->free_run = false;
	/* The step's segments, before a view shows the kernel after it. */
	lab_wire_idle(lab);
	lab_sync_all(lab);
	/* Started, and ended before its exec: sockstep's set-up failed. */
	if (j->op == LAB_OP_START && rc == 0 && !j->side->execed &&
	    (j->side->state == SIDE_EXITED || j->side->state == SIDE_KILLED)) {
		trace_setup_failure(j->side->wait_status, why, sizeof why);
		snprintf(j->err, sizeof j->err, "%s: %.100s: %s",
		    j->side->name, j->side->path, why);
		rc = -1;
	}
	/* For w: which calls were blocked when the step ended. */
	lab->blocked_at_end = 0;
	for (i = 0; i < lab->nsides; i++)
		if (lab->sides[i]->state == SIDE_BLOCKED)
			lab->blocked_at_end |= 1U << i;
	j->rc = rc;
	j->op = LAB_OP_NONE;
}

static void
lab_job_phase(struct lab *lab, enum lab_phase phase, uint64_t limit)
{
	lab->job.phase = phase;
	lab->job.since = lab_now_ms();
	lab->job.limit = limit;
	lab->job.seen = lab->seq;
	lab->job.life = lab->job.side != NULL ? lab->job.side->activity : 0;
}

static int
lab_job_fail(struct lab *lab, struct task *t)
{
	struct lab_job *j = &lab->job;

	snprintf(j->err, sizeof j->err, "%s: ptrace: %s", t->name,
	    strerror(errno));
	lab_job_end(lab, -1);
	return -1;
}

/*
 * Let the pending call run, then settle every side: the job's task's,
 * or, for a side (s+), every paused task of it at once.
 */
static int
lab_job_resume(struct lab *lab)
{
	struct lab_job *j = &lab->job;
	struct task *t;

	if (j->target[0] != '\0' && j->steps >= LAB_EXTRA_CALLS) {
		snprintf(j->err, sizeof j->err, "%s made %d calls without "
		    "reaching %s()", j->task != NULL ? j->task->name :
		    j->side->name, LAB_EXTRA_CALLS, j->target);
		lab_job_end(lab, -1);
		return -1;
	}
	if (j->task != NULL) {
		strlcpy(j->took, j->task->call.desc != NULL ?
		    j->task->call.desc->name : "", sizeof j->took);
		if (lab_resume_call(lab, j->task) == -1)
			return lab_job_fail(lab, j->task);
	} else {
		for (t = lab_task_next(lab, j->side, NULL); t != NULL;
		    t = lab_task_next(lab, j->side, t)) {
			if (t->state != SIDE_BEFORE_CALL)
				continue;
			strlcpy(j->took, t->call.desc != NULL ?
			    t->call.desc->name : "", sizeof j->took);
			if (lab_resume_call(lab, t) == -1)
				return lab_job_fail(lab, t);
		}
	}
	j->steps++;
	lab_sync_all(lab);
	lab_job_phase(lab, PH_SETTLE, LAB_SETTLE_MS);
	return 0;
}

/* Is there a call to take now (the job's task paused, or for a side
 * any of its tasks)?  A side's single step picks the one paused
 * longest. */
static bool
lab_job_paused(struct lab *lab)
{
	struct lab_job *j = &lab->job;
	struct task *t;

	if (j->task != NULL)
		return j->task->state == SIDE_BEFORE_CALL;
	if ((t = lab_task_paused(lab, j->side)) == NULL)
		return false;
	if (j->op != LAB_OP_RUN)
		j->task = t;
	return true;
}

/*
 * A task (or a side) that was running when asked to step: wait for it
 * to reach a call, block or exit.  A side that shows life (calls,
 * output) is waited for; one silent for LAB_SETTLE_MS is a spinner, one
 * asleep outside any call with no timeout waits for something the lab
 * cannot give (its terminal, a child).  Returns true when the job moved
 * on.
 */
static bool
lab_job_reach(struct lab *lab, uint64_t now)
{
	struct lab_job *j = &lab->job;
	struct side *side = j->side;
	struct task *t = j->task;
	const char *name = t != NULL ? t->name : side->name;
	char st = '?', wchan[64] = "";
	bool running, quiet;
	long nr;

	if (t != NULL) {
		running = t->state == SIDE_RUNNING;
		quiet = !t->in_call && lab_task_settled(lab, t, now);
	} else {
		quiet = lab_side_quiet(lab, side, now, &running);
		if (lab_task_paused(lab, side) != NULL)
			running = false;
	}
	if (!running) {
		if ((j->op == LAB_OP_RUN || j->target[0] != '\0') &&
		    lab_job_paused(lab))
			return lab_job_resume(lab) == 0;
		/* s: stopped before its next call (or blocked, or gone). */
		lab_job_phase(lab, PH_SETTLE, LAB_SETTLE_MS);
		return true;
	}
	if (side->activity != j->life || lab->seq != j->seen) {
		j->life = side->activity;
		j->seen = lab->seq;
		j->since = now;
	}
	if (quiet) {
		/* Run, or just started: waiting is where it stays. */
		if (j->op == LAB_OP_RUN || j->op == LAB_OP_START) {
			lab_job_end(lab, 0);
			return true;
		}
		(void)sock_proc_sleep(lab->kv.procf, t != NULL ? t->tid :
		    side->first->tid, &st, &nr, wchan, sizeof wchan);
		if (side->awaiting_input) {
			char tok[8];

			lab_side_token(side, tok, sizeof tok);
			snprintf(j->err, sizeof j->err, _("%s is waiting for "
			    "input on its terminal: type a line (key i on "
			    "screen, a step %s<TEXT, or --stdin %s=FILE)"),
			    side->name, tok, side->name);
		} else
		snprintf(j->err, sizeof j->err, "%s is waiting outside any "
		    "socket call%s%s%s: nothing the lab can step will wake it",
		    name, wchan[0] ? " (kernel: " : "", wchan,
		    wchan[0] ? ")" : "");
		lab_job_end(lab, -1);
		return true;
	}
	if (now - j->since < j->limit)
		return false;
	if (j->op == LAB_OP_RUN || j->op == LAB_OP_START) {
		lab_note_spinners(lab);
		lab_job_end(lab, 0);
		return true;
	}
	snprintf(j->err, sizeof j->err, "%s is running outside any socket "
	    "call (no call and no output for %d s)", name,
	    (int)(j->limit / 1000));
	lab_job_end(lab, -1);
	return true;
}

/* s@call: the call just taken was not the one named; the next one may
 * be, if the task is paused before it. */
static bool
lab_job_toward(struct lab *lab)
{
	struct lab_job *j = &lab->job;
	struct task *t = j->task;

	if (t == NULL) {
		snprintf(j->err, sizeof j->err, "%s did not reach %s()",
		    j->side->name, j->target);
	} else if (t->state == SIDE_BEFORE_CALL)
		return lab_job_resume(lab) == 0;
	else if (t->state == SIDE_BLOCKED)
		snprintf(j->err, sizeof j->err, "%s is blocked in %s() before "
		    "reaching %s()", t->name, t->call.desc->name,
		    j->target);
	else if (t->state == SIDE_EXITED || t->state == SIDE_KILLED)
		snprintf(j->err, sizeof j->err, "%s ended before reaching "
		    "%s()", t->name, j->target);
	else
		snprintf(j->err, sizeof j->err, "%s is running outside any "
		    "socket call before reaching %s()", t->name, j->target);
	lab_job_end(lab, -1);
	return true;
}

/* Every side settled (or the limit reached): the job's next move. */
static bool
lab_job_settle(struct lab *lab, uint64_t now)
{
	struct lab_job *j = &lab->job;
	bool settled = lab_all_settled(lab, now);

	if (!settled && now - j->since <= j->limit)
		return false;
	if (j->op == LAB_OP_RUN && (j->max == 0 || j->steps < j->max) &&
	    lab_job_paused(lab))
		return lab_job_resume(lab) == 0;
	if (j->target[0] != '\0' && !sc_name_matches(j->took, j->target))
		return lab_job_toward(lab);
	if (!settled && j->op == LAB_OP_RUN)
		lab_note_spinners(lab);
	lab_job_end(lab, 0);
	return true;
}

/* all+: settled, or nothing new for LAB_SETTLE_MS (a spinner). */
static bool
lab_job_all(struct lab *lab, uint64_t now)
{
	struct lab_job *j = &lab->job;

	/* Events still coming: not still, and no look at /proc needed
	 * (an idle task's clock restarts at its side's every stop). */
	if (lab->seq != j->seen) {
		j->seen = lab->seq;
		j->since = now;
		return false;
	}
	if (lab_all_settled(lab, now)) {
		lab_job_end(lab, 0);
		return true;
	}
	if (now - j->since > LAB_SETTLE_MS) {
		lab_note_spinners(lab);
		lab_job_end(lab, 0);
		return true;
	}
	return false;
}

/* A task held in a stop it gave itself (SIGSTOP): a step continues it. */
static void
lab_job_continue(struct lab *lab, struct side *side, struct task *only)
{
	struct task *t;

	for (t = lab_task_next(lab, side, NULL); t != NULL;
	    t = lab_task_next(lab, side, t)) {
		if (!t->stopped || (only != NULL && t != only))
			continue;
		t->stopped = false;
		kill(t->tgid, SIGCONT);
		lab_note(lab, side, "%s continued (SIGCONT)", t->name);
	}
}

/* Which task a step or run takes: the one named, else for a single step
 * the one paused longest; NULL: the side (its tasks as they come). */
static int
lab_job_pick(struct lab *lab, struct side *side, unsigned num, enum lab_op op,
    struct task **tp, char *err, size_t errlen)
{
	struct task *t = NULL;

	*tp = NULL;
	if (num > 0) {
		if ((t = lab_task_by_num(lab, side, num)) == NULL) {
			snprintf(err, errlen, "%s has no task %u (its tasks "
			    "so far: 1 to %u)", side->name, num, side->ntasks);
			return -1;
		}
		*tp = t;
		return lab_stepable(side, t, err, errlen);
	}
	if (side->first == NULL)
		return lab_stepable(side, NULL, err, errlen);
	if (op == LAB_OP_STEP && (t = lab_task_paused(lab, side)) != NULL) {
		*tp = t;
		return 0;
	}
	if (lab_task_paused(lab, side) != NULL || lab_side_running(lab, side))
		return 0;
	return lab_stepable(side, side->cur, err, errlen);
}

/* w: has a call that was blocked when the wait began returned? */
static bool
lab_job_return(struct lab *lab, uint64_t now)
{
	struct lab_job *j = &lab->job;
	size_t i;

	for (i = 0; i < lab->nsides; i++)
		if ((j->blocked & 1U << i) &&
		    lab->sides[i]->state != SIDE_BLOCKED) {
			lab_job_phase(lab, PH_SETTLE, LAB_SETTLE_MS);
			return true;
		}
	if (now - j->since < j->limit)
		return false;
	snprintf(j->err, sizeof j->err, "no blocked call returned within %d s",
	    (int)(j->limit / 1000));
	lab_job_end(lab, -1);
	return true;
}

int
lab_begin_on(struct lab *lab, enum lab_op op, struct side *side,
    unsigned num, const char *call, char *err, size_t errlen)
{
	struct lab_job *j = &lab->job;
	struct task *t;
	size_t i;

	if (j->op != LAB_OP_NONE) {
		snprintf(err, errlen, "the lab is still busy");
		return -1;
	}
	/* What the wire carried since the last step was the timers'. */
	lab_wire_idle(lab);
	memset(j, 0, sizeof *j);
	j->side = side;
	if (call != NULL)
		strlcpy(j->target, call, sizeof j->target);
	switch (op) {
	case LAB_OP_NONE:
		return 0;
	case LAB_OP_SETTLE:
		j->op = op;
		lab_job_phase(lab, PH_SETTLE, LAB_SETTLE_MS);
		return 0;
	case LAB_OP_ALL:
		j->op = op;
		lab->free_run = true;
		if (!lab->said_order) {
			lab->said_order = true;
			lab_note(lab, NULL, "all+: every side runs at once; "
			    "calls are shown in the order the kernel reports "
			    "their stops, so two that end together may be "
			    "shown the other way round");
		}
		TAILQ_FOREACH(t, &lab->tasks, entry) {
			if (t->side == NULL || t->state != SIDE_BEFORE_CALL)
				continue;
			if (lab_resume_call(lab, t) == -1) {
				snprintf(err, errlen, "%s: ptrace: %s",
				    t->name, strerror(errno));
				lab_job_end(lab, -1);
				return -1;
			}
		}
		lab_job_phase(lab, PH_ALL, LAB_SETTLE_MS);
		return 0;
	case LAB_OP_START:	/* lab_restart_side: running, not yet exec'd */
		j->op = op;
		lab_job_phase(lab, PH_REACH, LAB_SETTLE_MS);
		return 0;
	case LAB_OP_WAIT:
		/*
		 * A call blocked when the last step ended may have returned
		 * since (a SYN resent while the learner read): that is what
		 * w waits for, so it is done; else wait for those blocked now.
		 */
		for (i = 0; i < lab->nsides; i++)
			if ((lab->blocked_at_end & 1U << i) &&
			    lab->sides[i]->state != SIDE_BLOCKED) {
				j->op = op;
				lab_job_phase(lab, PH_SETTLE, LAB_SETTLE_MS);
				return 0;
			}
		for (i = 0; i < lab->nsides; i++)
			if (lab->sides[i]->state == SIDE_BLOCKED)
				j->blocked |= 1U << i;
		if (j->blocked == 0) {
			snprintf(err, errlen, "w: no side is blocked, so there "
			    "is no call to wait for");
			return -1;
		}
		j->op = op;
		lab_job_phase(lab, PH_RETURN, LAB_WAIT_MS);
		return 0;
	case LAB_OP_STEP:
	case LAB_OP_RUN:
		if (lab_job_pick(lab, side, num, op, &t, err, errlen) == -1)
			return -1;
		lab_job_continue(lab, side, t);
		j->op = op;
		j->task = t;
		j->max = op == LAB_OP_STEP ? 1 : 0;
		if (!lab_job_paused(lab)) {
			lab_job_phase(lab, PH_REACH, LAB_SETTLE_MS);
			return 0;
		}
		if (lab_job_resume(lab) == -1) {
			snprintf(err, errlen, "%s", j->err);
			return -1;
		}
		return 0;
	}
	return 0;
}

int
lab_begin(struct lab *lab, enum lab_op op, struct side *side, char *err,
    size_t errlen)
{
	return lab_begin_on(lab, op, side, 0, NULL, err, errlen);
}

int
lab_begin_to(struct lab *lab, struct side *side, const char *call,
    char *err, size_t errlen)
{
	return lab_begin_on(lab, LAB_OP_STEP, side, 0, call, err, errlen);
}

const char *
lab_job_took(const struct lab *lab)
{
	return lab->job.took;
}

bool
lab_busy(const struct lab *lab)
{
	return lab->job.op != LAB_OP_NONE;
}

/* How long the caller's loop may wait before the next lab_advance(). */
int
lab_tick_ms(const struct lab *lab)
{
	return lab_busy(lab) ? LAB_TICK_MS : -1;
}

int
lab_advance(struct lab *lab, int timeout_ms)
{
	struct lab_job *j = &lab->job;
	uint64_t now;

	lab_pump(lab, timeout_ms);
	if (j->op != LAB_OP_NONE && lab->stop != NULL && *lab->stop) {
		snprintf(j->err, sizeof j->err, "interrupted");
		lab_job_end(lab, -1);
		return -1;
	}
	while (j->op != LAB_OP_NONE) {
		now = lab_now_ms();
		switch (j->phase) {
		case PH_REACH:
			if (!lab_job_reach(lab, now))
				return 1;
			break;
		case PH_SETTLE:
			if (!lab_job_settle(lab, now))
				return 1;
			break;
		case PH_ALL:
			if (!lab_job_all(lab, now))
				return 1;
			break;
		case PH_RETURN:
			if (!lab_job_return(lab, now))
				return 1;
			break;
		}
	}
	return j->rc;
}

const char *
lab_job_error(const struct lab *lab)
{
	return lab->job.err;
}

/* What the lab waits for while a job runs, for a view to put in words:
 * the side a running step waits for, and for how long, in seconds. */
enum lab_wait
lab_job_waiting(const struct lab *lab, const struct side **side,
    unsigned *secs)
{
	const struct lab_job *j = &lab->job;

	*side = j->side;
	*secs = (unsigned)((lab_now_ms() - j->since) / 1000);
	if (j->op == LAB_OP_NONE)
		return LAB_WAIT_NONE;
	if (j->phase == PH_REACH)
		return LAB_WAIT_REACH;
	if (j->phase == PH_RETURN)
		return LAB_WAIT_RETURN;
	return j->phase == PH_ALL ? LAB_WAIT_ALL : LAB_WAIT_SETTLE;
}

/* Abandon the job: every side stays as it is (a running one keeps
 * running and pauses at its next call, as always). */
void
lab_cancel(struct lab *lab)
{
	if (lab_busy(lab))
		lab_job_end(lab, 0);
}

void
lab_set_stop(struct lab *lab, volatile sig_atomic_t *stop)
{
	lab->stop = stop;
}

/* The job to its end, in a plain loop (batch).  A stop flag set by a
 * signal handler cuts it short. */
int
lab_finish(struct lab *lab, char *err, size_t errlen)
{
	int rc = 0;

	while (lab_busy(lab)) {
		if (lab->stop != NULL && *lab->stop) {
			lab_cancel(lab);
			snprintf(err, errlen, "%s", _("interrupted"));
			return -1;
		}
		rc = lab_advance(lab, LAB_TICK_MS);
	}
	if (rc == -1)
		snprintf(err, errlen, "%s", lab->job.err);
	return rc == -1 ? -1 : 0;
}

static int
lab_do(struct lab *lab, enum lab_op op, struct side *side, char *err,
    size_t errlen)
{
	if (lab_begin(lab, op, side, err, errlen) == -1)
		return -1;
	return lab_finish(lab, err, errlen);
}

/* The blocking forms, for batch: the same jobs, waited for. */
void
lab_settle(struct lab *lab)
{
	char err[64];

	(void)lab_do(lab, LAB_OP_SETTLE, NULL, err, sizeof err);
}

int
lab_step(struct lab *lab, struct side *side, char *err, size_t errlen)
{
	return lab_do(lab, LAB_OP_STEP, side, err, errlen);
}

int
lab_run(struct lab *lab, struct side *side, char *err, size_t errlen)
{
	return lab_do(lab, LAB_OP_RUN, side, err, errlen);
}

int
lab_run_all(struct lab *lab, char *err, size_t errlen)
{
	return lab_do(lab, LAB_OP_ALL, NULL, err, errlen);
}

/*
 * Tracer and tracees on one CPU: every stop is a switch between two
 * tasks on the same CPU (a few microseconds) instead of a wake-up sent
 * to another CPU (tens of microseconds, more in a VM), and the traced
 * programs never run in parallel with the tracer anyway: one of them
 * waits for the other at every stop.  The children inherit the mask.
 * SOCKSTEP_NO_PIN=1 leaves the scheduler free.  Best effort: a failure
 * (a cpuset that forbids it) changes nothing else.
 */
static void
lab_pin_cpu(void)
{
	const char *no = getenv("SOCKSTEP_NO_PIN");
	cpu_set_t set;
	int cpu;

	if (no != NULL && strcmp(no, "0") != 0)
		return;
	if ((cpu = sched_getcpu()) == -1)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	(void)sched_setaffinity(0, sizeof set, &set);
}

/* Every side's program found (as execvp would), before anything runs:
 * a missing one is the user's mistake, said at once. */
int
lab_resolve(struct lab *lab, char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < lab->nsides; i++) {
		struct side *side = lab->sides[i];

		/* Once a lab: a view may ask before lab_start does. */
		if (side->path[0] == '\0' && trace_resolve(side->argv[0],
		    side->path, sizeof side->path, err, errlen) == -1)
			return -1;
	}
	return 0;
}

int
lab_start(struct lab *lab, char *err, size_t errlen)
{
	struct trace_spawning sp[SOCKSTEP_MAX_CLIENTS + 1];
	uint64_t start;
	size_t i;

	for (i = 0; i < lab->nsides; i++) {
		memset(&sp[i], 0, sizeof sp[i]);
		sp[i].master = sp[i].info = sp[i].go = -1;
	}

	lab_pin_cpu();
	if (lab_resolve(lab, err, errlen) == -1)
		return -1;
	lab_wire_start(lab);
	/* Every side's session set up at once, then each program seized. */
	for (i = 0; i < lab->nsides; i++)
		if (trace_spawn_start(lab->sides[i]->path, lab->sides[i]->argv,
		    lab_side_netns(lab, lab->sides[i]), &sp[i], err,
		    errlen) == -1)
			goto fail;
	for (i = 0; i < lab->nsides; i++) {
		struct side *side = lab->sides[i];

		if (trace_spawn_finish(&sp[i], &side->pid, &side->leader,
		    &side->pty, err, errlen) == -1)
			goto fail;
		(void)lab_task_add(lab, side->pid, side);
		lab_side_sync(lab, side);
	}
	/* Short: a program busy before its first socket call is shown
	 * running rather than holding the first screen back. */
	start = lab_now_ms();
	lab_pump(lab, 0);
	while (!lab_all_settled(lab, lab_now_ms()) &&
	    lab_now_ms() - start <= LAB_START_MS &&
	    (lab->stop == NULL || !*lab->stop))
		lab_pump(lab, LAB_TICK_MS);
	for (i = 0; i < lab->nsides; i++) {
		struct side *side = lab->sides[i];

		if (!side->execed && (side->state == SIDE_EXITED ||
		    side->state == SIDE_KILLED)) {
			char why[300];

			trace_setup_failure(side->wait_status, why,
			    sizeof why);
			snprintf(err, errlen, "%s: %s: %s", side->name,
			    side->path, why);
			lab_kill_all(lab, NULL);
			return -1;
		}
	}
	return 0;

fail:
	for (i = 0; i < lab->nsides; i++)
		trace_spawn_abort(&sp[i]);
	lab_kill_all(lab, NULL);
	return -1;
}
