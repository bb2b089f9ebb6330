/*
 * lab-task.c - a side's tasks: every thread and process of its program
 * tree, each paused before its watched calls with its own state and
 * call (issue 15 §1).  Tasks are kept in order of appearance; one with
 * no side yet (its first stop came before its parent's fork event, and
 * /proc could not tell) is kept too, so that it is ended with the rest.
 * The side's own state and call are those of one task, chosen here.
 */
#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "lab-private.h"

bool
lab_task_alive(const struct task *t)
{
	return t->state != SIDE_EXITED && t->state != SIDE_KILLED;
}

/* The live task with this tid (a tid is reused only after an end). */
struct task *
lab_task_find(const struct lab *lab, pid_t tid)
{
	struct task *t;

	TAILQ_FOREACH_REVERSE(t, &lab->tasks, tasklist, entry)
		if (t->tid == tid && lab_task_alive(t))
			return t;
	return NULL;
}

/* Named once its side is known: the side's first task keeps its name. */
static void
lab_task_name_it(struct task *t, struct side *side)
{
	t->side = side;
	t->num = ++side->ntasks;
	side->nlive++;
	if (t->num == 1) {
		side->first = t;
		strlcpy(t->name, side->name, sizeof t->name);
	} else
		snprintf(t->name, sizeof t->name, "%s.%u", side->name, t->num);
}

void
lab_task_adopt(struct lab *lab, struct task *t, struct side *side)
{
	(void)lab;
	if (t->side == NULL && side != NULL)
		lab_task_name_it(t, side);
}

static pid_t
lab_tgid_of(pid_t tid)
{
	pid_t tgid = sock_proc_tgid(tid);

	return tgid > 0 ? tgid : tid;
}

struct task *
lab_task_add(struct lab *lab, pid_t tid, struct side *side)
{
	struct task *t = xcalloc(1, sizeof *t);

	t->tid = tid;
	t->tgid = side != NULL && side->first == NULL ? tid : lab_tgid_of(tid);
	t->state = SIDE_RUNNING;
	TAILQ_INSERT_TAIL(&lab->tasks, t, entry);
	lab->nlive++;
	if (side != NULL)
		lab_task_name_it(t, side);
	if (lab->nlive > LAB_MAX_TASKS) {
		/* Said once, when it is refused; its exit is then silent. */
		t->refused = true;
		trace_kill(tid);
		if (side != NULL)
			lab_note(lab, side, "%s: more than %d tasks, ended",
			    t->name, LAB_MAX_TASKS);
	}
	return t;
}

/* A task ended: its words freed, its number kept. */
void
lab_task_ended(struct lab *lab, struct task *t, int status)
{
	if (!lab_task_alive(t))
		return;
	t->wait_status = status;
	t->in_call = false;
	t->state = WIFSIGNALED(status) ? SIDE_KILLED : SIDE_EXITED;
	lab->nlive--;
	if (t->side != NULL)
		t->side->nlive--;
}

void
lab_task_free_all(struct lab *lab)
{
	struct task *t;

	while ((t = TAILQ_FIRST(&lab->tasks)) != NULL) {
		TAILQ_REMOVE(&lab->tasks, t, entry);
		sc_call_clear(&t->call);
		free(t);
	}
	lab->nlive = 0;
}

/* A side started again (s!): its old, ended tasks leave it. */
void
lab_side_forget_tasks(struct lab *lab, struct side *side)
{
	struct task *t;

	TAILQ_FOREACH(t, &lab->tasks, entry)
		if (t->side == side && !lab_task_alive(t))
			t->side = NULL;
	side->first = side->cur = NULL;
	side->ntasks = side->nlive = 0;
	side->synced_gen = 0;
}

struct task *
lab_task_next(const struct lab *lab, const struct side *side,
    const struct task *prev)
{
	struct task *t = prev == NULL ? TAILQ_FIRST(&lab->tasks) :
	    TAILQ_NEXT(prev, entry);

	while (t != NULL && t->side != side)
		t = TAILQ_NEXT(t, entry);
	return t;
}

struct task *
lab_task_by_num(const struct lab *lab, const struct side *side, unsigned num)
{
	struct task *t;

	for (t = lab_task_next(lab, side, NULL); t != NULL;
	    t = lab_task_next(lab, side, t))
		if (t->num == num)
			return t;
	return NULL;
}

/* A tid, or a process: the name of its task (a thread's process is
 * its first task, the thread group's leader). */
const char *
lab_task_name(const struct lab *lab, pid_t pid)
{
	struct task *t = lab_task_find(lab, pid);

	return t != NULL && t->side != NULL ? t->name : NULL;
}

struct task *
lab_task_paused(const struct lab *lab, const struct side *side)
{
	struct task *t, *best = NULL;

	for (t = lab_task_next(lab, side, NULL); t != NULL;
	    t = lab_task_next(lab, side, t))
		if (t->state == SIDE_BEFORE_CALL &&
		    (best == NULL || t->paused_seq < best->paused_seq))
			best = t;
	return best;
}

/* The task the side's state shows: the one a step takes (paused
 * longest), else the first while it lives, else one running, else
 * one blocked, else the first (its end is the side's). */
static struct task *
lab_side_pick(const struct lab *lab, const struct side *side)
{
	struct task *t, *blocked = NULL;

	if ((t = lab_task_paused(lab, side)) != NULL)
		return t;
	if (side->first != NULL && lab_task_alive(side->first))
		return side->first;
	for (t = lab_task_next(lab, side, NULL); t != NULL;
	    t = lab_task_next(lab, side, t)) {
		if (t->refused || !lab_task_alive(t))
			continue;
		if (t->state == SIDE_RUNNING)
			return t;
		if (blocked == NULL)
			blocked = t;
	}
	return blocked != NULL ? blocked : side->first;
}

/* The side's state and call, from its chosen task.  The call's words
 * are copied only when they changed. */
void
lab_side_sync(struct lab *lab, struct side *side)
{
	struct task *t;

	if (side == NULL || side->first == NULL)
		return;
	t = lab_side_pick(lab, side);
	side->state = t->state;
	side->in_call = t->in_call;
	side->wait_status = t->wait_status;
	side->stopped = t->stopped;
	side->stage = t->stage;
	strlcpy(side->wchan, t->wchan, sizeof side->wchan);
	if (side->cur != t || side->synced_gen != t->call_gen) {
		sc_call_clear(&side->call);
		sc_call_copy(&side->call, &t->call);
		side->cur = t;
		side->synced_gen = t->call_gen;
	}
}

void
lab_sync_all(struct lab *lab)
{
	size_t i;

	for (i = 0; i < lab->nsides; i++)
		lab_side_sync(lab, lab->sides[i]);
}
