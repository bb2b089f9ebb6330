/*
 * lab-spin.c - a side that runs without making any call (a busy loop)
 * cannot be stepped and never blocks; one asleep with a timeout longer
 * than the lab waits is left asleep: say so in words.
 */
#include "model.h"
#include "lab-private.h"

/* Notes each side that is running, outside any call, on a CPU. */
void
lab_note_spinners(struct lab *lab)
{
	char st, wchan[64];
	long nr;
	size_t i;

	for (i = 0; i < lab->nsides; i++) {
		struct side *side = lab->sides[i];

		if (side->state != SIDE_RUNNING || side->in_call)
			continue;
		if (sock_proc_sleep(lab->kv.procf, side->pid, &st, &nr, wchan,
		    sizeof wchan) == -1 || st != 'R')
			continue;
		lab_note(lab, side, "%s is running without making any call "
		    "(for %d s): it cannot be stepped until it makes one",
		    side->name, LAB_SETTLE_MS / 1000);
	}
}

/* Notes each side asleep in a call with a timeout, past the LAB_SLEEP_MS
 * the lab waits for such a sleep (a sleep(10), a poll of a minute). */
void
lab_note_sleepers(struct lab *lab)
{
	char st, wchan[64];
	uint64_t args[6];
	long nr = -1;
	size_t i;

	for (i = 0; i < lab->nsides; i++) {
		struct side *side = lab->sides[i];
		const struct sc_desc *d;

		if ((side->state != SIDE_RUNNING || side->in_call) &&
		    side->state != SIDE_BLOCKED)
			continue;
		if (sock_proc_sleep(lab->kv.procf, side->pid, &st, &nr, wchan,
		    sizeof wchan) == -1 || (st != 'S' && st != 'D') ||
		    !lab_side_timed(lab, side))
			continue;
		if (side->state == SIDE_BLOCKED)
			d = side->call.desc;
		else
			d = sock_proc_syscall(lab->kv.procf, side->pid, &nr,
			    args) == 0 ? sc_lookup(nr) : NULL;
		lab_note(lab, side, "%s is asleep%s%s%s with a timeout longer "
		    "than the %d s the lab waits for one", side->name,
		    d != NULL ? " in " : "", d != NULL ? d->name : "",
		    d != NULL ? "()" : "", LAB_SLEEP_MS / 1000);
	}
}
