/*
 * steps.c - step SPECs: "s" steps the server, "c" client 1, "c2" client 2,
 * a trailing "+" runs that side until it blocks or exits; "all+" runs
 * every side at once, without pausing, until all have exited or are stuck.
 * A side steps its task paused longest; ".N" names one task of it
 * ("s.2", "c2.3+", "s.2@read"), numbered in order of appearance.
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
 *
 * "c<TEXT" types the line TEXT (and Enter) into client 1's terminal at
 * that point of the order ("s<", "c2<" for the others); "c<^D" types
 * end-of-file (Ctrl-D).  A line with spaces or commas is quoted,
 * c<"hello world" or c<'a, b', or written with escapes: \x20 is a
 * byte in hex, \ followed by any other character is that character.
 * A step's token spells its text with escapes only (c<hello\x20world),
 * so a record file holds it as one word.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "lesson.h"

/* ".N" at the end of tok[0..*len): the task, cut off. */
static int
step_parse_task(const char *tok, size_t *len, unsigned *task)
{
	const char *dot = memchr(tok, '.', *len);
	size_t i, n;
	unsigned long v = 0;

	if (dot == NULL)
		return 0;
	n = *len - (size_t)(dot - tok) - 1;
	if (n == 0 || n > 5 || dot[1] == '0')
		return -1;
	for (i = 1; i <= n; i++) {
		if (!isdigit((unsigned char)dot[i]))
			return -1;
		v = v * 10 + (unsigned long)(dot[i] - '0');
	}
	*task = (unsigned)v;
	*len = (size_t)(dot - tok);
	return 0;
}

/* Bytes a type step's token writes as \xHH: separators, quotes, the
 * record file's comment sign, controls. */
static bool
step_escaped(unsigned char c)
{
	return c <= 0x20 || c == 0x7f || strchr(",#\"'\\", c) != NULL;
}

static int
step_hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The text of "c<TEXT", quotes and escapes undone; -1 if malformed. */
static int
step_parse_text(const char *p, struct step *st)
{
	size_t n = 0;
	char quote = 0, c;
	int h, l;

	if (strcmp(p, "^D") == 0) {
		st->eof = true;
		return 0;
	}
	for (; *p != '\0'; p++) {
		if (quote == 0 && (*p == '"' || *p == '\'')) {
			quote = *p;
			continue;
		}
		if (quote != 0 && *p == quote) {
			quote = 0;
			continue;
		}
		c = *p;
		if (c == '\\' && quote != '\'') {
			if (p[1] == 'x' && (h = step_hex(p[2])) >= 0 &&
			    (l = step_hex(p[3])) >= 0) {
				c = (char)(h * 16 + l);
				p += 3;
			} else if (p[1] != '\0')
				c = *++p;
		}
		if (((unsigned char)c < 0x20 && c != '\t') || c == 0x7f ||
		    n == STEP_TEXT_MAX)
			return -1;
		st->text[n++] = c;
	}
	st->text[n] = '\0';
	return quote == 0 ? 0 : -1;
}

/* "c2<": the side's part of a token. */
static void
step_side_prefix(char *buf, size_t len, int side)
{
	if (side == 0)
		snprintf(buf, len, "s");
	else if (side == 1)
		snprintf(buf, len, "c");
	else
		snprintf(buf, len, "c%d", side);
}

/* The token of a type step: its text escaped, one word. */
static void
step_type_token(struct step *st)
{
	char *t = st->token;
	size_t i, n;

	step_side_prefix(t, sizeof st->token, st->side);
	n = strlen(t);
	t[n++] = '<';
	if (st->eof) {
		strlcpy(t + n, "^D", sizeof st->token - n);
		return;
	}
	for (i = 0; st->text[i] != '\0'; i++) {
		unsigned char c = (unsigned char)st->text[i];

		if (step_escaped(c) || (i == 0 && c == '^' &&
		    strcmp(st->text, "^D") == 0))
			n += (size_t)snprintf(t + n, sizeof st->token - n,
			    "\\x%02x", c);
		else
			t[n++] = (char)c;
	}
	t[n] = '\0';
}

int
step_make_type(struct step *st, int side, const char *text)
{
	memset(st, 0, sizeof *st);
	st->op = STEP_TYPE;
	st->side = side;
	if (text == NULL)
		st->eof = true;
	else if (strlcpy(st->text, text, sizeof st->text) >= sizeof st->text)
		return -1;
	step_type_token(st);
	return 0;
}

/* "c2<hello": a type step; -1 bad side, -2 no such client, -5 bad text. */
static int
step_parse_type(const char *tok, const char *lt, int nclients,
    struct step *st)
{
	size_t len = (size_t)(lt - tok);
	int n = 1;

	memset(st, 0, sizeof *st);
	st->op = STEP_TYPE;
	if (len == 1 && tok[0] == 's')
		st->side = 0;
	else if (tok[0] == 'c' && (len == 1 || (len == 2 &&
	    isdigit((unsigned char)tok[1]) && tok[1] != '0'))) {
		if (len == 2)
			n = tok[1] - '0';
		if (n > nclients)
			return -2;
		st->side = n;
	} else
		return -1;
	if (step_parse_text(lt + 1, st) == -1)
		return -5;
	step_type_token(st);
	return 0;
}

static int
step_parse_token(const char *tok, int nclients, struct step *st)
{
	size_t len = strlen(tok);
	const char *p = tok, *at, *lt;
	int n = 1;

	if ((lt = strchr(tok, '<')) != NULL &&
	    ((at = strchr(tok, '@')) == NULL || at > lt))
		return step_parse_type(tok, lt, nclients, st);
	memset(st, 0, sizeof *st);
	if (len == 0 || len >= sizeof st->token)
		return -1;
	strlcpy(st->token, tok, sizeof st->token);
	st->call[0] = '\0';
	st->prog[0] = '\0';
	st->task = 0;
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
	if (step_parse_task(tok, &len, &st->task) == -1)
		return -1;
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

/* The next token at *p, ended by a separator outside quotes (which
 * only a type step's text has); 1, 0 at the end, -1 for an open quote
 * (*tok then names where it began). */
static int
step_next_token(char **p, char **tok)
{
	char *s = *p, quote = 0;

	s += strspn(s, " \t\n,");
	if (*s == '\0')
		return 0;
	*tok = s;
	for (; *s != '\0'; s++) {
		if (quote != 0) {
			if (*s == quote)
				quote = 0;
		} else if (*s == '"' || *s == '\'')
			quote = *s;
		else if (*s == '\\' && s[1] != '\0')
			s++;
		else if (strchr(" \t\n,", *s) != NULL)
			break;
	}
	if (quote != 0)
		return -1;
	if (*s != '\0')
		*s++ = '\0';
	*p = s;
	return 1;
}

int
steps_parse(const char *spec, int nclients, struct step **stepsp,
    size_t *np, char *err, size_t errlen)
{
	struct step *steps = NULL;
	char *copy = xstrdup(spec), *tok, *save = copy;
	size_t n = 0, cap = 0;
	int rc;

	while ((rc = step_next_token(&save, &tok)) == 1) {
		/* Doubled, not grown by one: a step is 1.4 KB, and a script
		 * of 8,000 steps moved its array 2,500 times (bench/run's
		 * slope counted that as cost per step). */
		if (n == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			steps = xreallocarray(steps, cap, sizeof *steps);
		}
		rc = step_parse_token(tok, nclients, &steps[n]);
		if (rc == -1) {
			snprintf(err, errlen, _("bad step '%s' (expected s, c, "
			    "cN, optionally .N for one task of it (s.2), with "
			    "an optional + to run until it blocks, @CALL to "
			    "take that call, or ! to start it again, or <TEXT "
			    "to type a line; all+; w)"), tok);
			goto fail;
		}
		if (rc == -5) {
			snprintf(err, errlen, _("bad step '%s': c<TEXT types a "
			    "line of at most %d bytes, no control characters "
			    "(quote it for spaces: c<\"a b\"; c<^D is "
			    "end-of-file)"), tok, STEP_TEXT_MAX);
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
	if (rc == -1) {
		snprintf(err, errlen, _("unterminated quote in '%s'"), tok);
		goto fail;
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

/* One task of the side (0: the side's own choice), in the token too:
 * "s.2", "c2.3+". */
void
step_set_task(struct step *st, unsigned task)
{
	char *plus;

	st->task = task;
	if (task == 0 || st->op == STEP_ALL)
		return;
	plus = strchr(st->token, '+');
	if (plus != NULL)
		*plus = '\0';
	snprintf(st->token + strlen(st->token), sizeof st->token -
	    strlen(st->token), ".%u%s", task, st->op == STEP_RUN ? "+" : "");
}
