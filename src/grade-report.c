/*
 * grade-report.c - a worker's verdict on its way to the grader, and the
 * class's verdicts as a Gradescope results file.
 *
 * The report is binary and length-prefixed: a type byte, then each
 * string as a 4-byte length and its bytes.  Nothing a program prints is
 * parsed as a verdict: the worker alone writes the pipe, from the checks
 * it evaluated against the kernel, and a program's text only ever rides
 * inside a length-counted string (its transcript), never as a record.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "grade.h"

#define REC_CHECK	'C'
#define REC_REASON	'R'
#define REC_END		'E'
#define REPORT_MAX	(8 * 1024 * 1024)	/* a report longer is cut */

static void
put_all(int fd, const void *p, size_t len)
{
	const char *c = p;
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, c, len)) == -1) {
			if (errno == EINTR)
				continue;
			return;	/* the grader is gone: nothing to tell */
		}
		c += n;
		len -= (size_t)n;
	}
}

static void
put_u32(struct sbuf *b, uint32_t v)
{
	sbuf_addn(b, (const char *)&v, sizeof v);
}

static void
put_str(struct sbuf *b, const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0;

	put_u32(b, (uint32_t)n);
	if (n > 0)
		sbuf_addn(b, s, n);
}

static void
put_record(int fd, struct sbuf *b)
{
	put_all(fd, sbuf_str(b), b->len);
	sbuf_finish(b);
}

void
grade_report_check(int fd, size_t index, bool ok, const char *why,
    const char *context)
{
	struct sbuf b;

	sbuf_init(&b);
	sbuf_addc(&b, REC_CHECK);
	put_u32(&b, (uint32_t)index);
	put_u32(&b, ok);
	put_str(&b, why);
	put_str(&b, context);
	put_record(fd, &b);
}

void
grade_report_reason(int fd, const char *reason, const char *context)
{
	struct sbuf b;

	sbuf_init(&b);
	sbuf_addc(&b, REC_REASON);
	put_str(&b, reason);
	put_str(&b, context);
	put_record(fd, &b);
}

void
grade_report_end(int fd)
{
	char c = REC_END;

	put_all(fd, &c, 1);
}

/* The reader's cursor over what arrived. */
struct cursor {
	const char	*p;
	size_t		 left;
};

static bool
get_u32(struct cursor *c, uint32_t *v)
{
	if (c->left < sizeof *v)
		return false;
	memcpy(v, c->p, sizeof *v);
	c->p += sizeof *v;
	c->left -= sizeof *v;
	return true;
}

static bool
get_str(struct cursor *c, char **s)
{
	uint32_t n;

	if (!get_u32(c, &n) || n > c->left)
		return false;
	*s = xmalloc((size_t)n + 1);
	memcpy(*s, c->p, n);
	(*s)[n] = '\0';
	c->p += n;
	c->left -= n;
	return true;
}

void
grade_result_parse(struct grade_result *r, const char *data, size_t len,
    size_t nchecks)
{
	struct cursor c;
	char *why, *ctx;
	uint32_t idx, ok;

	memset(r, 0, sizeof *r);
	r->nchecks = nchecks;
	r->checks = xcalloc(nchecks + 1, sizeof *r->checks);
	c.p = data;
	c.left = len > REPORT_MAX ? REPORT_MAX : len;
	while (c.left > 0 && !r->complete) {
		char type = *c.p++;

		c.left--;
		why = ctx = NULL;
		if (type == REC_END) {
			r->complete = true;
		} else if (type == REC_CHECK && get_u32(&c, &idx) &&
		    get_u32(&c, &ok) && get_str(&c, &why) &&
		    get_str(&c, &ctx) && idx < nchecks) {
			struct grade_check *k = &r->checks[idx];

			free(k->why);
			free(k->context);
			k->reached = true;
			k->ok = ok != 0;
			k->why = why;
			k->context = ctx;
			why = ctx = NULL;
		} else if (type == REC_REASON && get_str(&c, &why) &&
		    get_str(&c, &ctx)) {
			if (r->reason == NULL) {	/* the first one holds */
				r->reason = why;
				r->reason_context = ctx;
				why = ctx = NULL;
			}
		} else {
			free(why);
			free(ctx);
			break;
		}
		free(why);
		free(ctx);
	}
}

void
grade_result_finish(struct grade_result *r)
{
	size_t i;

	for (i = 0; r->checks != NULL && i < r->nchecks; i++) {
		free(r->checks[i].why);
		free(r->checks[i].context);
	}
	free(r->checks);
	free(r->reason);
	free(r->reason_context);
	free(r->jsonl);
	free(r->divergence);
	memset(r, 0, sizeof *r);
}

unsigned
grade_result_score(const struct grade_result *r)
{
	unsigned score = 0;
	size_t i;

	for (i = 0; i < r->nchecks; i++)
		if (r->checks[i].reached && r->checks[i].ok)
			score++;
	/* The limits are a test of their own: kept, or the reason. */
	if (r->complete && r->reason == NULL)
		score++;
	return score;
}

bool
grade_result_passed(const struct grade_result *r)
{
	return grade_result_score(r) == r->nchecks + 1;
}

void
grade_check_name(struct sbuf *b, const struct lesson_check *c)
{
	if (c->step == 0)
		sbuf_addf(b, _("at the end: %s"), c->expr);
	else
		sbuf_addf(b, _("after step %u: %s"), c->step, c->expr);
}

/* One line of the class's list: no control character of anyone's. */
static void
add_line(struct sbuf *b, const char *s)
{
	for (; *s != '\0'; s++)
		sbuf_addc(b, (unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s);
}

void
grade_result_words(struct sbuf *b, const struct grade_result *r,
    const struct lesson *l)
{
	struct sbuf name;
	size_t i;

	if (r->reason != NULL) {
		add_line(b, r->reason);
		return;
	}
	if (!r->complete) {
		sbuf_add(b, _("the grading of this submission ended before "
		    "its verdict"));
		return;
	}
	for (i = 0; i < r->nchecks; i++) {
		if (r->checks[i].reached && r->checks[i].ok)
			continue;
		sbuf_init(&name);
		grade_check_name(&name, &l->checks[i]);
		add_line(b, sbuf_str(&name));
		sbuf_add(b, ": ");
		add_line(b, r->checks[i].why != NULL ? r->checks[i].why :
		    _("not reached"));
		if (r->divergence != NULL) {
			/* The finding, its first line; the details (where,
			 * the reference's call) are in the results file. */
			size_t n = strcspn(r->divergence, "\n");
			char *first = xstrndup(r->divergence, n);

			sbuf_add(b, "; ");
			add_line(b, first);
			free(first);
		}
		sbuf_finish(&name);
		return;
	}
}

/* A test of the results file. */
static void
json_test(struct sbuf *b, bool *first, const char *label, const char *name,
    bool ok, const char *output)
{
	struct sbuf full;

	sbuf_init(&full);
	if (label[0] != '\0')
		sbuf_addf(&full, "%s: ", label);
	sbuf_add(&full, name);
	sbuf_addf(b, "%s\n    {\"name\": ", *first ? "" : ",");
	sbuf_add_json(b, sbuf_str(&full));
	sbuf_addf(b, ", \"score\": %d, \"max_score\": 1, \"status\": \"%s\", "
	    "\"output\": ", ok ? 1 : 0, ok ? "passed" : "failed");
	sbuf_add_json(b, output != NULL ? output : "");
	sbuf_add(b, "}");
	*first = false;
	sbuf_finish(&full);
}

void
grade_results_json(struct sbuf *b, const struct grade_entry *e, size_t n,
    const struct lesson *l)
{
	struct sbuf name, out;
	unsigned score = 0, max = 0;
	bool first = true, said;
	size_t i, k;

	for (i = 0; i < n; i++) {
		score += grade_result_score(&e[i].res);
		max += (unsigned)e[i].res.nchecks + 1;
	}
	sbuf_addf(b, "{\n  \"score\": %u,\n  \"max_score\": %u,\n"
	    "  \"tests\": [", score, max);
	for (i = 0; i < n; i++) {
		const struct grade_result *r = &e[i].res;

		sbuf_init(&out);
		if (r->reason != NULL)
			sbuf_addf(&out, "%s\n\n%s", r->reason,
			    r->reason_context != NULL ? r->reason_context : "");
		else if (!r->complete)
			grade_result_words(&out, r, l);
		json_test(b, &first, e[i].label,
		    _("builds, and runs within the limits"),
		    r->complete && r->reason == NULL, sbuf_str(&out));
		sbuf_finish(&out);
		said = false;
		for (k = 0; k < r->nchecks; k++) {
			const struct grade_check *c = &r->checks[k];

			sbuf_init(&name);
			sbuf_init(&out);
			grade_check_name(&name, &l->checks[k]);
			if (!c->reached)
				sbuf_addf(&out, _("not reached: %s"),
				    r->reason != NULL ? r->reason :
				    _("the run ended before this check"));
			else if (!c->ok) {
				/* The first failure leads with where the
				 * run left the reference's. */
				if (!said && r->divergence != NULL)
					sbuf_addf(&out, "%s\n\n",
					    r->divergence);
				said = true;
				sbuf_addf(&out, "%s\n\n%s", c->why != NULL ?
				    c->why : "", c->context != NULL ?
				    c->context : "");
			}
			json_test(b, &first, e[i].label, sbuf_str(&name),
			    c->reached && c->ok, sbuf_str(&out));
			sbuf_finish(&name);
			sbuf_finish(&out);
		}
	}
	sbuf_add(b, "\n  ]\n}\n");
}
