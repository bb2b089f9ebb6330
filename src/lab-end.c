/*
 * lab-end.c - how a lab ends: a side ended at the user's request, every
 * task killed and collected without a blocking wait, and the lab freed.
 */
#include <sys/signalfd.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lab-private.h"

static void
side_destroy(struct side *side)
{
	size_t i;

	if (side == NULL)
		return;
	strv_free(side->argv);
	sc_call_clear(&side->call);
	sbuf_finish(&side->partial);
	lab_input_free(side);
	for (i = 0; i < side->nlines; i++)
		free(side->lines[i]);
	free(side->lines);
	free(side->typed);
	if (side->pty != -1)
		close(side->pty);
	if (side->pty_held != -1)
		close(side->pty_held);
	free(side);
}

/*
 * One side ended at the user's request (a program spinning without
 * calls, or hung): SIGKILL to it and to the children it forked.  The
 * exits come back through the usual event path, so the side ends up
 * "killed by SIGKILL" like any other death.
 */
int
lab_kill_side(struct lab *lab, struct side *side, char *err, size_t errlen)
{
	struct task *t;

	if (side->pid <= 0 || side->state == SIDE_EXITED ||
	    side->state == SIDE_KILLED || side->state == SIDE_NOT_STARTED) {
		snprintf(err, errlen, _("%s is not running"), side->name);
		return -1;
	}
	lab_note(lab, side, "%s ended by the user (SIGKILL)", side->name);
	for (t = lab_task_next(lab, side, NULL); t != NULL;
	    t = lab_task_next(lab, side, t))
		if (lab_task_alive(t))
			trace_kill(t->tid);
	return 0;
}

static bool
side_alive(const struct side *side)
{
	return side->pid > 0 && side->state != SIDE_EXITED &&
	    side->state != SIDE_KILLED;
}

/* A death collected while the lab ends: forget the task. */
static void
lab_reaped(struct lab *lab, pid_t pid, int status)
{
	struct task *t;
	size_t i;

	for (i = 0; i < lab->nsides; i++) {
		struct side *side = lab->sides[i];

		if (side->pid == pid && side_alive(side)) {
			side->wait_status = status;
			side->reaped = true;
		}
		if (side->leader == pid)
			side->leader = 0;
	}
	if ((t = lab_task_find(lab, pid)) != NULL)
		lab_task_ended(lab, t, status);
}

static bool
lab_anyone_left(const struct lab *lab)
{
	size_t i;

	if (lab->nlive > 0)
		return true;
	for (i = 0; i < lab->nsides; i++)
		if (lab->sides[i]->leader > 0)
			return true;
	return false;
}

/*
 * Collect every task the lab knows of, after SIGKILL, waiting on the
 * SIGCHLD descriptor and never in a blocking waitpid: a thread group's
 * leader is reported only after each of its threads has been collected,
 * and a traced task the lab never heard of (an orphan) may live on, so
 * a blocking wait for one pid, or for any, could wait for good.  Gives
 * up after limit ms (a task stuck in the kernel); PTRACE_O_EXITKILL and
 * PR_SET_PDEATHSIG still end it when sockstep exits.
 */
static bool
lab_reap(struct lab *lab, uint64_t limit)
{
	uint64_t start = lab_now_ms(), now;
	struct signalfd_siginfo si[8];
	struct pollfd pfd;
	int status;
	pid_t pid;

	for (;;) {
		while ((pid = waitpid(-1, &status, WNOHANG | __WALL)) > 0) {
			if (WIFEXITED(status) || WIFSIGNALED(status))
				lab_reaped(lab, pid, status);
			else	/* a task born as the lab ends: end it too */
				trace_kill(pid);
		}
		if (!lab_anyone_left(lab))
			return true;
		if (pid == -1 && errno == ECHILD)
			return false;
		now = lab_now_ms();
		if (now - start >= limit)
			return false;
		pfd.fd = lab->sigfd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, (int)(limit - (now - start)) < 50 ?
		    (int)(limit - (now - start)) : 50) > 0)
			(void)read(lab->sigfd, si, sizeof si);
	}
}

/* SIGKILL every task, collect each, and say so in a NOTE per side. */
void
lab_kill_all(struct lab *lab, const char *why)
{
	bool alive[SOCKSTEP_MAX_CLIENTS + 1];
	struct task *t;
	bool all;
	size_t i;

	/* An end already queued for us is the program's own, not ours. */
	lab_pump(lab, 0);
	TAILQ_FOREACH(t, &lab->tasks, entry)
		if (lab_task_alive(t))
			trace_kill(t->tid);
	for (i = 0; i < lab->nsides; i++) {
		struct side *side = lab->sides[i];

		alive[i] = side_alive(side);
		side->reaped = false;
		if (side->leader > 0)	/* the session leader, our own child */
			kill(side->leader, SIGKILL);
		if (!alive[i])
			continue;
		/* Its process group: orphans the lab never saw fork. */
		if (side->pid > 1)
			kill(-side->pid, SIGKILL);
	}
	all = lab_reap(lab, LAB_REAP_MS);
	/* What their ends sent (FIN, RST): sockstep's doing, said only
	 * when the end is (a restart or quit ends them quietly). */
	lab_wire_flush(lab);
	lab->wire_quiet = why == NULL;
	lab->wire_cause = LAB_WIRE_END;
	lab->wire_task = NULL;
	lab_wire_drain(lab);
	lab->wire_cause = 0;
	lab->wire_quiet = false;
	for (i = 0; i < lab->nsides; i++) {
		struct side *side = lab->sides[i];

		if (!alive[i])
			continue;
		lab_drain_output(lab, side);
		lab_flush_output(lab, side);
		if (!side->reaped)
			side->wait_status = SIGKILL;	/* as the kernel will */
		side->in_call = false;
		side->state = SIDE_KILLED;
		if (why != NULL)
			lab_note(lab, side, "%s ended by sockstep (%s)",
			    side->name, why);
	}
	if (!all && why != NULL)
		lab_note(lab, NULL, "some traced processes were still dying "
		    "after %d s; they end when sockstep exits",
		    LAB_REAP_MS / 1000);
	/* What could not be collected is forgotten, not waited for again. */
	TAILQ_FOREACH(t, &lab->tasks, entry)
		if (lab_task_alive(t))
			lab_task_ended(lab, t, SIGKILL);
}

void
lab_destroy(struct lab *lab)
{
	size_t i;

	if (lab == NULL)
		return;
	lab_kill_all(lab, NULL);
	for (i = 0; i < lab->nsides; i++)
		side_destroy(lab->sides[i]);
	if (lab->sigfd != -1)
		close(lab->sigfd);
	kview_finish(&lab->kv);
	lab_wire_close(lab);
	trace_fds_destroy(lab->fds);
	lab_task_free_all(lab);
	free(lab);
}

