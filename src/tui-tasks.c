/*
 * tui-tasks.c - a side's tasks on screen (issue 15 §1): one line per
 * column listing each task's number, state and call, the one s or c
 * will step marked, and t / T to choose it (as Tab and 1-9 choose the
 * client).  A program with hundreds of tasks is folded into counts.
 *
 *   tasks ▶2 read · 1 BLOCKED accept · 3 exited  +197 more, 12 paused
 */
#include <string.h>

#include "tui.h"

/* The task the chosen one names, if it still lives; else auto. */
static struct task *
tui_task_chosen(struct tui *t, const struct side *side)
{
	unsigned num = t->task[side->index];
	struct task *tk;

	if (num == 0)
		return NULL;
	tk = lab_task_by_num(t->d.s.lab, side, num);
	if (tk == NULL || tk->state == SIDE_EXITED ||
	    tk->state == SIDE_KILLED) {
		t->task[side->index] = 0;
		return NULL;
	}
	return tk;
}

/* Which task a step of this side takes: 0 for the side's own choice
 * (the task paused longest). */
unsigned
tui_task_of(struct tui *t, int index)
{
	struct side *side = session_side(&t->d.s, index);
	struct task *tk;

	if (side == NULL || (tk = tui_task_chosen(t, side)) == NULL)
		return 0;
	return tk->num;
}

/* "2 read", "1 BLOCKED accept", "3 exited" */
static void
tui_task_words(struct sbuf *b, const struct task *tk)
{
	const char *call = tk->call.desc != NULL ? tk->call.desc->name : NULL;

	sbuf_addf(b, "%u ", tk->num);
	switch (tk->state) {
	case SIDE_BEFORE_CALL:
		sbuf_addf(b, "%s", call != NULL ? call : "?");
		break;
	case SIDE_BLOCKED:
		sbuf_addf(b, _("BLOCKED %s"), call != NULL ? call : "?");
		break;
	case SIDE_RUNNING:
		sbuf_add(b, _("running"));
		break;
	case SIDE_EXITED:
		sbuf_add(b, _("exited"));
		break;
	case SIDE_KILLED:
		sbuf_add(b, _("killed"));
		break;
	default:
		sbuf_add(b, "?");
		break;
	}
}

static enum tui_role
tui_task_role(const struct task *tk)
{
	switch (tk->state) {
	case SIDE_BEFORE_CALL:
		return TR_PENDING;
	case SIDE_BLOCKED:
		return TR_BLOCKED;
	case SIDE_RUNNING:
		return TR_NORMAL;
	default:
		return TR_DIM;
	}
}

/*
 * The tasks line of a side with more than one task.  The one a step
 * takes comes first (marked), then the live ones, then ended ones, as
 * many as fit; the rest are counted.
 */
void
tui_draw_tasks(struct tui *t, struct side *side, int y, int x, int w)
{
	struct lab *lab = t->d.s.lab;
	struct task *chosen = tui_task_chosen(t, side), *tk, *next;
	unsigned shown = 0, left = 0, lpaused = 0, pass;
	struct sbuf b, rest;
	int used, need;

	next = chosen != NULL ? chosen : lab_task_paused(lab, side);
	if (next == NULL)
		next = side->cur;
	sbuf_init(&b);
	sbuf_init(&rest);
	tui_style(TR_DIM);
	used = tui_put(y, x, w, _("tasks "));
	/* Pass 0: the next one; 1: the live ones; 2: the ended ones. */
	for (pass = 0; pass < 3; pass++) {
		for (tk = lab_task_next(lab, side, NULL); tk != NULL;
		    tk = lab_task_next(lab, side, tk)) {
			bool live = tk->state != SIDE_EXITED &&
			    tk->state != SIDE_KILLED;

			if ((pass == 0) != (tk == next) ||
			    (pass == 1 && !live) || (pass == 2 && live))
				continue;
			sbuf_reset(&b);
			if (shown > 0)
				sbuf_add(&b, " · ");
			if (tk == next)
				sbuf_add(&b, tui_glyph(TG_MARK));
			tui_task_words(&b, tk);
			/* Room kept for the count of those left out. */
			need = tui_width(sbuf_str(&b)) + 14;
			if (left > 0 || used + need > w) {
				left++;
				lpaused += tk->state == SIDE_BEFORE_CALL;
				continue;
			}
			tui_style(tk == next ? TR_HEADER : tui_task_role(tk));
			used += tui_put(y, x + used, w - used, sbuf_str(&b));
			shown++;
		}
	}
	if (left > 0) {
		sbuf_addf(&rest, _("  +%u more"), left);
		if (lpaused > 0)
			sbuf_addf(&rest, _(", %u paused"), lpaused);
		tui_style(TR_DIM);
		tui_put(y, x + used, w - used, sbuf_str(&rest));
	}
	tui_style(TR_NORMAL);
	sbuf_finish(&b);
	sbuf_finish(&rest);
}

/* t / T: the server's, the shown client's task to step next, in turn:
 * the paused-longest rule, then each live task by number. */
void
tui_key_task(struct tui *t, int key, bool is_code)
{
	int index = key == 't' ? 0 : t->client;
	struct side *side = session_side(&t->d.s, index);
	struct task *tk, *cur;

	(void)is_code;
	if (side == NULL)
		return;
	cur = tui_task_chosen(t, side);
	tk = lab_task_next(t->d.s.lab, side, cur);
	while (tk != NULL && (tk->state == SIDE_EXITED ||
	    tk->state == SIDE_KILLED))
		tk = lab_task_next(t->d.s.lab, side, tk);
	if (tk != NULL && cur == NULL && side->ntasks <= 1)
		tk = NULL;	/* one task: nothing to choose */
	t->task[index] = tk != NULL ? tk->num : 0;
	if (tk != NULL)
		tui_message(t, false, _("%s steps %s (%s: in turn)"),
		    index == 0 ? "s" : "c", tk->name, key == 't' ? "t" : "T");
	else
		tui_message(t, false, _("%s steps the task of %s paused "
		    "longest"), index == 0 ? "s" : "c", side->name);
}
