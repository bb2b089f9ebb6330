/*
 * batch.c - `sockstep batch`: take the steps without a screen and print
 * the transcript, evaluating the lesson's checks as it goes; and
 * `sockstep check-lesson`, the same run used to test a lesson file.
 * With no step list at all, the sides take turns running until they
 * block or exit, until all have exited or none can move.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sockstep.h"

struct batch {
	struct session		 s;
	struct transcript	*t;		/* NULL: quiet (check-lesson) */
	struct export		*x;		/* --export: instead of t */
	struct record		*rec;		/* --record: steps taken */
	const char		*rec_path;
	struct check_history	 hist;
	unsigned		 checks_failed;
	unsigned		 checks_passed;
	/* check-lesson: which narrations were used */
	bool			*narr_used;
	bool			 grading;	/* run --lesson: a step that cannot
						 * be taken is a finding, not an error */
	void			(*problem)(void *, const char *);
	void			*problem_arg;
};

static void
batch_observe(struct lab *lab, const struct lab_event *ev, void *arg)
{
	struct batch *b = arg;
	const struct lesson *l = &b->s.lesson;
	size_t i;

	check_history_record(&b->hist, ev);
	if (b->narr_used != NULL && ev->type == LEV_CALL && ev->side != NULL) {
		for (i = 0; i < l->nnarr; i++)
			if (strcmp(l->narr[i].call, ev->call->desc->name) == 0 &&
			    (l->narr[i].side == NULL ||
			    strcmp(l->narr[i].side, ev->side->name) == 0 ||
			    (strcmp(l->narr[i].side, "client") == 0 &&
			    !ev->side->is_server)))
				b->narr_used[i] = true;
	}
	if (b->t != NULL)
		transcript_event(lab, ev, b->t);
	if (b->x != NULL)
		export_event(lab, ev, b->x);
}

/* After each step taken: the export's section, the record's token. */
static void
batch_took(struct batch *b, const struct step *st)
{
	char err[512];

	if (b->x != NULL)
		export_step(b->x, b->s.lab, st->token);
	if (b->rec == NULL)
		return;
	if (b->rec->steps.len > 0)
		sbuf_addc(&b->rec->steps, ' ');
	sbuf_add(&b->rec->steps, st->token);
	if (record_save(b->rec, b->rec_path, err, sizeof err) == -1)
		lab_note(b->s.lab, NULL, "--record: %s", err);
}

static int
batch_one(struct session *s, const struct step *st, char *err, size_t errlen)
{
	struct side *side = session_side(s, st->side);

	if (st->op == STEP_ALL)
		return lab_run_all(s->lab, err, errlen);
	if (side == NULL) {
		snprintf(err, errlen, "%s", st->side == 0 ?
		    _("this lesson has no server side") :
		    _("this lesson has no such client"));
		return -1;
	}
	if (st->op == STEP_ONE)
		return lab_step(s->lab, side, err, errlen);
	return lab_run(s->lab, side, err, errlen);
}

/* The lesson's checks for this point of the guided order (0: the end). */
static void
batch_checks(struct batch *b, unsigned step)
{
	const struct lesson *l = &b->s.lesson;
	char why[512], msg[1400];
	size_t i;
	bool ok;

	for (i = 0; i < l->nchecks; i++) {
		if (l->checks[i].step != step)
			continue;
		ok = check_run(l->checks[i].expr, b->s.lab, &b->hist,
		    b->s.port2, why, sizeof why);
		if (ok)
			b->checks_passed++;
		else
			b->checks_failed++;
		if (b->t != NULL)
			transcript_check(b->t, step, l->checks[i].expr, ok, why);
		if (!ok && b->problem != NULL) {
			snprintf(msg, sizeof msg, "%s/lesson.ini:%u: check "
			    "'%s' failed: %s", l->dir, l->checks[i].line,
			    l->checks[i].expr, why);
			b->problem(b->problem_arg, msg);
		}
	}
}

/* Every side in turn, each until it blocks or exits. */
static void
batch_alternate(struct batch *b)
{
	struct lab *lab = b->s.lab;
	uint64_t before;
	char err[256];
	size_t i;

	while (!lab_all_done(lab)) {
		before = lab_event_count(lab);
		for (i = 0; i < lab_nsides(lab); i++) {
			struct side *side = lab_side(lab, i);

			if (side->state != SIDE_BEFORE_CALL)
				continue;
			if (lab_run(lab, side, err, sizeof err) == 0 &&
			    b->t != NULL)
				transcript_summary(b->t, lab);
		}
		lab_settle(lab);
		if (lab_event_count(lab) == before) {
			lab_note_spinners(lab);
			lab_note(lab, NULL, "no side can move: every one left "
			    "is blocked or waiting outside a socket call");
			return;
		}
	}
}

/*
 * --steps -: one SPEC per line from stdin, a "ready" mark after each.
 * A script (or a test) can then look at the kernel with ss while the
 * lab holds still, and send the next line.
 */
static int
batch_interactive(struct batch *b, bool json, char *err, size_t errlen)
{
	char line[1024], perr[256];
	struct step *steps;
	size_t n, i;

	for (;;) {
		if (json)
			printf("{\"event\":\"ready\",\"seq\":%llu}\n",
			    (unsigned long long)lab_event_count(b->s.lab));
		else
			printf("# ready\n");
		fflush(stdout);
		if (fgets(line, sizeof line, stdin) == NULL)
			return 0;
		if (line[strspn(line, " \t\r\n")] == '\0')
			continue;
		if (steps_parse(line, b->s.nclients, &steps, &n, perr,
		    sizeof perr) == -1) {
			snprintf(err, errlen, "%s", perr);
			return -1;
		}
		for (i = 0; i < n; i++) {
			if (batch_one(&b->s, &steps[i], perr,
			    sizeof perr) == -1) {
				snprintf(err, errlen, "step '%s': %s",
				    steps[i].token, perr);
				free(steps);
				return -1;
			}
			batch_took(b, &steps[i]);
			transcript_summary(b->t, b->s.lab);
		}
		free(steps);
	}
}

/* The steps in order; the checks after each when they are the guided ones. */
static int
batch_steps(struct batch *b, bool guided, char *err, size_t errlen)
{
	char perr[256];
	size_t i;

	for (i = 0; i < b->s.nsteps; i++) {
		const struct step *st = &b->s.steps[i];

		if (batch_one(&b->s, st, perr, sizeof perr) == -1) {
			if (b->grading) {
				lab_note(b->s.lab, NULL, "step %zu (%s) "
				    "skipped: %s", i + 1, st->token, perr);
				if (guided)
					batch_checks(b, (unsigned)(i + 1));
				continue;
			}
			snprintf(err, errlen, "step %zu (%s): %s", i + 1,
			    st->token, perr);
			return -1;
		}
		batch_took(b, st);
		if (b->t != NULL)
			transcript_summary(b->t, b->s.lab);
		if (guided)
			batch_checks(b, (unsigned)(i + 1));
	}
	if (guided)
		batch_checks(b, 0);
	return 0;
}

static void
batch_close(struct batch *b)
{
	fflush(stdout);
	if (b->x != NULL)	/* the last events: what ended how */
		export_destroy(b->x, b->s.lab);
	b->x = NULL;
	lab_set_observer(b->s.lab, NULL, NULL);
	session_close(&b->s);
	transcript_destroy(b->t);
	if (b->rec != NULL)
		record_finish(b->rec);
	free(b->rec);
	check_history_finish(&b->hist);
	free(b->narr_used);
}

static void
batch_start(struct batch *b)
{
	char err[512];

	lab_set_observer(b->s.lab, batch_observe, b);
	if (b->s.port_note[0] != '\0')
		lab_note(b->s.lab, NULL, "%s", b->s.port_note);
	if (lab_start(b->s.lab, err, sizeof err) == -1) {
		batch_close(b);
		user_error("%s", err);
	}
	if (b->x != NULL)
		export_step(b->x, b->s.lab, NULL);
}

int
cmd_batch(const char *lesson, const struct options *o)
{
	struct batch b;
	char err[512];
	bool guided = o->steps == NULL;
	int rc = 0;

	memset(&b, 0, sizeof b);
	b.grading = o->run_lesson != NULL;
	session_open(&b.s, lesson, o);
	if (o->replay != NULL && record_is_guided(&b.s))
		guided = true;
	if (o->export_fmt != EXPORT_NONE)
		b.x = export_create(stdout, o->export_fmt, &b.s, o->lang);
	else
		b.t = transcript_create(stdout, o->json, &b.s.lesson, o->lang);
	if (o->record != NULL) {
		b.rec = xmalloc(sizeof *b.rec);
		record_init(b.rec);
		record_from_session(b.rec, lesson, &b.s, o->lang);
		b.rec_path = o->record;
		if (record_save(b.rec, b.rec_path, err, sizeof err) == -1) {
			batch_close(&b);
			user_error("--record: %s", err);
		}
	}
	batch_start(&b);
	if (o->steps != NULL && strcmp(o->steps, "-") == 0)
		rc = batch_interactive(&b, o->json, err, sizeof err);
	else if (b.s.nsteps == 0)
		batch_alternate(&b);
	else
		rc = batch_steps(&b, guided, err, sizeof err);
	if (rc == -1) {
		batch_close(&b);
		user_error("%s", err);
	}
	if (!lab_all_done(b.s.lab))
		lab_kill_all(b.s.lab, b.s.nsteps > 0 ? "end of the steps" :
		    "nothing left could wake it");
	rc = b.checks_failed > 0 ? 1 : 0;
	if (b.checks_failed > 0)
		fprintf(stderr, "sockstep: %u of %u checks failed\n",
		    b.checks_failed, b.checks_failed + b.checks_passed);
	batch_close(&b);
	return rc;
}

static void
print_problem(void *arg, const char *msg)
{
	unsigned *count = arg;

	printf("%s\n", msg);
	(*count)++;
}

/*
 * check-lesson DIR: the file's own consistency, then a real run in the
 * guided order: every check must hold and every narration must belong
 * to a call the programs really make.
 */
int
cmd_check_lesson(const char *dir, const struct options *o)
{
	struct batch b;
	char err[512], file[4200];
	unsigned problems = 0;
	size_t i;

	memset(&b, 0, sizeof b);
	session_open(&b.s, dir, o);
	snprintf(file, sizeof file, "%s/lesson.ini", b.s.lesson.dir);
	lesson_validate(&b.s.lesson, file, print_problem, &problems);
	b.problem = print_problem;
	b.problem_arg = &problems;
	b.narr_used = xcalloc(b.s.lesson.nnarr + 1, sizeof *b.narr_used);
	batch_start(&b);
	if (batch_steps(&b, true, err, sizeof err) == -1) {
		printf("%s:%u: guided order: %s\n", file, b.s.lesson.steps_line,
		    err);
		problems++;
	}
	for (i = 0; i < b.s.lesson.nnarr; i++)
		if (!b.narr_used[i])
			printf("%s:%u: narration for %s%s%s(), which the "
			    "guided order never reaches\n", file,
			    b.s.lesson.narr[i].line,
			    b.s.lesson.narr[i].side ? b.s.lesson.narr[i].side : "",
			    b.s.lesson.narr[i].side ? " " : "",
			    b.s.lesson.narr[i].call), problems++;
	if (problems == 0)
		printf("%s: ok (%zu steps, %u checks passed)\n", file,
		    b.s.nsteps, b.checks_passed);
	batch_close(&b);
	return problems == 0 ? 0 : 1;
}
