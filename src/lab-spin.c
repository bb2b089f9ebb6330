/*
 * lab-spin.c - a task that runs without making any call (a busy loop)
 * cannot be stepped and never blocks; one asleep with a timeout longer
 * than the lab waits is left asleep: say so in words.
 */
#include "model.h"
#include "lab-private.h"

/* Notes each task that is running, outside any call, on a CPU. */
void
lab_note_spinners(struct lab *lab)
{
	char st, wchan[64];
	struct task *t;
	long nr;

	TAILQ_FOREACH(t, &lab->tasks, entry) {
		if (t->side == NULL || t->state != SIDE_RUNNING || t->in_call)
			continue;
		if (sock_proc_sleep(lab->kv.procf, t->tid, &st, &nr, wchan,
		    sizeof wchan) == -1 || st != 'R')
			continue;
		lab_note(lab, t->side, "%s is running without making any call "
		    "(for %d s): it cannot be stepped until it makes one",
		    t->name, LAB_SETTLE_MS / 1000);
	}
}

/* Notes each task asleep in a call with a timeout, past the LAB_SLEEP_MS
 * the lab waits for such a sleep (a sleep(10), a poll of a minute). */
void
lab_note_sleepers(struct lab *lab)
{
	char st, wchan[64];
	uint64_t args[6];
	struct task *t;
	long nr = -1;

	TAILQ_FOREACH(t, &lab->tasks, entry) {
		const struct sc_desc *d;

		if (t->side == NULL || ((t->state != SIDE_RUNNING ||
		    t->in_call) && t->state != SIDE_BLOCKED))
			continue;
		if (sock_proc_sleep(lab->kv.procf, t->tid, &st, &nr, wchan,
		    sizeof wchan) == -1 || (st != 'S' && st != 'D') ||
		    !lab_task_timed(lab, t))
			continue;
		if (t->state == SIDE_BLOCKED)
			d = t->call.desc;
		else
			d = sock_proc_syscall(lab->kv.procf, t->tid, &nr,
			    args) == 0 ? sc_lookup(nr) : NULL;
		lab_note(lab, t->side, "%s is asleep%s%s%s with a timeout "
		    "longer than the %d s the lab waits for one", t->name,
		    d != NULL ? " in " : "", d != NULL ? d->name : "",
		    d != NULL ? "()" : "", LAB_SLEEP_MS / 1000);
	}
}
