/*
 * tui.c - `sockstep [lesson NAME]`: the interactive screen.  One poll()
 * loop over the keyboard, a signalfd (resize, Ctrl-C, SIGTERM, SIGHUP)
 * and the lab's own descriptors.  Each turn: the drive moves the step
 * under way on (never waiting inside it), keys are read, a step that
 * ended is shown, and the screen is drawn once if anything changed.
 * So q, Ctrl-C and k work at any moment, even while a side spins for
 * ten seconds or a replay runs.  While a call is blocked the kernel
 * view is read again ten times a second, so the queue and states move
 * on screen by themselves.
 */
#include <curses.h>
#include <errno.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui.h"

#define TUI_REFRESH_MS	100	/* kernel view re-read while something moves */
#define TUI_IDLE_MS	1000	/* ... and while nothing does */
#define TUI_SETTLE_MS	5	/* a side between calls is looked at this often */
#define TUI_BUSY_SHOW_MS 300	/* a step this long says what it waits for */

static void	tui_on_begin(struct drive *, const struct step *, void *);
static void	tui_on_stepped(struct drive *, const struct step *, bool,
		    const char *, void *);
static void	tui_on_checked(struct drive *, unsigned,
		    const struct lesson_check *, enum check_result,
		    const char *, void *);

static const struct drive_hooks tui_hooks = {
	.begin = tui_on_begin,
	.stepped = tui_on_stepped,
	.checked = tui_on_checked,
	.replayed = tui_replayed,
};

/* Before any step, the kernel as it was: the next frame marks changes. */
static void
tui_on_begin(struct drive *d, const struct step *st, void *arg)
{
	struct tui *t = arg;

	(void)st;
	/* A replay out of sight: only its last step is "the last step". */
	if (!d->replaying || d->pos + 1 == d->replay_want)
		tui_kernel_remember(t);
	t->action++;
	t->busy_since = lab_now_ms();
}

/* Noted here, shown by the loop once the step's checks have run too. */
static void
tui_on_stepped(struct drive *d, const struct step *st, bool guided,
    const char *why, void *arg)
{
	struct tui *t = arg;

	if (d->replaying)
		return;
	t->ended = true;
	t->ended_step = *st;
	t->ended_guided = guided;
	strlcpy(t->ended_why, why != NULL ? why : "", sizeof t->ended_why);
	t->held_now = t->failed_now = 0;
	t->quiz.checks[0] = '\0';
}

static void
tui_on_checked(struct drive *d, unsigned point, const struct lesson_check *c,
    enum check_result r, const char *why, void *arg)
{
	struct tui *t = arg;
	struct sbuf row;
	bool ok = r == CHECK_HELD;

	(void)d;
	(void)point;
	sbuf_init(&row);
	if (r == CHECK_SKIPPED) {
		/* Neither held nor failed: dim, with why (the wire lane
		 * says the same of the capture). */
		sbuf_addf(&row, _("%s check %s: not evaluated, %s"),
		    tui_glyph(TG_DASH), c->expr, why);
		tui_row_text(t, -1, TR_DIM, sbuf_str(&row));
		sbuf_finish(&row);
		return;
	}
	if (!ok && t->failed_now++ == 0) {
		/* cut to fit: the timeline row has it all */
		sbuf_addf(&row, _("check '%s' failed: %s"), c->expr, why);
		strlcpy(t->quiz.checks, sbuf_str(&row), sizeof t->quiz.checks);
		sbuf_reset(&row);
	}
	if (ok)
		t->held_now++;
	sbuf_addf(&row, _("%s check %s"), tui_glyph(ok ? TG_DONE : TG_MARK),
	    c->expr);
	if (!ok)
		sbuf_addf(&row, _(": failed, %s"), why);
	tui_row_text(t, -1, ok ? TR_OK : TR_ERROR, sbuf_str(&row));
	sbuf_finish(&row);
}

static int
tui_session_start(struct tui *t, char *err, size_t errlen)
{
	if (drive_open(&t->d, t->lesson_name, t->opts, &tui_hooks, t, err,
	    errlen) == -1)
		return -1;
	char note[1200];

	lab_add_observer(t->d.s.lab, tui_observe, t);
	if (lab_resolve(t->d.s.lab, err, errlen) == -1)
		return -1;
	drive_commands_note(&t->d, note, sizeof note);
	if (note[0] != '\0')
		lab_note(t->d.s.lab, NULL, "%s", note);
	if (drive_start(&t->d, err, errlen) == -1)
		return -1;
	if (t->client > t->d.s.nclients)
		t->client = 1;
	tui_kernel_remember(t);
	t->have_prev = false;	/* nothing is "changed" before a step */
	return 0;
}

static void
tui_session_stop(struct tui *t, const char *why)
{
	if (t->d.s.lab == NULL)
		return;
	drive_cancel(&t->d);
	lab_kill_all(t->d.s.lab, why);
	lab_remove_observer(t->d.s.lab, tui_observe, t);
	drive_close(&t->d);
}

/*
 * r, b and a lesson from the menu: new programs on the same screen.
 * replay > 0 (b) takes that many steps of the path again, out of sight,
 * in the loop.  A lesson that cannot be opened leaves the one before.
 */
void
tui_restart(struct tui *t, size_t replay)
{
	const char *before = t->d.lesson_name;
	char err[512];

	t->restart = false;
	drive_cancel(&t->d);
	tui_view_reset(t);
	tui_lesson_reset(t);
	lab_remove_observer(t->d.s.lab, tui_observe, t);
	t->d.lesson_name = t->lesson_name;
	if (drive_restart(&t->d, replay, err, sizeof err) == -1) {
		t->lesson_name = before;
		t->d.lesson_name = before;
		tui_message(t, true, _("restart failed: %s"), err);
		if (t->d.s.lab == NULL &&
		    drive_restart(&t->d, 0, err, sizeof err) == -1) {
			t->quit = true;	/* nothing left to show */
			return;
		}
	} else if (replay == 0 && t->d.s.port_note[0] == '\0')
		tui_message(t, false, _("restarted %s on port %u"),
		    t->d.s.lesson.name, t->d.s.port);
	lab_add_observer(t->d.s.lab, tui_observe, t);
	if (t->client > t->d.s.nclients)
		t->client = 1;
	tui_kernel_remember(t);
	t->have_prev = false;
	clearok(curscr, TRUE);
}

static bool
tui_moving(struct tui *t, bool *between)
{
	bool moving = false;
	size_t i;

	*between = false;
	for (i = 0; i < lab_nsides(t->d.s.lab); i++) {
		struct side *side = lab_side(t->d.s.lab, i);

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

/* Keys that act at once, even while a step is under way. */
static bool
tui_key_now(int key, bool is_code)
{
	return tui_key_at_once(key, is_code);	/* its row says: tui-keytab.c */
}

static void
tui_key_do(struct tui *t, int key, bool is_code)
{
	tui_key(t, key, is_code);
	if (t->restart) {	/* r, b (restart_replay steps), a lesson */
		size_t replay = t->restart_replay;
		bool back = t->restart_back;

		t->restart_replay = 0;
		t->restart_back = false;
		tui_restart(t, replay);
		if (back && !t->d.replaying)	/* b back to the start */
			tui_replayed(&t->d, 0, 0, NULL, t);
	}
}

/*
 * Keys typed while a step is under way wait their turn, as if each had
 * been taken when typed ("s s" is two steps); q and k/K act at once.
 */
static void
tui_keys(struct tui *t)
{
	wint_t wch;
	int rc;

	while (!t->quit && (rc = get_wch(&wch)) != ERR) {
		bool code = rc == KEY_CODE_YES;

		if (tui_key_now((int)wch, code) || t->input != NULL ||
		    (!drive_busy(&t->d) && t->nqueued == 0))
			tui_key_do(t, (int)wch, code);
		else if (t->nqueued < TUI_KEYS_QUEUED) {
			t->queued[t->nqueued].key = (int)wch;
			t->queued[t->nqueued++].is_code = code;
		}
	}
	while (!t->quit && t->nqueued > 0 && !drive_busy(&t->d)) {
		int key = t->queued[0].key;
		bool code = t->queued[0].is_code;

		memmove(&t->queued[0], &t->queued[1],
		    --t->nqueued * sizeof t->queued[0]);
		tui_key_do(t, key, code);
	}
}

/* A step under way for a while: say what it waits for, and the way out. */
static void
tui_busy_message(struct tui *t, uint64_t now)
{
	const struct side *side;
	unsigned secs;

	if (t->d.replaying) {
		tui_message(t, false, _("b: taking step %zu of %zu again, out "
		    "of sight; q quits"), t->d.pos + 1, t->d.replay_want);
		t->msg_busy = true;
		t->dirty = true;
		return;
	}
	if (!t->d.busy || now - t->busy_since < TUI_BUSY_SHOW_MS)
		return;
	switch (lab_job_waiting(t->d.s.lab, &side, &secs)) {
	case LAB_WAIT_REACH:
		tui_message(t, false, _("waiting for %s to reach a socket call "
		    "(%u s); k/K ends a side, q quits"), side->name, secs);
		break;
	case LAB_WAIT_ALL:
		tui_message(t, false, _("every side is running (%u s); k/K "
		    "ends a side, q quits"), secs);
		break;
	case LAB_WAIT_RETURN:
		tui_message(t, false, _("w: waiting for a blocked call to "
		    "return (%u s); q quits"), secs);
		break;
	case LAB_WAIT_SETTLE:
		tui_message(t, false, _("waiting for the programs to settle "
		    "(%u s); k/K ends a side, q quits"), secs);
		break;
	default:
		return;
	}
	t->msg_busy = true;
	t->dirty = true;
}

static void
tui_loop(struct tui *t)
{
	struct pollfd pfd[SOCKSTEP_MAX_CLIENTS + 8];
	uint64_t now, next = lab_now_ms() + TUI_REFRESH_MS;
	bool first = getenv("SOCKSTEP_EXIT_AFTER_FIRST_FRAME") != NULL &&
	    strcmp(getenv("SOCKSTEP_EXIT_AFTER_FIRST_FRAME"), "1") == 0;
	bool between, moving;
	int n, timeout, tick;

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
		if ((tick = drive_tick_ms(&t->d)) >= 0 && timeout > tick)
			timeout = tick;
		if ((tick = tui_replay_tick(t, now)) >= 0 && timeout > tick)
			timeout = tick;
		pfd[0].fd = STDIN_FILENO;
		pfd[0].events = POLLIN;
		pfd[1].fd = t->sigfd;
		pfd[1].events = POLLIN;
		n = 2 + lab_pollfds(t->d.s.lab, pfd + 2,
		    sizeof pfd / sizeof pfd[0] - 2);
		if (poll(pfd, (nfds_t)n, timeout) > 0 &&
		    (pfd[0].revents & (POLLHUP | POLLERR)))
			t->quit = true;	/* the terminal is gone */
		/* The lab's side of the turn: never waits (the poll did). */
		(void)drive_advance(&t->d, 0);
		if (t->ended)
			tui_step_ended(t);
		tui_signals(t);
		tui_keys(t);
		now = lab_now_ms();
		tui_busy_message(t, now);
		if (now >= next) {
			/* A fresh look at the kernel even if no event came. */
			lab_kernel_invalidate(t->d.s.lab);
			t->dirty = true;
			next = now + (moving ? TUI_REFRESH_MS : TUI_IDLE_MS);
		}
	}
}

int
cmd_tui(const char *lesson, const struct options *o, char *errbuf,
    size_t errlen)
{
	struct tui t;
	char err[512];
	size_t i;

	if (!isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO)) {
		snprintf(errbuf, errlen, "%s", _("no terminal: use 'sockstep "
		    "batch' for a transcript without a screen"));
		return -1;
	}
	memset(&t, 0, sizeof t);
	t.lesson_name = lesson;
	t.opts = o;
	t.client = 1;
	sbuf_init(&t.msg);
	if ((t.sigfd = tui_signals_open()) == -1) {
		snprintf(errbuf, errlen, "signalfd: %s", strerror(errno));
		sbuf_finish(&t.msg);
		return -1;
	}
	tui_fatal_handlers();
	t.srcmap = srcmap_create();
	if (tui_session_start(&t, err, sizeof err) == -1 ||
	    tui_term_start(err, sizeof err) == -1)
		goto fail;
	t.projector = o->projector;
	tui_theme_init(&t);
	if (o->replay != NULL)
		tui_replay_start(&t);
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
	tui_input_close(&t);
	free(t.lesson_owned);
	sbuf_finish(&t.msg);
	close(t.sigfd);
	return 0;
fail:	/* before the screen: the programs ended, the error said by main */
	tui_session_stop(&t, NULL);
	srcmap_destroy(t.srcmap);
	sbuf_finish(&t.msg);
	close(t.sigfd);
	snprintf(errbuf, errlen, "%s", err);
	return -1;
}
