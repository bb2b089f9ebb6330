/*
 * tui-keys.c - what each key and click does.  A step the lab refuses
 * (the side is blocked or has exited) is a message, never an exit; the
 * guided order moves on only when its step ran, or when the student
 * took that same step by hand.
 */
#include <curses.h>
#include <string.h>

#include "tui.h"

/* A step could not begin, or ended without running: why, in words. */
static void
tui_step_refused(struct tui *t, const struct step *st, const char *why)
{
	struct side *side = st->op == STEP_ALL ? NULL :
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
	t->trying_guided = false;
	(void)tui_step_begin(t, &st);
}

/* A step ended (the drive said so during the loop's turn): show it. */
void
tui_step_ended(struct tui *t)
{
	const struct step *st = &t->ended_step;
	struct side *side = st->op == STEP_ALL ? NULL :
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
	t->trying_guided = true;
	return tui_step_begin(t, st);
}

/* k / K: end the server / the client on screen (one spinning without
 * calls cannot be stepped or run, only ended). */
static void
tui_kill(struct tui *t, int index)
{
	struct side *side = session_side(&t->d.s, index);
	char err[128];

	if (side == NULL)
		return;
	tui_kernel_remember(t);
	t->action++;
	if (lab_kill_side(t->d.s.lab, side, err, sizeof err) == -1)
		tui_message(t, true, "%s", err);
	else
		lab_pump(t->d.s.lab, 50);	/* its exit, on screen at once */
}

static void
tui_select_client(struct tui *t, int n)
{
	if (n < 1 || n > t->d.s.nclients) {
		tui_message(t, true, _("clients in this run: %d"),
		    t->d.s.nclients);
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
			tui_step_key(t, 0, STEP_ONE);
		else if (me.x > l->sep_x)
			tui_step_key(t, t->client, STEP_ONE);
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
			    t->d.s.nclients);
			break;
		}
		return;
	}
	switch (key) {
	case 's':
		tui_step_key(t, 0, STEP_ONE);
		break;
	case 'c':
		tui_step_key(t, t->client, STEP_ONE);
		break;
	case 'S':
		tui_step_key(t, 0, STEP_RUN);
		break;
	case 'C':
		tui_step_key(t, t->client, STEP_RUN);
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
		tui_back_forward(t);
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
		tui_select_client(t, t->client % t->d.s.nclients + 1);
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
