/*
 * tui.c - `sockstep [lesson NAME]`: the interactive screen.  One poll()
 * loop over the keyboard, a signalfd (resize, Ctrl-C, SIGTERM, SIGHUP)
 * and the lab's own descriptors; each turn the lab handles what
 * happened, keys are read, and the screen is drawn once if anything
 * changed.  While a call is blocked the kernel view is read again ten
 * times a second, so the queue and states move on screen by themselves.
 */
#include <curses.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sockstep.h"

#define TUI_REFRESH_MS	100	/* kernel view re-read while something moves */
#define TUI_IDLE_MS	1000	/* ... and while nothing does */
#define TUI_SETTLE_MS	5	/* a side between calls is looked at this often */

/* Open the lesson and start its programs; a failure is a user error
 * before the screen starts, a message after. */
static int
tui_session_start(struct tui *t, bool again, char *err, size_t errlen)
{
	struct options o = *t->opts;

	/* The last run's connections may hold the port (TIME-WAIT): a
	 * restart takes the next free one and says so, rather than end. */
	if (again)
		o.port_explicit = false;
	session_open(&t->s, t->lesson_name, &o);
	lab_set_observer(t->s.lab, tui_observe, t);
	if (t->s.port_note[0] != '\0')
		lab_note(t->s.lab, NULL, "%s", t->s.port_note);
	if (lab_start(t->s.lab, err, errlen) == -1)
		return -1;
	if (t->client > t->s.nclients)
		t->client = 1;
	tui_kernel_remember(t);
	t->have_prev = false;	/* nothing is "changed" before a step */
	return 0;
}

static void
tui_session_stop(struct tui *t, const char *why)
{
	if (t->s.lab == NULL)
		return;
	lab_kill_all(t->s.lab, why);
	lab_set_observer(t->s.lab, NULL, NULL);
	session_close(&t->s);
}

static void
tui_do_restart(struct tui *t)
{
	char err[512];

	t->restart = false;
	tui_session_stop(t, NULL);
	tui_view_reset(t);
	tui_lesson_reset(t);
	if (tui_session_start(t, true, err, sizeof err) == -1)
		tui_message(t, true, _("restart failed: %s"), err);
	else if (t->s.port_note[0] == '\0')
		tui_message(t, false, _("restarted %s on port %u"),
		    t->s.lesson.name, t->s.port);
	clearok(curscr, TRUE);
}

static bool
tui_moving(struct tui *t, bool *between)
{
	bool moving = false;
	size_t i;

	*between = false;
	for (i = 0; i < lab_nsides(t->s.lab); i++) {
		struct side *side = lab_side(t->s.lab, i);

		if (side->state == SIDE_BLOCKED || side->state == SIDE_RUNNING)
			moving = true;
		if (side->state == SIDE_RUNNING && side->in_call)
			*between = true;
	}
	return moving;
}

static void
tui_signals(struct tui *t)
{
	int sig;

	while ((sig = tui_signal_read(t->sigfd)) != 0) {
		if (sig == SIGWINCH)
			tui_term_resize();
		else
			t->quit = true;
		t->dirty = true;
	}
}

static void
tui_keys(struct tui *t)
{
	wint_t wch;
	int rc;

	while (!t->quit && (rc = get_wch(&wch)) != ERR) {
		tui_key(t, (int)wch, rc == KEY_CODE_YES);
		if (t->restart)
			tui_do_restart(t);
		tui_back_tick(t);
	}
}

static void
tui_loop(struct tui *t)
{
	struct pollfd pfd[SOCKSTEP_MAX_CLIENTS + 8];
	uint64_t now, next = lab_now_ms() + TUI_REFRESH_MS;
	bool first = getenv("SOCKSTEP_EXIT_AFTER_FIRST_FRAME") != NULL &&
	    strcmp(getenv("SOCKSTEP_EXIT_AFTER_FIRST_FRAME"), "1") == 0;
	bool between, moving;
	int n, timeout;

	t->dirty = true;
	while (!t->quit) {
		if (t->dirty) {
			tui_draw(t);
			t->dirty = false;
			if (first)
				break;
		}
		moving = tui_moving(t, &between);
		now = lab_now_ms();
		if (moving && next > now + TUI_REFRESH_MS)
			next = now + TUI_REFRESH_MS;
		timeout = next > now ? (int)(next - now) : 0;
		if (between && timeout > TUI_SETTLE_MS)
			timeout = TUI_SETTLE_MS;
		pfd[0].fd = STDIN_FILENO;
		pfd[0].events = POLLIN;
		pfd[1].fd = t->sigfd;
		pfd[1].events = POLLIN;
		n = 2 + lab_pollfds(t->s.lab, pfd + 2,
		    sizeof pfd / sizeof pfd[0] - 2);
		if (poll(pfd, (nfds_t)n, timeout) > 0 &&
		    (pfd[0].revents & (POLLHUP | POLLERR)))
			t->quit = true;	/* the terminal is gone */
		lab_pump(t->s.lab, 0);
		tui_signals(t);
		tui_keys(t);
		tui_back_tick(t);
		if ((now = lab_now_ms()) >= next) {
			/* A fresh look at the kernel even if no event came. */
			lab_kernel_invalidate(t->s.lab);
			t->dirty = true;
			next = now + (moving ? TUI_REFRESH_MS : TUI_IDLE_MS);
		}
	}
}

int
cmd_tui(const char *lesson, const struct options *o)
{
	struct tui t;
	char err[512];
	size_t i;

	if (!isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO))
		user_error("no terminal: use 'sockstep batch' for a "
		    "transcript without a screen");
	memset(&t, 0, sizeof t);
	t.lesson_name = lesson;
	t.opts = o;
	t.client = 1;
	sbuf_init(&t.msg);
	t.sigfd = tui_signals_open();
	tui_fatal_handlers();
	t.srcmap = srcmap_create();
	if (tui_session_start(&t, false, err, sizeof err) == -1) {
		tui_session_stop(&t, NULL);
		user_error("%s", err);
	}
	tui_term_start();
	t.projector = o->projector;
	tui_theme_init(&t);
	tui_loop(&t);
	tui_session_stop(&t, "quit");
	tui_term_stop();

	srcmap_destroy(t.srcmap);
	for (i = 0; i < sizeof t.sv / sizeof t.sv[0]; i++)
		free(t.sv[i].loc);
	free(t.rows);
	free(t.prev);
	tui_lesson_reset(&t);
	tui_menu_close(&t);
	free(t.lesson_owned);
	sbuf_finish(&t.msg);
	close(t.sigfd);
	return 0;
}
