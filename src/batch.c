/*
 * batch.c - `sockstep batch`: take the steps without a screen and print
 * the transcript.  With no step list, the sides take turns running until
 * they block or exit, until all have exited or none can move.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sockstep.h"

static int
batch_one(struct session *s, const struct step *st, char *err, size_t errlen)
{
	struct side *side = session_side(s, st->side);

	if (side == NULL) {
		snprintf(err, errlen, "this lesson has no %s side",
		    st->side == 0 ? "server" : "such client");
		return -1;
	}
	if (st->op == STEP_ONE)
		return lab_step(s->lab, side, err, errlen);
	return lab_run(s->lab, side, 0, err, errlen);
}

/* Every side in turn, each until it blocks or exits. */
static void
batch_alternate(struct session *s, struct transcript *t)
{
	struct lab *lab = s->lab;
	uint64_t before;
	char err[256];
	size_t i;

	while (!lab_all_done(lab)) {
		before = lab_event_count(lab);
		for (i = 0; i < lab_nsides(lab); i++) {
			struct side *side = lab_side(lab, i);

			if (side->state != SIDE_BEFORE_CALL)
				continue;
			if (lab_run(lab, side, 0, err, sizeof err) == 0)
				transcript_summary(t, lab);
		}
		lab_settle(lab);
		if (lab_event_count(lab) == before) {
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
batch_interactive(struct session *s, struct transcript *t, bool json,
    char *err, size_t errlen)
{
	char line[1024], perr[256];
	struct step *steps;
	size_t n, i;

	for (;;) {
		if (json)
			printf("{\"event\":\"ready\",\"seq\":%llu}\n",
			    (unsigned long long)lab_event_count(s->lab));
		else
			printf("# ready\n");
		fflush(stdout);
		if (fgets(line, sizeof line, stdin) == NULL)
			return 0;
		if (line[strspn(line, " \t\r\n")] == '\0')
			continue;
		if (steps_parse(line, s->nclients, &steps, &n, perr,
		    sizeof perr) == -1) {
			snprintf(err, errlen, "%s", perr);
			return -1;
		}
		for (i = 0; i < n; i++) {
			if (batch_one(s, &steps[i], perr, sizeof perr) == -1) {
				snprintf(err, errlen, "step '%s': %s",
				    steps[i].token, perr);
				free(steps);
				return -1;
			}
			transcript_summary(t, s->lab);
		}
		free(steps);
	}
}

int
cmd_batch(const char *lesson, const struct options *o)
{
	struct session s;
	struct transcript *t;
	char err[512];
	size_t i;

	session_open(&s, lesson, o);
	t = transcript_create(stdout, o->json);
	lab_set_observer(s.lab, transcript_event, t);
	if (s.port_note[0] != '\0')
		lab_note(s.lab, NULL, "%s", s.port_note);
	if (lab_start(s.lab, err, sizeof err) == -1) {
		session_close(&s);
		transcript_destroy(t);
		user_error("%s", err);
	}
	if (o->steps != NULL && strcmp(o->steps, "-") == 0) {
		if (batch_interactive(&s, t, o->json, err, sizeof err) == -1) {
			fflush(stdout);
			lab_set_observer(s.lab, NULL, NULL);
			session_close(&s);
			transcript_destroy(t);
			user_error("%s", err);
		}
	} else if (s.nsteps == 0)
		batch_alternate(&s, t);
	for (i = 0; i < s.nsteps; i++) {
		const struct step *st = &s.steps[i];

		if (batch_one(&s, st, err, sizeof err) == -1) {
			fflush(stdout);
			lab_set_observer(s.lab, NULL, NULL);
			session_close(&s);
			transcript_destroy(t);
			user_error("step %zu (%s): %s", i + 1, st->token, err);
		}
		transcript_summary(t, s.lab);
	}
	if (!lab_all_done(s.lab))
		lab_kill_all(s.lab, s.nsteps > 0 ? "end of the steps" :
		    "nothing left could wake it");
	fflush(stdout);
	lab_set_observer(s.lab, NULL, NULL);
	session_close(&s);
	transcript_destroy(t);
	return 0;
}
