/*
 * tui-back.c - going back in time by going forward again.  The kernel
 * cannot undo a call, so `b` restarts the programs and replays the
 * steps taken so far but the last one, out of sight, then shows that
 * state ("replayed": the port and the pids are new).  `f` walks forward
 * along the same path until a different step is taken.  The same path
 * is what --record saves, and what `sockstep replay FILE` plays back
 * (space, or every --delay MS).
 *
 * One screen per process: the path is this file's own state, and the
 * TUI tells it about each step it took (tui_back_stepped) and lets it
 * act once per loop turn (tui_back_tick).
 */
#include <sys/time.h>

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "sockstep.h"

static struct {
	struct step	*path;		/* the steps along the current path */
	size_t		 n;
	size_t		 pos;		/* how many of them the lab has taken */
	char		 lesson[64];	/* the lesson the path belongs to */
	size_t		 target;	/* after a restart: replay this many */
	bool		 pending;	/* a restart for `b` is under way */
	bool		 replaying;	/* our own steps are not the student's */
	bool		 started;	/* replay: the path and timer are set */
} tb;

static volatile sig_atomic_t tb_alarm;

static void
back_alarm(int sig)
{
	(void)sig;
	tb_alarm = 1;	/* and poll() returns EINTR: the loop turns */
}

static void
back_token(char *buf, size_t len, int index, enum step_op op)
{
	if (op == STEP_ALL)
		snprintf(buf, len, "all+");
	else if (index == 0)
		snprintf(buf, len, "s%s", op == STEP_RUN ? "+" : "");
	else if (index == 1)
		snprintf(buf, len, "c%s", op == STEP_RUN ? "+" : "");
	else
		snprintf(buf, len, "c%d%s", index, op == STEP_RUN ? "+" : "");
}

static void
back_push(int index, enum step_op op)
{
	struct step *st;

	tb.path = xreallocarray(tb.path, tb.n + 1, sizeof *tb.path);
	st = &tb.path[tb.n++];
	memset(st, 0, sizeof *st);
	st->side = index;
	st->op = op;
	back_token(st->token, sizeof st->token, index, op);
}

/* A (re)started lab has taken no step yet; another lesson, no path. */
static void
back_sync(struct tui *t)
{
	if (strcmp(tb.lesson, t->s.lesson.name) != 0) {
		strlcpy(tb.lesson, t->s.lesson.name, sizeof tb.lesson);
		tb.n = tb.pos = 0;
	}
	if (!t->stepped && !tb.pending)
		tb.pos = 0;
}

/* --record FILE: the path up to where the lab is now. */
static void
back_record(struct tui *t)
{
	struct record r;
	char err[512];
	size_t i;

	if (t->opts->record == NULL)
		return;
	record_init(&r);
	record_from_session(&r, t->lesson_name, &t->s, t->opts->lang);
	for (i = 0; i < tb.pos; i++)
		sbuf_addf(&r.steps, "%s%s", i ? " " : "", tb.path[i].token);
	if (record_save(&r, t->opts->record, err, sizeof err) == -1)
		tui_message(t, true, "--record: %s", err);
	record_finish(&r);
}

void
tui_back_stepped(struct tui *t, int index, enum step_op op)
{
	if (tb.replaying)
		return;
	back_sync(t);
	if (tb.pos < tb.n && tb.path[tb.pos].side == index &&
	    tb.path[tb.pos].op == op)
		tb.pos++;		/* along the path: keep what lies ahead */
	else {
		tb.n = tb.pos;		/* a new step: a new path from here */
		back_push(index, op);
		tb.pos = tb.n;
	}
	back_record(t);
}

void
tui_back_back(struct tui *t)
{
	back_sync(t);
	if (tb.pos == 0) {
		tui_message(t, true, "%s", _("nothing to go back to: no step "
		    "taken since the start"));
		return;
	}
	tb.target = tb.pos - 1;
	tb.pending = true;
	t->restart = true;	/* the TUI restarts, the tick replays */
}

void
tui_back_forward(struct tui *t, void (*take)(struct tui *, int,
    enum step_op))
{
	const struct step *st;

	back_sync(t);
	if (tb.pending || tb.pos >= tb.n) {
		tui_message(t, true, "%s", _("nothing ahead: f follows the "
		    "steps you went back over with b"));
		return;
	}
	st = &tb.path[tb.pos];
	take(t, st->side, st->op);	/* tui_back_stepped moves pos on */
}

static int
back_take(struct tui *t, const struct step *st, char *err, size_t errlen)
{
	struct side *side = session_side(&t->s, st->side);
	const struct step *g = t->guided < t->s.nsteps ?
	    &t->s.steps[t->guided] : NULL;
	int rc;

	t->action++;
	if (st->op == STEP_ALL)
		rc = lab_run_all(t->s.lab, err, errlen);
	else if (side == NULL) {
		snprintf(err, errlen, "no such side");
		rc = -1;
	} else if (st->op == STEP_RUN)
		rc = lab_run(t->s.lab, side, err, errlen);
	else
		rc = lab_step(t->s.lab, side, err, errlen);
	if (rc == 0 && g != NULL && g->side == st->side && g->op == st->op)
		t->guided++;
	lab_settle(t->s.lab);
	return rc;
}

/* After the restart `b` asked for: the path up to the target, unseen. */
static void
back_replay(struct tui *t)
{
	char err[256];
	size_t i;

	tb.pending = false;
	tb.replaying = true;
	for (i = 0; i < tb.target; i++) {
		if (i + 1 == tb.target)
			tui_kernel_remember(t);	/* "changed" by the last one */
		if (back_take(t, &tb.path[i], err, sizeof err) == -1)
			break;
	}
	tb.replaying = false;
	tb.pos = i;
	t->stepped = i > 0;
	if (i < tb.target)
		tui_message(t, true, "replayed %zu of %zu steps; step %zu (%s) "
		    "did not run again: %s", i, tb.target, i + 1,
		    tb.path[i].token, err);
	else
		tui_message(t, false, "replayed %zu step%s out of sight: back "
		    "before step %zu (%s), port %u; f goes forward", i,
		    i == 1 ? "" : "s", i + 1, tb.path[i].token, t->s.port);
	back_record(t);
	t->dirty = true;
}

/* sockstep replay: the record's steps are the path ahead, and the
 * guided order (space takes the next one); --delay takes them alone. */
static void
back_replay_start(struct tui *t)
{
	struct sigaction sa;
	struct itimerval it;
	size_t i;

	tb.started = true;
	back_sync(t);
	tb.n = tb.pos = 0;
	for (i = 0; i < t->s.nsteps; i++)
		back_push(t->s.steps[i].side, t->s.steps[i].op);
	tui_message(t, false, "replay of %s: %zu steps; %s", t->opts->replay,
	    t->s.nsteps, t->opts->delay_ms > 0 ? "one every --delay, any "
	    "key still works" : "space takes the next one (with the "
	    "lesson's questions), f without");
	if (t->opts->delay_ms <= 0)
		return;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = back_alarm;
	sa.sa_flags = SA_RESTART;	/* only poll() is cut short */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	memset(&it, 0, sizeof it);
	it.it_value.tv_sec = t->opts->delay_ms / 1000;
	it.it_value.tv_usec = (t->opts->delay_ms % 1000) * 1000;
	it.it_interval = it.it_value;
	setitimer(ITIMER_REAL, &it, NULL);
}

static void
back_timer_stop(void)
{
	struct itimerval it;

	memset(&it, 0, sizeof it);
	setitimer(ITIMER_REAL, &it, NULL);
}

void
tui_back_tick(struct tui *t)
{
	if (t->opts->replay != NULL && !tb.started)
		back_replay_start(t);
	if (tb.pending && !t->restart)
		back_replay(t);
	if (t->quit) {
		back_timer_stop();
		free(tb.path);
		memset(&tb, 0, sizeof tb);
		tb.started = true;
		return;
	}
	if (!tb_alarm)
		return;
	tb_alarm = 0;
	back_sync(t);
	if (tb.pos >= tb.n) {
		back_timer_stop();
		tui_message(t, false, _("replay done: %zu steps"), tb.n);
		return;
	}
	/* f, not space: a step by hand, without the lesson's question */
	tui_key(t, 'f', false);
}

/* `sockstep replay FILE` and `sockstep batch --replay FILE`. */
int
cmd_replay(const char *file, struct options *o, bool batch)
{
	struct record r;
	const char *lesson;
	char err[1024];
	int rc;

	if (record_load(&r, file, err, sizeof err) == -1)
		user_error("%s", err);
	lesson = record_apply(&r, o);
	if (o->steps == NULL) {
		record_finish(&r);
		user_error("%s: no steps recorded", file);
	}
	o->replay = file;
	rc = batch ? cmd_batch(lesson, o) : cmd_tui(lesson, o);
	record_finish(&r);
	return rc;
}
