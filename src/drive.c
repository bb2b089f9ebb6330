/*
 * drive.c - stepping by token, the guided order, the lesson's checks,
 * the path of steps taken and --record: one copy, for every view.
 *
 * A step is begun (drive_step) and ends in a later drive_advance(),
 * which the view calls from its own loop: the screen's poll loop never
 * waits inside a step, batch simply waits (drive_wait).  When a step
 * ends, in this order: the guided cursor moves on if it was the guided
 * step, the path and the record file follow, the view hears of the
 * step, then of the checks at that point.
 */
#include <stdlib.h>
#include <string.h>

#include "drive.h"

static void
drive_observe(struct lab *lab, const struct lab_event *ev, void *arg)
{
	struct drive *d = arg;

	(void)lab;
	check_history_record(&d->hist, ev);
}

struct lab *
drive_lab(const struct drive *d)
{
	return d->s.lab;
}

const struct step *
drive_guided_next(const struct drive *d)
{
	return d->guided < d->s.nsteps ? &d->s.steps[d->guided] : NULL;
}

/* --record FILE: the lesson, its settings, and the path taken so far. */
static int
drive_record(struct drive *d, char *err, size_t errlen)
{
	struct record r;
	size_t i;
	int rc;

	if (d->opts.record == NULL || d->s.lab == NULL)
		return 0;
	record_init(&r);
	record_from_session(&r, d->lesson_name, &d->s, d->opts.lang);
	for (i = 0; i < d->pos; i++)
		sbuf_addf(&r.steps, "%s%s", i ? " " : "", d->path[i].token);
	rc = record_save(&r, d->opts.record, err, errlen);
	record_finish(&r);
	return rc;
}

/* A step taken: along the path, or a new path from here. */
static void
drive_path_took(struct drive *d, const struct step *st)
{
	char err[512];

	if (d->pos < d->npath && d->path[d->pos].side == st->side &&
	    d->path[d->pos].op == st->op &&
	    d->path[d->pos].task == st->task &&
	    strcmp(d->path[d->pos].prog, st->prog) == 0 &&
	    strcmp(d->path[d->pos].token, st->token) == 0) {
		d->pos++;	/* along the path: keep what lies ahead */
	} else {
		d->npath = d->pos;
		/* Doubled: one 1.4 KB step more at a time was an mremap
		 * every third step of a long script. */
		if (d->npath == d->path_cap) {
			d->path_cap = d->path_cap == 0 ? 64 : d->path_cap * 2;
			d->path = xreallocarray(d->path, d->path_cap,
			    sizeof *d->path);
		}
		d->path[d->npath++] = *st;
		d->pos = d->npath;
	}
	if (drive_record(d, err, sizeof err) == -1)
		lab_note(d->s.lab, NULL, "--record: %s", err);
}

static void
drive_session_reset(struct drive *d)
{
	check_history_finish(&d->hist);
	d->guided = 0;
	d->checks_passed = d->checks_failed = 0;
	d->finished = false;
	d->busy = false;
	d->pos = 0;
}

static int
drive_session_open(struct drive *d, bool again, char *err, size_t errlen)
{
	struct options o = d->opts;

	/* The last run's connections may hold the port (TIME-WAIT): a
	 * restart takes the next free one and says so, rather than end. */
	if (again)
		o.port_explicit = false;
	if (session_open(&d->s, d->lesson_name, &o, err, errlen) == -1)
		return -1;
	lab_add_observer(d->s.lab, drive_observe, d);
	if (strcmp(d->path_lesson, d->s.lesson.name) != 0) {
		strlcpy(d->path_lesson, d->s.lesson.name,
		    sizeof d->path_lesson);
		d->npath = d->pos = 0;
	}
	return 0;
}

int
drive_open(struct drive *d, const char *lesson, const struct options *o,
    const struct drive_hooks *hooks, void *arg, char *err, size_t errlen)
{
	memset(d, 0, sizeof *d);
	d->lesson_name = lesson;
	d->opts = *o;
	d->hooks = hooks;
	d->hook_arg = arg;
	d->checks_on = true;
	return drive_session_open(d, false, err, errlen);
}

void
drive_close(struct drive *d)
{
	if (d->s.lab != NULL)
		session_close(&d->s);
	check_history_finish(&d->hist);
	free(d->path);
	d->path = NULL;
	d->npath = d->pos = d->path_cap = 0;
}

int
drive_start(struct drive *d, char *err, size_t errlen)
{
	char why[512];

	/* Before the programs run: a file that cannot be written is a
	 * mistake to say at once, not after the lesson. */
	if (drive_record(d, why, sizeof why) == -1) {
		snprintf(err, errlen, "--record: %s", why);
		return -1;
	}
	if (d->s.port_note[0] != '\0')
		lab_note(d->s.lab, NULL, "%s", d->s.port_note);
	if (d->s.net.note[0] != '\0')
		lab_note(d->s.lab, NULL, "%s", d->s.net.note);
	return lab_start(d->s.lab, err, errlen);
}

int
drive_restart(struct drive *d, size_t replay, char *err, size_t errlen)
{
	lab_kill_all(d->s.lab, NULL);
	session_close(&d->s);
	drive_session_reset(d);
	if (drive_session_open(d, true, err, errlen) == -1)
		return -1;
	if (drive_start(d, err, errlen) == -1)
		return -1;
	d->replaying = replay > 0 && replay <= d->npath;
	d->replay_want = d->replaying ? replay : 0;
	return 0;
}

static enum lab_op
drive_op(enum step_op op)
{
	switch (op) {
	case STEP_ONE:
		return LAB_OP_STEP;
	case STEP_RUN:
		return LAB_OP_RUN;
	case STEP_WAIT:
		return LAB_OP_WAIT;
	default:
		return LAB_OP_ALL;
	}
}

/* s!, s!NAME: the side's program, or the lesson's program NAME, started
 * again on the session's ports (never picked anew: the lesson is what
 * the kernel says about this port). */
static int
drive_restart_side(struct drive *d, const struct step *st, struct side *side,
    char *err, size_t errlen)
{
	char **argv;
	int rc;

	if ((argv = session_argv(&d->s, st->side, st->prog, err, errlen)) ==
	    NULL)
		return -1;
	if (d->hooks != NULL && d->hooks->begin != NULL)
		d->hooks->begin(d, st, d->hook_arg);
	rc = lab_restart_side(d->s.lab, side, argv, err, errlen);
	strv_free(argv);
	if (rc == -1)
		return -1;
	d->cur = *st;
	d->busy = true;
	return 0;
}

int
drive_step(struct drive *d, const struct step *st, char *err, size_t errlen)
{
	struct side *side = NULL;

	if (d->busy) {
		snprintf(err, errlen, "%s", _("a step is still under way"));
		return -1;
	}
	if (st->op != STEP_ALL && st->op != STEP_WAIT &&
	    (side = session_side(&d->s, st->side)) == NULL) {
		snprintf(err, errlen, "%s", st->side == 0 ?
		    _("this lesson has no server") :
		    _("this lesson has no such client"));
		return -1;
	}
	if (st->op == STEP_RESTART)
		return drive_restart_side(d, st, side, err, errlen);
	if (d->hooks != NULL && d->hooks->begin != NULL)
		d->hooks->begin(d, st, d->hook_arg);
	/* c<TEXT: the line is typed, then every side settles. */
	if (st->op == STEP_TYPE && ((st->eof ? lab_type_eof(d->s.lab, side,
	    err, errlen) : lab_type(d->s.lab, side, st->text, err,
	    errlen)) == -1 || lab_begin(d->s.lab, LAB_OP_SETTLE, NULL, err,
	    errlen) == -1))
		return -1;
	if (st->op != STEP_TYPE && lab_begin_on(d->s.lab, st->call[0] !=
	    '\0' ? LAB_OP_STEP : drive_op(st->op), side, st->task,
	    st->call[0] != '\0' ? st->call : NULL, err, errlen) == -1)
		return -1;
	d->cur = *st;
	d->busy = true;
	return 0;
}

int
drive_step_token(struct drive *d, const char *token, char *err,
    size_t errlen)
{
	struct step *steps;
	size_t n;
	int rc;

	if (steps_parse(token, d->s.nclients, &steps, &n, err, errlen) == -1)
		return -1;
	if (n != 1) {
		free(steps);
		snprintf(err, errlen, _("one step at a time, not '%s'"),
		    token);
		return -1;
	}
	rc = drive_step(d, &steps[0], err, errlen);
	free(steps);
	return rc;
}

int
drive_next_guided(struct drive *d, char *err, size_t errlen)
{
	const struct step *st = drive_guided_next(d);

	if (st == NULL) {
		snprintf(err, errlen, "%s", d->s.nsteps == 0 ?
		    _("this lesson has no guided order") :
		    _("the guided order is done"));
		return -1;
	}
	return drive_step(d, st, err, errlen);
}

int
drive_forward(struct drive *d, char *err, size_t errlen)
{
	if (d->replaying || d->pos >= d->npath) {
		snprintf(err, errlen, "%s", _("nothing ahead: f follows the "
		    "steps you went back over with b"));
		return -1;
	}
	return drive_step(d, &d->path[d->pos], err, errlen);
}

static void
drive_check_one(struct drive *d, unsigned point, const struct lesson_check *c)
{
	char why[512];
	enum check_result r;

	r = check_run(c->expr, d->s.lab, &d->hist, d->s.port2, why,
	    sizeof why);
	if (r == CHECK_HELD)
		d->checks_passed++;
	else if (r == CHECK_FAILED)
		d->checks_failed++;
	else
		d->checks_skipped++;
	if (d->hooks != NULL && d->hooks->checked != NULL)
		d->hooks->checked(d, point, c, r, r == CHECK_HELD ? "" : why,
		    d->hook_arg);
}

void
drive_checks(struct drive *d, unsigned point)
{
	const struct lesson *l = &d->s.lesson;
	size_t i;

	for (i = 0; i < l->nchecks; i++)
		if (l->checks[i].step == point)
			drive_check_one(d, point, &l->checks[i]);
}

/* The guided cursor moved past step n: its checks, and at the end of
 * the order the closing ones. */
static void
drive_guided_done(struct drive *d)
{
	if (!d->checks_on)
		return;
	drive_checks(d, (unsigned)d->guided);
	if (d->guided == d->s.nsteps) {
		drive_checks(d, 0);
		if (d->checks_failed == 0)
			d->finished = true;
	}
}

void
drive_skip_guided(struct drive *d)
{
	if (d->guided >= d->s.nsteps)
		return;
	d->guided++;
	drive_guided_done(d);
}

/* The step under way ended, rc from the lab. */
static void
drive_ended(struct drive *d, int rc)
{
	const struct step *g = drive_guided_next(d);
	struct step st = d->cur;
	bool guided = false;

	d->busy = false;
	if (rc == 0) {
		/* A step that is the guided order's next counts for it,
		 * whether space, a key or a replay took it; one that names
		 * its call, when that call is the one taken. */
		if (g != NULL && g->side == st.side && g->op == st.op &&
		    g->task == st.task && strcmp(g->prog, st.prog) == 0 &&
		    strcmp(g->text, st.text) == 0 && g->eof == st.eof &&
		    (g->call[0] == '\0' ||
		    sc_name_matches(lab_job_took(d->s.lab), g->call))) {
			d->guided++;
			guided = true;
		}
		drive_path_took(d, &st);
	}
	if (d->hooks != NULL && d->hooks->stepped != NULL)
		d->hooks->stepped(d, &st, guided, rc == 0 ? NULL :
		    lab_job_error(d->s.lab), d->hook_arg);
	if (guided)
		drive_guided_done(d);
}

static void
drive_replay_end(struct drive *d, const char *why)
{
	size_t want = d->replay_want;

	d->replaying = false;
	d->replay_want = 0;
	if (d->hooks != NULL && d->hooks->replayed != NULL)
		d->hooks->replayed(d, d->pos, want, why, d->hook_arg);
}

/* b: the next step of the path to take again, or the replay's end. */
static void
drive_replay_next(struct drive *d)
{
	char err[256];

	if (d->pos >= d->replay_want)
		drive_replay_end(d, NULL);
	else if (drive_step(d, &d->path[d->pos], err, sizeof err) == -1)
		drive_replay_end(d, err);
}

int
drive_advance(struct drive *d, int timeout_ms)
{
	char why[256];
	int rc;

	if (!d->busy) {
		lab_pump(d->s.lab, d->replaying ? 0 : timeout_ms);
		if (d->replaying)
			drive_replay_next(d);
		return drive_busy(d);
	}
	if ((rc = lab_advance(d->s.lab, timeout_ms)) == 1)
		return 1;
	strlcpy(why, lab_job_error(d->s.lab), sizeof why);
	drive_ended(d, rc);
	if (d->replaying) {
		if (rc == -1)
			drive_replay_end(d, why);
		else
			drive_replay_next(d);
	}
	return drive_busy(d);
}

bool
drive_busy(const struct drive *d)
{
	return d->busy || d->replaying;
}

int
drive_tick_ms(const struct drive *d)
{
	if (d->replaying && !d->busy)
		return 0;
	return d->busy ? lab_tick_ms(d->s.lab) : -1;
}

void
drive_wait(struct drive *d)
{
	while (drive_busy(d))
		drive_advance(d, drive_tick_ms(d));
}

void
drive_cancel(struct drive *d)
{
	if (d->busy)
		lab_cancel(d->s.lab);
	d->busy = false;
	d->replaying = false;
	d->replay_want = 0;
}

/* The path ahead is these steps (sockstep replay): f and --delay take
 * them in turn. */
void
drive_path_ahead(struct drive *d, const struct step *steps, size_t n)
{
	free(d->path);
	d->path = n > 0 ? xreallocarray(NULL, n, sizeof *d->path) : NULL;
	if (n > 0)
		memcpy(d->path, steps, n * sizeof *d->path);
	d->npath = d->path_cap = n;
	d->pos = 0;
}

/* A lesson from outside the built-in set runs its own commands: the
 * words a view shows before they run ("" for a built-in lesson). */
void
drive_commands_note(const struct drive *d, char *buf, size_t len)
{
	const struct lesson *l = &d->s.lesson;

	buf[0] = '\0';
	if (!l->external)
		return;
	snprintf(buf, len, "%s is not a built-in lesson; it runs: server "
	    "'%s', client '%s'", l->dir, l->server_cmd ? l->server_cmd :
	    "(none)", l->client_cmd ? l->client_cmd : "(none)");
}
