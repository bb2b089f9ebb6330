/*
 * lesson-facts.c - kernel settings a lesson's text quotes, filled in
 * when the lesson is loaded, from the kernel of that moment: a lesson
 * writes {somaxconn} rather than 4096, which another machine may not
 * have.
 *
 *	{somaxconn}	net.core.somaxconn
 *	{syn_schedule}	when an unanswered SYN is sent again: "1, 2, 3 s"
 *	{syn_timeout}	when such a connect() fails with ETIMEDOUT, in s
 */
#include <stdlib.h>
#include <string.h>

#include "lesson.h"

#define SYN_SCHEDULE_MAX 16

typedef void fact_fn(struct sbuf *);

static void
fact_somaxconn(struct sbuf *b)
{
	long v;

	if (sock_sysctl("net/core/somaxconn", &v) == 0)
		sbuf_addf(b, "%ld", v);
	else
		sbuf_add(b, "?");
}

static void
fact_syn_schedule(struct sbuf *b)
{
	long at[SYN_SCHEDULE_MAX], timeout;
	size_t i, n = tcp_syn_schedule(at, SYN_SCHEDULE_MAX, &timeout);

	for (i = 0; i < n; i++)
		sbuf_addf(b, "%s%ld", i > 0 ? ", " : "", at[i]);
	sbuf_add(b, " s");
}

static void
fact_syn_timeout(struct sbuf *b)
{
	long at[1], timeout;

	(void)tcp_syn_schedule(at, 1, &timeout);
	sbuf_addf(b, "%ld", timeout);
}

static const struct {
	const char	*name;
	fact_fn		*fn;
} facts[] = {
	{ "{somaxconn}", fact_somaxconn },
	{ "{syn_schedule}", fact_syn_schedule },
	{ "{syn_timeout}", fact_syn_timeout },
};

/* One text with its facts filled in; untouched if it names none. */
static void
expand(char **textp)
{
	const char *p;
	struct sbuf b;
	size_t i;
	bool any = false;

	if (*textp == NULL || strchr(*textp, '{') == NULL)
		return;
	sbuf_init(&b);
	for (p = *textp; *p != '\0'; ) {
		for (i = 0; i < sizeof facts / sizeof facts[0]; i++)
			if (strncmp(p, facts[i].name, strlen(facts[i].name)) ==
			    0)
				break;
		if (i == sizeof facts / sizeof facts[0]) {
			sbuf_addc(&b, *p++);
			continue;
		}
		facts[i].fn(&b);
		p += strlen(facts[i].name);
		any = true;
	}
	if (any) {
		free(*textp);
		*textp = xstrdup(sbuf_str(&b));
	}
	sbuf_finish(&b);
}

void
lesson_fill_facts(struct lesson *l)
{
	size_t j;
	int i;

	for (i = 0; i < LANG_COUNT; i++) {
		expand(&l->goal[i]);
		for (j = 0; j < l->nnarr; j++) {
			expand(&l->narr[j].before[i]);
			expand(&l->narr[j].after[i]);
		}
		for (j = 0; j < l->npred; j++) {
			expand(&l->pred[j].question[i]);
			expand(&l->pred[j].choices[i]);
			expand(&l->pred[j].explain[i]);
		}
	}
}
