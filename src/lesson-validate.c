/*
 * lesson-validate.c - what can be said of a lesson file without running
 * it: every text in both languages, calls that exist, predictions whose
 * answer is one of their choices, checks that parse, step numbers inside
 * the guided order.  `sockstep check-lesson` adds a run on top.
 */
#include <stdlib.h>
#include <string.h>

#include "lesson.h"

struct vctx {
	const char	*fname;
	void		(*fn)(void *, const char *);
	void		*arg;
	unsigned	 count;
};

static void PRINTFLIKE(3, 4)
problem(struct vctx *v, unsigned line, const char *fmt, ...)
{
	char msg[1024], full[1200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (line != 0)
		snprintf(full, sizeof full, "%s:%u: %s", v->fname, line, msg);
	else
		snprintf(full, sizeof full, "%s: %s", v->fname, msg);
	v->fn(v->arg, full);
	v->count++;
}

/* Both languages or neither; required ones must be there. */
static void
both_langs(struct vctx *v, unsigned line, char *const text[LANG_COUNT],
    const char *what, bool required)
{
	int i;

	for (i = 0; i < LANG_COUNT; i++) {
		if (text[i] != NULL)
			continue;
		if (required || text[(i + 1) % LANG_COUNT] != NULL)
			problem(v, line, "%s has no %s text (%s.%s)", what,
			    lang_names[i] , what, lang_names[i]);
	}
}

size_t
lesson_choices(const char *s, char **out, size_t max)
{
	const char *p = s, *bar;
	size_t n = 0, len;

	while (p != NULL && n < max) {
		bar = strchr(p, '|');
		len = bar != NULL ? (size_t)(bar - p) : strlen(p);
		while (len > 0 && (*p == ' ' || *p == '\t')) {
			p++;
			len--;
		}
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		out[n++] = xstrndup(p, len);
		p = bar != NULL ? bar + 1 : NULL;
	}
	return n;
}

static size_t
count_choices(const char *s)
{
	char *c[LESSON_MAX_CHOICES + 1];
	size_t n, i;

	if (s == NULL)
		return 0;
	n = lesson_choices(s, c, LESSON_MAX_CHOICES + 1);
	for (i = 0; i < n; i++)
		free(c[i]);
	return n;
}

static bool
valid_side(const char *s)
{
	return strcmp(s, "server") == 0 || strcmp(s, "client") == 0 ||
	    (strncmp(s, "client", 6) == 0 && s[6] >= '2' && s[6] <= '9' &&
	    s[7] == '\0');
}

static void
validate_predict(struct vctx *v, const struct lesson_predict *p, size_t nsteps)
{
	size_t n[LANG_COUNT];
	int i;

	if (p->step > nsteps)
		problem(v, p->line, "prediction before step %u, but the "
		    "guided order has %zu steps", p->step, nsteps);
	both_langs(v, p->line, p->question, "question", true);
	both_langs(v, p->line, p->choices, "choices", true);
	both_langs(v, p->line, p->explain, "explain", true);
	for (i = 0; i < LANG_COUNT; i++)
		n[i] = count_choices(p->choices[i]);
	if (n[LANG_EN] != 0 && n[LANG_ZH] != 0 && n[LANG_EN] != n[LANG_ZH])
		problem(v, p->line, "prediction %u has %zu choices in en but "
		    "%zu in zh", p->step, n[LANG_EN], n[LANG_ZH]);
	if (n[LANG_EN] == 1 || n[LANG_EN] > LESSON_MAX_CHOICES)
		problem(v, p->line, "prediction %u needs 2 to %d choices "
		    "separated by |", p->step, LESSON_MAX_CHOICES);
	if (p->answer == 0)
		problem(v, p->line, "prediction %u has no answer", p->step);
	else if (n[LANG_EN] != 0 && (size_t)p->answer > n[LANG_EN])
		problem(v, p->line, "prediction %u: answer %d but only %zu "
		    "choices", p->step, p->answer, n[LANG_EN]);
}

unsigned
lesson_validate(const struct lesson *l, const char *fname,
    void (*fn)(void *, const char *), void *arg)
{
	struct vctx v = { fname, fn, arg, 0 };
	struct step *steps = NULL;
	struct check_expr *c;
	size_t nsteps = 0, i;
	char err[512];

	both_langs(&v, l->title_line, l->title, "title", true);
	both_langs(&v, l->title_line, l->goal, "goal", true);
	if (l->steps == NULL)
		problem(&v, 0, "no guided order (steps = ...)");
	else if (steps_parse(l->steps, l->clients, &steps, &nsteps, err,
	    sizeof err) == -1)
		problem(&v, l->steps_line, "steps: %s", err);
	for (i = 0; i < nsteps; i++)
		if (steps[i].op == STEP_RESTART && steps[i].prog[0] != '\0' &&
		    lesson_program(l, steps[i].prog) == NULL)
			problem(&v, l->steps_line, "steps: step %zu (%s) "
			    "starts program '%s', which [programs] does not "
			    "name", i + 1, steps[i].token, steps[i].prog);
	free(steps);
	for (i = 0; i < l->nnarr; i++) {
		const struct lesson_narration *n = &l->narr[i];

		if (sc_lookup_name(n->call) == NULL)
			problem(&v, n->line, "narration for '%s', which is not "
			    "a watched call", n->call);
		if (n->side != NULL && !valid_side(n->side))
			problem(&v, n->line, "narration side '%s' (server, "
			    "client, client2...)", n->side);
		both_langs(&v, n->line, n->before, "before", false);
		both_langs(&v, n->line, n->after, "after", false);
	}
	for (i = 0; i < l->npred; i++)
		validate_predict(&v, &l->pred[i], nsteps);
	for (i = 0; i < l->nchecks; i++) {
		const struct lesson_check *k = &l->checks[i];

		if ((c = check_create(k->expr, err, sizeof err)) == NULL)
			problem(&v, k->line, "check: %s", err);
		check_destroy(c);
		if (k->step > nsteps)
			problem(&v, k->line, "check after step %u, but the "
			    "guided order has %zu steps", k->step, nsteps);
	}
	return v.count;
}

static bool
side_matches(const char *want, const char *side)
{
	if (want == NULL)
		return true;
	if (strcmp(want, side) == 0)
		return true;
	/* "client" speaks for every client */
	return strcmp(want, "client") == 0 && strncmp(side, "client", 6) == 0;
}

static const struct lesson_narration *
narration_best(const struct lesson *l, const char *side, const char *call,
    bool after, enum lang lang)
{
	const struct lesson_narration *best = NULL;
	size_t i;

	for (i = 0; i < l->nnarr; i++) {
		const struct lesson_narration *n = &l->narr[i];
		const char *t = after ? n->after[lang] : n->before[lang];

		if (t == NULL || strcmp(n->call, call) != 0 ||
		    !side_matches(n->side, side))
			continue;
		/* The most specific entry wins: client2 over client over any. */
		if (best == NULL || (n->side != NULL && (best->side == NULL ||
		    strlen(n->side) > strlen(best->side))))
			best = n;
	}
	return best;
}

const char *
lesson_narration_text(const struct lesson *l, const char *side,
    const char *call, bool after, enum lang lang)
{
	const struct lesson_narration *n = narration_best(l, side, call, after,
	    lang);

	if (n == NULL)
		return NULL;
	return after ? n->after[lang] : n->before[lang];
}

const struct lesson_narration *
lesson_narration_shown(const struct lesson *l, const struct lab_event *ev,
    enum lang lang, bool *after)
{
	*after = ev->type == LEV_RETURN;
	if (ev->call == NULL || ev->side == NULL ||
	    (ev->type != LEV_CALL && ev->type != LEV_RETURN))
		return NULL;
	if (*after && ev->call->err != 0)
		return NULL;
	return narration_best(l, ev->side->name, ev->call->desc->name, *after,
	    lang);
}
