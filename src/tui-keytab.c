/*
 * tui-keytab.c - the keys, as one table.  A row gives a key's dispatch,
 * its entry in the key bar and its line in the `?` help; the three are
 * made from the table here, so a new key is one row (and its handler).
 * Overlays (help, a lesson's question, the lesson menu) see a key first;
 * q quits from all of them.
 */
#include <curses.h>
#include <string.h>

#include "tui.h"

/* The key bar, from roomy to narrow: the first fit that fits is drawn. */
enum tui_bar_fit {
	TB_LONG = 0,		/* long labels, keys padded */
	TB_BRIEF,		/* brief labels (80 columns) */
	TB_TIGHT,		/* ... keys unpadded */
	TB_FEWER,		/* ... rows that .drop here left out (? lists
				 * every key) */
	TB_FEWEST		/* ... and these: for a long guided step
				 * ("c@getsockname") at 80 columns */
};

struct tui_keyrow {
	const char	*chars;		/* its character keys, or NULL */
	int		 codes[4];	/* its curses KEY_ codes; 0 ends */
	void		(*run)(struct tui *, int key, bool is_code);
	bool		 now;		/* acts even while a step is under way */
	/* The key bar; not there if bar is NULL. */
	const char	*bar;		/* the key, as the bar shows it */
	const char	*label;		/* N_(): roomy */
	const char	*brief;		/* N_(): 80 columns */
	void		(*label_of)(const struct tui *, bool brief, char *,
			    size_t);	/* a label that changes, instead */
	enum tui_bar_fit drop;		/* from this fit on, left out; 0 never */
	bool		 clients;	/* only with two clients or more */
	bool		 tasks;		/* only when a side has two tasks */
	/* Its line in `?`; NULL: none, or told on an earlier row's line. */
	const char	*help;		/* N_() */
};

/* s, c, S, C: step, or run until blocked, the server or the client. */
static void
tui_key_step(struct tui *t, int key, bool is_code)
{
	(void)is_code;
	tui_step_key(t, key == 's' || key == 'S' ? 0 : t->client,
	    key == 'S' || key == 'C' ? STEP_RUN : STEP_ONE);
}

/* w: let the kernel's timers act until a blocked call returns. */
static void
tui_key_wait(struct tui *t, int key, bool is_code)
{
	(void)key;
	(void)is_code;
	tui_step_key(t, -1, STEP_WAIT);
}

static void
tui_key_guided(struct tui *t, int key, bool is_code)
{
	(void)key;
	(void)is_code;
	(void)tui_guided(t);
}

/* 1-9, Tab, BackTab: the client the CLIENT column shows. */
static void
tui_key_client(struct tui *t, int key, bool is_code)
{
	int n;

	if (is_code)		/* BackTab */
		n = t->client > 1 ? t->client - 1 : t->d.s.nclients;
	else if (key == '\t')
		n = t->client % t->d.s.nclients + 1;
	else
		n = key - '0';
	if (n < 1 || n > t->d.s.nclients) {
		tui_message(t, true, _("clients in this run: %d"),
		    t->d.s.nclients);
		return;
	}
	t->client = n;
	tui_message(t, false, _("the CLIENT column shows client %d"), n);
}

static void
tui_key_back(struct tui *t, int key, bool is_code)
{
	(void)is_code;
	if (key == 'b')
		tui_back_back(t);
	else
		tui_back_forward(t);
}

static void
tui_key_projector(struct tui *t, int key, bool is_code)
{
	(void)key;
	(void)is_code;
	t->projector = !t->projector;
	tui_theme_init(t);
	clearok(curscr, TRUE);
	tui_message(t, false, "%s", t->projector ?
	    _("projector theme: high contrast, big gauges, the lab's "
	    "own sockets only (p again: default)") :
	    _("default theme"));
}

/* A click on a column steps that side; the wheel scrolls the timeline. */
static void
tui_key_mouse(struct tui *t, int key, bool is_code)
{
	const struct tui_layout *l = &t->lay;
	MEVENT me;
	int n = 1, i;

	(void)key;
	(void)is_code;
	if (getmouse(&me) != OK || l->too_small)
		return;
	if (me.bstate & BUTTON4_PRESSED) {
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

/* PgUp, PgDn, Home, End: the timeline, counted in rows back from now. */
static void
tui_key_scroll(struct tui *t, int key, bool is_code)
{
	size_t n = t->nrows < TUI_ROWS_MAX ? t->nrows : TUI_ROWS_MAX;
	size_t page = (size_t)(t->lay.timeline.h > 2 ?
	    t->lay.timeline.h - 2 : 1);

	(void)is_code;
	if (key == KEY_PPAGE)
		t->scroll = t->scroll + page > n ? n : t->scroll + page;
	else if (key == KEY_NPAGE)
		t->scroll -= t->scroll < (size_t)t->lay.timeline.h ?
		    t->scroll : (size_t)(t->lay.timeline.h - 2);
	else
		t->scroll = key == KEY_HOME ? n : 0;
}

/* i / I: type a line into the client on screen / the server. */
static void
tui_key_type(struct tui *t, int key, bool is_code)
{
	(void)is_code;
	tui_input_open(t, key == 'I' ? 0 : t->client);
}

static void
tui_key_restart(struct tui *t, int key, bool is_code)
{
	(void)key;
	(void)is_code;
	t->restart = true;
}

static void
tui_key_menu(struct tui *t, int key, bool is_code)
{
	(void)key;
	(void)is_code;
	tui_menu_open(t);
}

static void
tui_key_open_help(struct tui *t, int key, bool is_code)
{
	(void)key;
	(void)is_code;
	t->help = true;
}

/* k / K: end the server / the client on screen (one spinning without
 * calls cannot be stepped or run, only ended). */
static void
tui_key_kill(struct tui *t, int key, bool is_code)
{
	struct side *side = session_side(&t->d.s, key == 'k' ? 0 : t->client);
	char err[128];

	(void)is_code;
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
tui_key_quit(struct tui *t, int key, bool is_code)
{
	(void)key;
	(void)is_code;
	t->quit = true;
}

static void
tui_key_redraw(struct tui *t, int key, bool is_code)
{
	(void)t;
	(void)key;
	(void)is_code;
	clearok(curscr, TRUE);
}

/* "step client 2", or "client 2" when brief; no number with one. */
static void
tui_label_client(const struct tui *t, bool brief, char *buf, size_t len)
{
	if (t->d.s.nclients > 1)
		snprintf(buf, len, brief ? _("client %d") : _("step client %d"),
		    t->client);
	else
		snprintf(buf, len, "%s", brief ? _("client") :
		    _("step client"));
}

/* "type into client", or "client waits: type" when one waits for input */
static void
tui_label_type(const struct tui *t, bool brief, char *buf, size_t len)
{
	struct side *side = session_side((struct session *)&t->d.s,
	    t->client);
	struct side *server = session_side((struct session *)&t->d.s, 0);

	if (side != NULL && side->state == SIDE_RUNNING &&
	    side->awaiting_input)
		snprintf(buf, len, "%s", brief ? _("type (waits)") :
		    _("type: client waits for input"));
	else if (server != NULL && server->state == SIDE_RUNNING &&
	    server->awaiting_input)	/* I types into the server */
		snprintf(buf, len, "%s", brief ? _("type (I: server)") :
		    _("type (I: the server waits for input)"));
	else
		snprintf(buf, len, "%s", brief ? _("type") :
		    _("type into client"));
}

/* "guided: c", the next token of the lesson's guided order. */
static void
tui_label_guided(const struct tui *t, bool brief, char *buf, size_t len)
{
	(void)brief;
	if (t->d.s.nsteps == 0)
		snprintf(buf, len, "%s", _("guided: none"));
	else if (t->d.guided >= t->d.s.nsteps)
		snprintf(buf, len, "%s", _("guided: done"));
	else
		snprintf(buf, len, _("guided: %s"),
		    t->d.s.steps[t->d.guided].token);
}

/*
 * The keys.  The key bar shows the rows with .bar, in this order; the
 * help's key list is the rows' .help lines, in this order.  Two or three
 * keys share a help line so that `?` fits 80x24 whole.
 */
static const struct tui_keyrow tui_keytab[] = {
	{ .chars = "s", .run = tui_key_step,
	  .bar = "s", .label = N_("step server"), .brief = N_("server"),
	  .help = N_("  s        step the server: run its call, pause before "
	  "the next") },
	{ .chars = "c", .run = tui_key_step,
	  .bar = "c", .label_of = tui_label_client,
	  .help = N_("  c        step the client (1-9 or Tab choose among "
	  "clients)") },
	{ .chars = "iI", .run = tui_key_type,
	  .bar = "i", .label_of = tui_label_type,
	  .help = N_("  i / I    type a line into the client / server "
	  "(Ctrl-D: EOF)") },
	{ .chars = "SC", .run = tui_key_step,
	  .bar = "S/C", .label = N_("run until blocked"), .brief = N_("run"),
	  .help = N_("  S / C    run that side until it blocks or exits") },
	{ .chars = " ", .run = tui_key_guided,
	  .bar = "space", .label_of = tui_label_guided,
	  .help = N_("  space    the next step of the lesson's guided order") },
	/* 1-9 also answer a lesson's question (tui-quiz.c); the line
	 * tells l too, as the next one tells p, and r's tells k/K and q. */
	{ .chars = "123456789\t", .codes = { KEY_BTAB }, .run = tui_key_client,
	  .bar = "1-9/Tab", .label = N_("client"), .brief = N_("client"),
	  .drop = TB_BRIEF, .clients = true,
	  .help = N_("  1-9      answer the lesson's question    l  the lesson "
	  "menu") },
	{ .chars = "bf", .run = tui_key_back,
	  .help = N_("  b / f    step back (replayed) / forward  p  projector "
	  "theme") },
	{ .chars = "p", .run = tui_key_projector },
	{ .codes = { KEY_MOUSE }, .run = tui_key_mouse,
	  .help = N_("  click    on a column steps it   t / T  the task s / c "
	  "step") },
	{ .chars = "tT", .run = tui_key_task,
	  .bar = "t/T", .label = N_("task"), .brief = N_("task"),
	  .drop = TB_FEWER, .tasks = true },
	{ .codes = { KEY_PPAGE, KEY_NPAGE, KEY_HOME, KEY_END },
	  .run = tui_key_scroll,
	  .help = N_("  PgUp/PgDn/End  scroll the timeline    w  wait for a "
	  "blocked call to return") },
	{ .chars = "w", .run = tui_key_wait },
	{ .chars = "r", .run = tui_key_restart,
	  .bar = "r", .label = N_("restart"), .brief = N_("restart"),
	  .drop = TB_FEWEST,
	  .help = N_("  r        restart    k / K  end the server / client    "
	  "q  quit") },
	{ .chars = "l", .run = tui_key_menu,
	  .bar = "l", .label = N_("lessons"), .brief = N_("lessons"),
	  .drop = TB_FEWER },
	{ .chars = "?", .run = tui_key_open_help,
	  .bar = "?", .label = N_("help"), .brief = N_("help") },
	{ .chars = "kK", .run = tui_key_kill, .now = true },
	{ .chars = "qQ", .run = tui_key_quit, .now = true,
	  .bar = "q", .label = N_("quit"), .brief = N_("quit") },
	{ .chars = "\f", .run = tui_key_redraw },	/* Ctrl-L */
};
#define TUI_NKEYS (sizeof tui_keytab / sizeof tui_keytab[0])

static const struct tui_keyrow *
tui_keyrow(int key, bool is_code)
{
	const struct tui_keyrow *k;
	size_t i, j;

	for (i = 0; i < TUI_NKEYS; i++) {
		k = &tui_keytab[i];
		if (!is_code && key > 0 && key < 0x80 && k->chars != NULL &&
		    strchr(k->chars, key) != NULL)
			return k;
		for (j = 0; is_code && j < 4 && k->codes[j] != 0; j++)
			if (k->codes[j] == key)
				return k;
	}
	return NULL;
}

/* Keys that act at once, even while a step is under way (tui.c). */
bool
tui_key_at_once(int key, bool is_code)
{
	const struct tui_keyrow *k = tui_keyrow(key, is_code);

	return k != NULL && k->now;
}

void
tui_key(struct tui *t, int key, bool is_code)
{
	const struct tui_keyrow *k;

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
	if (tui_input_key(t, key, is_code) || tui_quiz_key(t, key, is_code) ||
	    tui_menu_key(t, key, is_code))
		return;
	if ((k = tui_keyrow(key, is_code)) != NULL)
		k->run(t, key, is_code);
	else if (!is_code)
		tui_message(t, true, "%s", _("no command on that key: "
		    "? shows the keys"));
}

/* The help's key list: its lines (to translate), in order. */
size_t
tui_key_help(const char **lines, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < TUI_NKEYS && n < max; i++)
		if (tui_keytab[i].help != NULL)
			lines[n++] = tui_keytab[i].help;
	return n;
}

static bool
tui_bar_tasks(const struct tui *t)
{
	size_t i;

	for (i = 0; t->d.s.lab != NULL && i < lab_nsides(t->d.s.lab); i++)
		if (lab_side(t->d.s.lab, i)->ntasks > 1)
			return true;
	return false;
}

static bool
tui_bar_has(const struct tui *t, const struct tui_keyrow *k,
    enum tui_bar_fit fit)
{
	return k->bar != NULL && (!k->clients || t->d.s.nclients > 1) &&
	    (!k->tasks || tui_bar_tasks(t)) &&
	    (k->drop == 0 || fit < k->drop);
}

static const char *
tui_bar_label(const struct tui *t, const struct tui_keyrow *k, bool brief,
    char *buf, size_t len)
{
	if (k->label_of == NULL)
		return _(brief ? k->brief : k->label);
	k->label_of(t, brief, buf, len);
	return buf;
}

/* pad: a space either side of the key, when there is room for it. */
static int
tui_bar_item(int y, int x, int w, const char *key, const char *label,
    bool pad)
{
	int used;

	if (w <= 0)
		return 0;
	tui_style(TR_KEY);
	used = tui_putf(y, x, w, pad ? " %s " : "%s", key);
	tui_style(TR_NORMAL);
	used += tui_putf(y, x + used, w - used, " %s  ", label);
	return used;
}

/* The key bar: long labels if they all fit, else brief ones, else
 * unpadded keys, else fewer keys (? lists every key); the fewest are
 * drawn even if they do not fit. */
void
tui_draw_keys(struct tui *t, const struct tui_rect *r)
{
	enum tui_bar_fit fit;
	char buf[64];
	size_t i;
	int x, width;

	for (fit = TB_LONG; fit < TB_FEWEST; fit++) {
		width = 0;
		for (i = 0; i < TUI_NKEYS; i++) {
			const struct tui_keyrow *k = &tui_keytab[i];

			if (!tui_bar_has(t, k, fit))
				continue;
			width += tui_width(k->bar) + (fit < TB_TIGHT ? 2 : 0) +
			    tui_width(tui_bar_label(t, k, fit != TB_LONG, buf,
			    sizeof buf)) + 3;
		}
		if (width <= r->w)
			break;
	}
	x = r->x;
	for (i = 0; i < TUI_NKEYS; i++) {
		const struct tui_keyrow *k = &tui_keytab[i];

		if (tui_bar_has(t, k, fit))
			x += tui_bar_item(r->y, x, r->x + r->w - x, k->bar,
			    tui_bar_label(t, k, fit != TB_LONG, buf,
			    sizeof buf), fit < TB_TIGHT);
	}
}
