/*
 * tui-keys.c - what each key and click does.  A step the lab refuses
 * (the side is blocked or has exited) is a message, never an exit; the
 * guided order moves on only when its step ran, or when the student
 * took that same step by hand.
 */
#include <curses.h>
#include <string.h>

#include "sockstep.h"

/* Steps side index (STEP_RUN: until it blocks); true if it ran. */
static bool
tui_step(struct tui *t, int index, enum step_op op)
{
	struct side *side = session_side(&t->s, index);
	char err[256];
	int rc;

	if (op == STEP_ALL) {
		tui_kernel_remember(t);
		t->action++;
		if (lab_run_all(t->s.lab, err, sizeof err) == -1) {
			tui_message(t, true, "%s", err);
			return false;
		}
		t->stepped = true;
		return true;
	}
	if (side == NULL) {
		tui_message(t, true, "%s", index == 0 ?
		    _("this lesson has no server") :
		    _("this lesson has no such client"));
		return false;
	}
	tui_kernel_remember(t);
	t->action++;
	rc = op == STEP_RUN ? lab_run(t->s.lab, side, err, sizeof err) :
	    lab_step(t->s.lab, side, err, sizeof err);
	if (rc == -1) {
		if (side->state == SIDE_BLOCKED)
			tui_message(t, true, _("%s is blocked in %s(), it "
			    "cannot step; %s"), side->name, side->call.desc->name,
			    tui_wake_hint(side));
		else
			tui_message(t, true, "%s", err);
		return false;
	}
	tui_back_stepped(t, index, op);
	t->stepped = true;
	if (t->msg.len == 0)
		tui_message(t, false, _("%s stepped"), side->name);
	return true;
}

/* A step by hand that is the guided order's next one counts for it. */
static void
tui_step_by_hand(struct tui *t, int index, enum step_op op)
{
	const struct step *next = t->guided < t->s.nsteps ?
	    &t->s.steps[t->guided] : NULL;

	if (tui_step(t, index, op) && next != NULL && next->side == index &&
	    next->op == op) {
		/* Taken by hand, its question is moot; its checks still hold. */
		t->asked = (unsigned)++t->guided;
		tui_checks_after(t, (unsigned)t->guided);
	}
}

/* space: the next step of the lesson's guided order, after its
 * question if it has one; true if a step ran or a question opened. */
bool
tui_guided(struct tui *t)
{
	const struct step *st;
	char what[96];

	if (t->s.nsteps == 0) {
		tui_message(t, true, "%s", _("this lesson has no guided order: "
		    "step with s and c"));
		return false;
	}
	if (t->guided >= t->s.nsteps) {
		tui_message(t, true, _("the guided order is done (%zu steps); "
		    "r starts the lesson again, l opens another"), t->s.nsteps);
		return false;
	}
	st = &t->s.steps[t->guided];
	/* The CLIENT column follows the guided order to the client it is
	 * about to step: its question and its result are in sight. */
	if (st->side > 0 && st->side <= t->s.nclients)
		t->client = st->side;
	if (tui_quiz_ask(t))
		return true;
	snprintf(what, sizeof what, "guided step %zu/%zu (%s)",
	    t->guided + 1, t->s.nsteps, st->token);
	if (tui_step(t, st->side, st->op)) {
		t->guided++;
		tui_checks_after(t, (unsigned)t->guided);
		return true;
	}
	/* Say which step could not run, then why. */
	{
		struct sbuf b;

		sbuf_init(&b);
		sbuf_addf(&b, "%s cannot run now: %s", what, sbuf_str(&t->msg));
		sbuf_reset(&t->msg);
		sbuf_add(&t->msg, sbuf_str(&b));
		sbuf_finish(&b);
	}
	return false;
}

/* k / K: end the server / the client on screen (one spinning without
 * calls cannot be stepped or run, only ended). */
static void
tui_kill(struct tui *t, int index)
{
	struct side *side = session_side(&t->s, index);
	char err[128];

	if (side == NULL)
		return;
	tui_kernel_remember(t);
	t->action++;
	if (lab_kill_side(t->s.lab, side, err, sizeof err) == -1)
		tui_message(t, true, "%s", err);
	else
		lab_pump(t->s.lab, 50);	/* its exit, on screen at once */
}

static void
tui_select_client(struct tui *t, int n)
{
	if (n < 1 || n > t->s.nclients) {
		tui_message(t, true, _("clients in this run: %d"),
		    t->s.nclients);
		return;
	}
	t->client = n;
	tui_message(t, false, _("the CLIENT column shows client %d"), n);
}

static void
tui_mouse(struct tui *t)
{
	const struct tui_layout *l = &t->lay;
	MEVENT me;
	int n = 1, i;

	if (getmouse(&me) != OK || l->too_small)
		return;
	if (me.bstate & BUTTON4_PRESSED) {	/* the wheel: the timeline */
		tui_key(t, KEY_PPAGE, true);
		return;
	}
	if (me.bstate & BUTTON5_PRESSED) {
		tui_key(t, KEY_NPAGE, true);
		return;
	}
	/* A press and its release read together come as one click. */
	if (me.bstate & BUTTON1_TRIPLE_CLICKED)
		n = 3;
	else if (me.bstate & BUTTON1_DOUBLE_CLICKED)
		n = 2;
	else if (!(me.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)))
		return;
	if (me.y < l->side[0].y || me.y >= l->side[0].y + l->side[0].h)
		return;
	for (i = 0; i < n; i++) {
		if (me.x < l->sep_x)
			tui_step_by_hand(t, 0, STEP_ONE);
		else if (me.x > l->sep_x)
			tui_step_by_hand(t, t->client, STEP_ONE);
	}
}

void
tui_key(struct tui *t, int key, bool is_code)
{
	size_t n = t->nrows < TUI_ROWS_MAX ? t->nrows : TUI_ROWS_MAX;

	t->dirty = true;
	if (is_code && key == KEY_RESIZE)
		return;
	sbuf_reset(&t->msg);
	t->msg_error = false;
	if (t->help) {		/* any key closes help; q still quits */
		t->help = false;
		if (is_code || (key != 'q' && key != 'Q'))
			return;
	}
	if (tui_quiz_key(t, key, is_code) || tui_menu_key(t, key, is_code))
		return;
	if (is_code) {
		switch (key) {
		case KEY_MOUSE:
			tui_mouse(t);
			break;
		case KEY_PPAGE:
			t->scroll += (size_t)(t->lay.timeline.h > 2 ?
			    t->lay.timeline.h - 2 : 1);
			if (t->scroll > n)
				t->scroll = n;
			break;
		case KEY_NPAGE:
			t->scroll -= t->scroll < (size_t)t->lay.timeline.h ?
			    t->scroll : (size_t)(t->lay.timeline.h - 2);
			break;
		case KEY_HOME:
			t->scroll = n;
			break;
		case KEY_END:
			t->scroll = 0;
			break;
		case KEY_BTAB:
			tui_select_client(t, t->client > 1 ? t->client - 1 :
			    t->s.nclients);
			break;
		}
		return;
	}
	switch (key) {
	case 's':
		tui_step_by_hand(t, 0, STEP_ONE);
		break;
	case 'c':
		tui_step_by_hand(t, t->client, STEP_ONE);
		break;
	case 'S':
		tui_step_by_hand(t, 0, STEP_RUN);
		break;
	case 'C':
		tui_step_by_hand(t, t->client, STEP_RUN);
		break;
	case ' ':
		tui_guided(t);
		break;
	case 'r':
		t->restart = true;
		break;
	case 'b':
		tui_back_back(t);
		break;
	case 'f':
		tui_back_forward(t, tui_step_by_hand);
		break;
	case '?':
		t->help = true;
		break;
	case 'l':
		tui_menu_open(t);
		break;
	case 'k':
	case 'K':
		tui_kill(t, key == 'k' ? 0 : t->client);
		break;
	case 'p':
		t->projector = !t->projector;
		tui_theme_init(t);
		clearok(curscr, TRUE);
		tui_message(t, false, "%s", t->projector ?
		    _("projector theme: high contrast, big gauges, the lab's "
		    "own sockets only (p again: default)") :
		    _("default theme"));
		break;
	case 'q':
	case 'Q':
		t->quit = true;
		break;
	case '\t':
		tui_select_client(t, t->client % t->s.nclients + 1);
		break;
	case '\f':		/* Ctrl-L */
		clearok(curscr, TRUE);
		break;
	default:
		if (key >= '1' && key <= '9')
			tui_select_client(t, key - '0');
		else
			tui_message(t, true, "%s", _("no command on that key: "
			    "? shows the keys"));
		break;
	}
}
