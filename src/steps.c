/*
 * steps.c - step SPECs: "s" steps the server, "c" client 1, "c2" client 2,
 * a trailing "+" runs that side until it blocks or exits; "all+" runs
 * every side at once, without pausing, until all have exited or are stuck.
 * "s@bind" takes the server's bind(), letting any call before it run
 * through first: a guided order that names its calls holds for a
 * program with one more (setsockopt) or one fewer.  "w" lets no side
 * run: it waits until a blocked call returns by the kernel's own doing
 * (a dropped SYN sent again by its timer).  "s!" starts the server
 * again, as a new traced process of the same command (the lab's port,
 * not a new one), once the old one has exited, paused before its first
 * call as at the start; "s!NAME" starts the lesson's [programs] NAME in
 * its place (the book's server, a fixed one).  "c!", "c2!NAME" likewise
 * for a client.  Tokens are separated by spaces or commas.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "lesson.h"

static int
step_parse_token(const char *tok, int nclients, struct step *st)
{
	size_t len = strlen(tok);
	const char *p = tok, *at;
	int n = 1;

	if (len == 0 || len >= sizeof st->token)
		return -1;
	strlcpy(st->token, tok, sizeof st->token);
	st->call[0] = '\0';
	st->prog[0] = '\0';
	/* s!, s!NAME: the side started again. */
	if ((at = strchr(tok, '!')) != NULL) {
		if (at[1] != '\0' && !lesson_program_name_ok(at + 1))
			return -4;
		strlcpy(st->prog, at + 1, sizeof st->prog);
		len = (size_t)(at - tok);
		if (len == 0 || memchr(tok, '@', len) != NULL ||
		    tok[len - 1] == '+')
			return -1;
		st->op = STEP_RESTART;
		goto side;
	}
	/* s@bind: the call the step takes, after any before it. */
	if ((at = strchr(tok, '@')) != NULL) {
		if (at[1] == '\0' || strlen(at + 1) >= sizeof st->call ||
		    sc_lookup_name(at + 1) == NULL)
			return -3;
		strlcpy(st->call, at + 1, sizeof st->call);
		len = (size_t)(at - tok);
		if (len == 0 || tok[len - 1] == '+')
			return -1;	/* s+@x would mean two things */
	}
	if (strcmp(tok, "w") == 0) {
		st->op = STEP_WAIT;
		st->side = -1;
		return 0;
	}
	if (strcmp(tok, "all+") == 0) {
		st->op = STEP_ALL;
		st->side = -1;
		return 0;
	}
	st->op = STEP_ONE;
	if (tok[len - 1] == '+') {
		st->op = STEP_RUN;
		len--;
	}
side:
	if (len == 1 && *p == 's') {
		st->side = 0;
		return 0;
	}
	if (*p != 'c')
		return -1;
	if (len > 1) {
		if (len != 2 || !isdigit((unsigned char)p[1]) || p[1] == '0')
			return -1;
		n = p[1] - '0';
	}
	if (n > nclients)
		return -2;
	st->side = n;
	return 0;
}

int
steps_parse(const char *spec, int nclients, struct step **stepsp,
    size_t *np, char *err, size_t errlen)
{
	struct step *steps = NULL;
	char *copy = xstrdup(spec), *tok, *save = NULL;
	size_t n = 0;
	int rc;

	for (tok = strtok_r(copy, " \t\n,", &save); tok != NULL;
	    tok = strtok_r(NULL, " \t\n,", &save)) {
		steps = xreallocarray(steps, n + 1, sizeof *steps);
		rc = step_parse_token(tok, nclients, &steps[n]);
		if (rc == -1) {
			snprintf(err, errlen, _("bad step '%s' (expected s, c, "
			    "cN, with an optional + to run until it blocks, "
			    "@CALL to take that call, or ! to start it again; "
			    "all+; w)"), tok);
			goto fail;
		}
		if (rc == -4) {
			snprintf(err, errlen, _("bad step '%s': after ! comes "
			    "nothing (the side's own program again) or the "
			    "name of one of the lesson's [programs]"), tok);
			goto fail;
		}
		if (rc == -3) {
			snprintf(err, errlen, _("bad step '%s': after @ comes "
			    "the name of a watched call (socket, bind, "
			    "connect, ...)"), tok);
			goto fail;
		}
		if (rc == -2) {
			snprintf(err, errlen, ngettext("bad step '%s': there is "
			    "only %d client", "bad step '%s': there are only "
			    "%d clients", (unsigned long)nclients), tok,
			    nclients);
			goto fail;
		}
		n++;
	}
	if (n == 0) {
		snprintf(err, errlen, "%s", _("empty step list"));
		goto fail;
	}
	free(copy);
	*stepsp = steps;
	*np = n;
	return 0;
fail:
	free(copy);
	free(steps);
	return -1;
}

/* A step from its parts, with the token a SPEC would spell it with. */
void
step_make(struct step *st, int side, enum step_op op)
{
	const char *plus = op == STEP_RUN ? "+" : "";

	memset(st, 0, sizeof *st);
	st->side = side;
	st->op = op;
	if (op == STEP_ALL || op == STEP_WAIT) {
		st->side = -1;
		strlcpy(st->token, op == STEP_ALL ? "all+" : "w",
		    sizeof st->token);
	} else if (side == 0)
		snprintf(st->token, sizeof st->token, "s%s", plus);
	else if (side == 1)
		snprintf(st->token, sizeof st->token, "c%s", plus);
	else
		snprintf(st->token, sizeof st->token, "c%d%s", side, plus);
}
