/*
 * tui-keys.c - the steps that keys and clicks ask for (the keys
 * themselves are a table: tui-keytab.c).  A step the lab refuses
 * (the side is blocked or has exited) is a message, never an exit; the
 * guided order moves on only when its step ran, or when the student
 * took that same step by hand.
 */
#include <string.h>

#include "tui.h"

/* A step could not begin, or ended without running: why, in words. */
static void
tui_step_refused(struct tui *t, const struct step *st, const char *why)
{
	struct side *side = st->side < 0 ? NULL :
	    session_side(&t->d.s, st->side);
	struct sbuf b;

	sbuf_init(&b);
	if (t->trying_guided)
		sbuf_addf(&b, _("guided step %zu/%zu (%s) cannot run now: "),
		    t->d.guided + 1, t->d.s.nsteps, st->token);
	if (side != NULL && side->state == SIDE_BLOCKED)
		sbuf_addf(&b, _("%s is blocked in %s(), it cannot step; %s"),
		    side->name, side->call.desc->name, tui_wake_hint(side));
	else
		sbuf_add(&b, why);
	tui_message(t, true, "%s", sbuf_str(&b));
	sbuf_finish(&b);
	t->trying_guided = false;
	if (t->quiz.waiting)	/* its step could not run: no verdict */
		memset(&t->quiz, 0, sizeof t->quiz);
}

/* Begins a step; it ends in a later turn of the loop (tui_step_ended). */
static bool
tui_step_begin(struct tui *t, const struct step *st)
{
	char err[256];

	if (drive_busy(&t->d)) {
		tui_message(t, true, "%s", _("a step is still under way: "
		    "k/K ends a side, q quits"));
		return false;
	}
	if (drive_step(&t->d, st, err, sizeof err) == -1) {
		tui_step_refused(t, st, err);
		return false;
	}
	return true;
}

/* s, c, S, C, a click: one side (STEP_RUN: until it blocks). */
void
tui_step_key(struct tui *t, int index, enum step_op op)
{
	struct step st;

	step_make(&st, index, op);
	step_set_task(&st, tui_task_of(t, index));
	t->trying_guided = false;
	(void)tui_step_begin(t, &st);
}

/* A step ended (the drive said so during the loop's turn): show it. */
void
tui_step_ended(struct tui *t)
{
	const struct step *st = &t->ended_step;
	struct side *side = st->side < 0 ? NULL :
	    session_side(&t->d.s, st->side);

	t->ended = false;
	t->dirty = true;
	if (t->ended_why[0] != '\0') {
		t->msg_busy = false;
		tui_step_refused(t, st, t->ended_why);
		return;
	}
	t->trying_guided = false;
	t->stepped = true;
	if (t->msg_busy) {	/* "waiting for ..." is over */
		sbuf_reset(&t->msg);
		t->msg_error = false;
	}
	t->msg_busy = false;
	/* Taken by hand, the guided step's question is moot. */
	if (t->asked < t->d.guided)
		t->asked = (unsigned)t->d.guided;
	if (side != NULL && t->msg.len == 0)
		tui_message(t, false, _("%s stepped"), side->name);
	if (t->ended_guided)
		tui_checks_after(t, (unsigned)t->d.guided);
	if (t->quiz.waiting)
		tui_quiz_verdict(t);
}

/* space: the next step of the lesson's guided order, after its
 * question if it has one; true if a step began or a question opened. */
bool
tui_guided(struct tui *t)
{
	const struct step *st;
	struct side *side;

	if (t->d.s.nsteps == 0) {
		tui_message(t, true, "%s", _("this lesson has no guided order: "
		    "step with s and c"));
		return false;
	}
	if (t->d.guided >= t->d.s.nsteps) {
		tui_message(t, true, _("the guided order is done (%zu steps); "
		    "r starts the lesson again, l opens another"),
		    t->d.s.nsteps);
		return false;
	}
	st = &t->d.s.steps[t->d.guided];
	/* The CLIENT column follows the guided order to the client it is
	 * about to step: its question and its result are in sight. */
	if (st->side > 0 && st->side <= t->d.s.nclients)
		t->client = st->side;
	if (tui_quiz_ask(t))
		return true;
	/* Its side waits for its keyboard: the lesson asks for a line
	 * first, in the editor (the lesson's own line ready in it). */
	if (st->op != STEP_TYPE && st->op != STEP_ALL &&
	    st->op != STEP_WAIT && st->op != STEP_RESTART &&
	    (side = session_side(&t->d.s, st->side)) != NULL &&
	    side->state == SIDE_RUNNING && side->awaiting_input) {
		tui_input_open(t, st->side);
		return true;
	}
	t->trying_guided = true;
	return tui_step_begin(t, st);
}
