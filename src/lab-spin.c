/*
 * lab-spin.c - a side that runs without making any call (a busy loop)
 * cannot be stepped and never blocks; say so in words, once per run.
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
