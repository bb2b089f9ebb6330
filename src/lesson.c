/*
 * lesson.c - loading and checking a lesson file.  The format is INI, as
 * libinih reads it, so a teacher can write it without reading C:
 *
 *	[lesson]
 *	title.en = Hello World: the whole call flow
 *	title.zh = ...
 *	server = server {port}
 *	client = client {ip} {port}
 *	steps = s s s c c s s s s c c
 *	[programs]
 *	book = server {port}
 *	    (a line that begins with a blank continues the value above)
 *
 * Every mistake is reported as "file:line: message".  The parser never
 * executes anything; lesson_argv() only builds argument vectors.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lesson.h"

#define LESSON_MAX_BYTES	(256 * 1024)	/* a lesson is a page, not a book */
#define LESSON_MAX_LINE		4096

enum lesson_key_kind { LK_TEXT, LK_INT };

struct lesson_key {
	const char		*section;
	const char		*name;
	enum lesson_key_kind	 kind;
	size_t			 offset;	/* of the char * or int in struct lesson */
	int			 min, max;
};

#define LK_STR(s, n, field) \
	{ .section = s, .name = n, .kind = LK_TEXT, \
	  .offset = offsetof(struct lesson, field) }

static const struct lesson_key lesson_keys[] = {
	LK_STR("lesson", "title.en", title[LANG_EN]),
	LK_STR("lesson", "title.zh", title[LANG_ZH]),
	LK_STR("lesson", "goal.en", goal[LANG_EN]),
	LK_STR("lesson", "goal.zh", goal[LANG_ZH]),
	LK_STR("lesson", "server", server_cmd),
	LK_STR("lesson", "client", client_cmd),
	LK_STR("lesson", "steps", steps),
	{ .section = "lesson", .name = "clients", .kind = LK_INT,
	  .offset = offsetof(struct lesson, clients), .min = 1,
	  .max = SOCKSTEP_MAX_CLIENTS },
};

const char *const lang_names[LANG_COUNT] = { [LANG_EN] = "en", [LANG_ZH] = "zh" };

static int
lang_of(const char *s)
{
	int i;

	for (i = 0; i < LANG_COUNT; i++)
		if (strcmp(s, lang_names[i]) == 0)
			return i;
	return -1;
}

static int
set_text(char **dst, const char *value, const char *where, const char *key,
    char *err, size_t errlen)
{
	if (*dst != NULL) {
		snprintf(err, errlen, "%s: %s given twice", where, key);
		return -1;
	}
	*dst = xstrdup(value);
	return 0;
}

static int
lesson_set_main(struct lesson *l, const char *key, const char *value,
    unsigned lineno, const char *where, char *err, size_t errlen)
{
	const struct lesson_key *k;
	const char *errstr;
	size_t i;

	for (i = 0; i < sizeof lesson_keys / sizeof lesson_keys[0]; i++) {
		k = &lesson_keys[i];
		if (strcmp(k->name, key) != 0)
			continue;
		if (k->kind == LK_INT) {
			int v = (int)strtonum(value, k->min, k->max, &errstr);

			if (errstr != NULL) {
				snprintf(err, errlen, "%s: %s = %s: %s (%d to %d)",
				    where, key, value, errstr, k->min, k->max);
				return -1;
			}
			*(int *)(void *)((char *)l + k->offset) = v;
			return 0;
		}
		if (strncmp(key, "title.", 6) == 0 && l->title_line == 0)
			l->title_line = lineno;
		if (strcmp(key, "steps") == 0)
			l->steps_line = lineno;
		return set_text((char **)(void *)((char *)l + k->offset), value,
		    where, key, err, errlen);
	}
	snprintf(err, errlen, "%s: unknown key '%s' in [lesson]", where, key);
	return -1;
}

/* [SIDE.]CALL.before|after.LANG */
static int
lesson_set_narration(struct lesson *l, const char *key, const char *value,
    unsigned lineno, const char *where, char *err, size_t errlen)
{
	char *copy = xstrdup(key), *part[4], *p, *save = NULL;
	const char *side = NULL, *call;
	struct lesson_narration *n = NULL;
	int np = 0, lang, rc = -1;
	bool after;
	size_t i;

	for (p = strtok_r(copy, ".", &save); p != NULL && np < 4;
	    p = strtok_r(NULL, ".", &save))
		part[np++] = p;
	if (p != NULL || np < 3 || (lang = lang_of(part[np - 1])) < 0 ||
	    (strcmp(part[np - 2], "before") != 0 &&
	    strcmp(part[np - 2], "after") != 0)) {
		snprintf(err, errlen, "%s: narration key '%s' should be "
		    "[side.]call.before|after.en|zh", where, key);
		goto out;
	}
	after = strcmp(part[np - 2], "after") == 0;
	call = part[np - 3];
	if (np == 4)
		side = part[0];
	for (i = 0; i < l->nnarr && n == NULL; i++) {
		if (strcmp(l->narr[i].call, call) == 0 &&
		    ((side == NULL && l->narr[i].side == NULL) ||
		    (side != NULL && l->narr[i].side != NULL &&
		    strcmp(side, l->narr[i].side) == 0)))
			n = &l->narr[i];
	}
	if (n == NULL) {
		l->narr = xreallocarray(l->narr, l->nnarr + 1, sizeof *l->narr);
		n = &l->narr[l->nnarr++];
		memset(n, 0, sizeof *n);
		n->side = side != NULL ? xstrdup(side) : NULL;
		n->call = xstrdup(call);
		n->line = lineno;
	}
	/* check-lesson names the key a text that never shows came from */
	if (after && n->after_line == 0)
		n->after_line = lineno;
	else if (!after && n->before_line == 0)
		n->before_line = lineno;
	rc = set_text(after ? &n->after[lang] : &n->before[lang], value, where,
	    key, err, errlen);
out:
	free(copy);
	return rc;
}

/* N.question|choices|explain.LANG, N.answer */
static int
lesson_set_predict(struct lesson *l, const char *key, const char *value,
    unsigned lineno, const char *where, char *err, size_t errlen)
{
	struct lesson_predict *pr = NULL;
	const char *errstr, *dot = strchr(key, '.'), *field, *ldot;
	char num[8];
	unsigned step;
	int lang = -1;
	size_t i;

	if (dot == NULL || (size_t)(dot - key) >= sizeof num)
		goto bad;
	memcpy(num, key, (size_t)(dot - key));
	num[dot - key] = '\0';
	step = (unsigned)strtonum(num, 1, 10000, &errstr);
	if (errstr != NULL)
		goto bad;
	field = dot + 1;
	if ((ldot = strchr(field, '.')) != NULL &&
	    (lang = lang_of(ldot + 1)) < 0)
		goto bad;
	for (i = 0; i < l->npred && pr == NULL; i++)
		if (l->pred[i].step == step)
			pr = &l->pred[i];
	if (pr == NULL) {
		l->pred = xreallocarray(l->pred, l->npred + 1, sizeof *l->pred);
		pr = &l->pred[l->npred++];
		memset(pr, 0, sizeof *pr);
		pr->step = step;
		pr->line = lineno;
	}
	if (strcmp(field, "answer") == 0) {
		pr->answer = (int)strtonum(value, 1, LESSON_MAX_CHOICES, &errstr);
		if (errstr != NULL) {
			snprintf(err, errlen, "%s: answer '%s' is not a choice "
			    "number (1 to %d)", where, value, LESSON_MAX_CHOICES);
			return -1;
		}
		return 0;
	}
	if (lang < 0)
		goto bad;
	if (strncmp(field, "question.", 9) == 0)
		return set_text(&pr->question[lang], value, where, key, err,
		    errlen);
	if (strncmp(field, "choices.", 8) == 0)
		return set_text(&pr->choices[lang], value, where, key, err,
		    errlen);
	if (strncmp(field, "explain.", 8) == 0)
		return set_text(&pr->explain[lang], value, where, key, err,
		    errlen);
bad:
	snprintf(err, errlen, "%s: prediction key '%s' should be "
	    "N.question|choices|explain.en|zh or N.answer", where, key);
	return -1;
}

/* after N = EXPR, end = EXPR (as many as needed) */
static int
lesson_set_check(struct lesson *l, const char *key, const char *value,
    unsigned lineno, const char *where, char *err, size_t errlen)
{
	const char *errstr;
	unsigned step = 0;

	if (strncmp(key, "after ", 6) == 0) {
		step = (unsigned)strtonum(key + 6, 1, 10000, &errstr);
		if (errstr != NULL)
			step = 0;
		if (step == 0) {
			snprintf(err, errlen, "%s: '%s': expected 'after N' "
			    "with N a guided step number", where, key);
			return -1;
		}
	} else if (strcmp(key, "end") != 0) {
		snprintf(err, errlen, "%s: check key '%s' should be 'after N' "
		    "or 'end'", where, key);
		return -1;
	}
	l->checks = xreallocarray(l->checks, l->nchecks + 1, sizeof *l->checks);
	l->checks[l->nchecks].step = step;
	l->checks[l->nchecks].expr = xstrdup(value);
	l->checks[l->nchecks++].line = lineno;
	return 0;
}

/* SIDE = TEXT, as many as needed, in the order typed. */
static int
lesson_set_input(struct lesson *l, const char *key, const char *value,
    unsigned lineno, const char *where, char *err, size_t errlen)
{
	if (strcmp(key, "server") != 0 && strcmp(key, "client") != 0 &&
	    (strncmp(key, "client", 6) != 0 || key[6] < '2' || key[6] > '9' ||
	    key[7] != '\0')) {
		snprintf(err, errlen, "%s: input key '%s' should be server, "
		    "client or client2..client9", where, key);
		return -1;
	}
	l->input = xreallocarray(l->input, l->ninput + 1, sizeof *l->input);
	l->input[l->ninput].side = xstrdup(key);
	l->input[l->ninput].text = xstrdup(value);
	l->input[l->ninput++].line = lineno;
	return 0;
}

bool
lesson_program_name_ok(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-");

	return n > 0 && n < LESSON_PROGRAM_NAME && s[n] == '\0';
}

const struct lesson_program *
lesson_program(const struct lesson *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->nprogs; i++)
		if (strcmp(l->progs[i].name, name) == 0)
			return &l->progs[i];
	return NULL;
}

/* NAME = COMMAND: a program a step can start a side with (s!NAME). */
static int
lesson_set_program(struct lesson *l, const char *key, const char *value,
    unsigned lineno, const char *where, char *err, size_t errlen)
{
	struct lesson_program *pr;

	if (!lesson_program_name_ok(key)) {
		snprintf(err, errlen, "%s: program name '%s' should be 1 to "
		    "%d letters, digits, _ or -", where, key,
		    LESSON_PROGRAM_NAME - 1);
		return -1;
	}
	if (lesson_program(l, key) != NULL) {
		snprintf(err, errlen, "%s: program '%s' given twice", where,
		    key);
		return -1;
	}
	if (*value == '\0') {
		snprintf(err, errlen, "%s: program '%s' has no command", where,
		    key);
		return -1;
	}
	l->progs = xreallocarray(l->progs, l->nprogs + 1, sizeof *l->progs);
	pr = &l->progs[l->nprogs++];
	strlcpy(pr->name, key, sizeof pr->name);
	pr->cmd = xstrdup(value);
	pr->line = lineno;
	return 0;
}

static const struct {
	const char *name;
	int (*set)(struct lesson *, const char *, const char *, unsigned,
	    const char *, char *, size_t);
} lesson_sections[] = {
	{ "lesson", lesson_set_main },
	{ "narration", lesson_set_narration },
	{ "predict", lesson_set_predict },
	{ "checks", lesson_set_check },
	{ "input", lesson_set_input },
	{ "programs", lesson_set_program },
};

static int
lesson_section(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof lesson_sections / sizeof lesson_sections[0]; i++)
		if (strcmp(lesson_sections[i].name, name) == 0)
			return (int)i;
	return -1;
}

/*
 * UTF-8 text without control characters: a file saved in GBK, or with
 * an escape sequence in its narration, would reach the screen and the
 * transcript as it is.
 */
static int
lesson_check_text(const char *text, size_t len, const char *fname,
    char *err, size_t errlen)
{
	const unsigned char *s = (const unsigned char *)text;
	unsigned lineno = 1;
	size_t i = 0, n;

	while (i < len) {
		if (s[i] == '\n' || s[i] == '\r' || s[i] == '\t') {
			lineno += s[i++] == '\n';
			continue;
		}
		if ((n = utf8_char_len(s + i, len - i)) == 0) {
			snprintf(err, errlen, s[i] < 0x80 ?
			    _("%s:%u: control character 0x%02x (only text, "
			    "tabs and newlines)") : _("%s:%u: invalid UTF-8 "
			    "(byte 0x%02x): save the file as UTF-8"), fname,
			    lineno, s[i]);
			return -1;
		}
		i += n;
	}
	return 0;
}

/*
 * The lesson file is INI as libinih reads it (issue 17 §1: a public
 * format, parsed by a library anyone can read the rules of).  The
 * options are Debian's run-time ones (INI_RUNTIME_OPTIONS), set before
 * each parse: lines of up to LESSON_MAX_LINE bytes; no inline comments
 * (a ';' is text in a narration); a line that begins with a blank
 * continues the value above it, as in Python's configparser; the first
 * error ends the parse.
 *
 * Debian's library calls the handler without a line number and says
 * nothing at a section header, so the reader below, which hands inih
 * one line at a time, counts the lines and sorts each the way inih
 * will (comment, continuation, header, key), in inih's own order: a
 * key's handler then knows its line, a continuation knows it is one,
 * and a bad or unknown [section] is an error at its own line, as
 * before.
 */
enum lesson_line { LL_BLANK, LL_CONT, LL_HEADER, LL_KEY };

struct lesson_ini {
	struct lesson	*l;
	const char	*fname;
	const char	*p, *end;	/* what is left to read */
	unsigned	 lineno;	/* of the line inih has now */
	enum lesson_line kind;		/* of that line */
	bool		 named;		/* a key since the last header: an
					 * indented line continues it */
	int		 section;	/* lesson_sections[]; -1 none yet */
	/* A key is set once its value is whole: at the next key or
	 * header, or at the end. */
	char		*key, *value;
	unsigned	 keyline;
	int		 keysection;
	char		*err;
	size_t		 errlen;
	bool		 failed;	/* err holds the first error */
};

static void
lesson_ini_fail(struct lesson_ini *st, const char *fmt, ...) PRINTFLIKE(2, 3);

static void
lesson_ini_fail(struct lesson_ini *st, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (st->failed)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	snprintf(st->err, st->errlen, "%s:%u: %s", st->fname, st->lineno, msg);
	st->failed = true;
}

/* The key read last, now that its value is whole. */
static bool
lesson_ini_flush(struct lesson_ini *st)
{
	char where[512];
	int rc = 0;

	if (st->key == NULL)
		return !st->failed;
	if (!st->failed) {
		snprintf(where, sizeof where, "%s:%u", st->fname, st->keyline);
		rc = lesson_sections[st->keysection].set(st->l, st->key,
		    st->value, st->keyline, where, st->err, st->errlen);
		if (rc == -1)
			st->failed = true;
	}
	free(st->key);
	free(st->value);
	st->key = st->value = NULL;
	return rc == 0 && !st->failed;
}

/* [name] at the start of a line, nothing after it: one of ours. */
static bool
lesson_ini_header(struct lesson_ini *st, const char *s, size_t n)
{
	char name[64];
	const char *close = memchr(s, ']', n);
	size_t len;

	if (close == NULL || close + 1 != s + n || (len = (size_t)(close -
	    s - 1)) == 0) {
		lesson_ini_fail(st, "bad section header (expected [name])");
		return false;
	}
	snprintf(name, sizeof name, "%.*s", (int)(len < sizeof name - 1 ?
	    len : sizeof name - 1), s + 1);
	if (len >= sizeof name || (st->section = lesson_section(name)) < 0) {
		lesson_ini_fail(st, "unknown section [%.*s] (lesson, narration, "
		    "predict, checks, programs, input)", (int)len, s + 1);
		return false;
	}
	return true;
}

/* inih's fgets: one line, counted and sorted; NULL ends the parse
 * (the end, or an error found here). */
static char *
lesson_ini_read(char *buf, int size, void *arg)
{
	struct lesson_ini *st = arg;
	const char *nl, *s, *e;
	size_t n;

	if (st->failed || st->p >= st->end || size < 2)
		return NULL;
	nl = memchr(st->p, '\n', (size_t)(st->end - st->p));
	n = nl != NULL ? (size_t)(nl - st->p) + 1 : (size_t)(st->end - st->p);
	if (n > (size_t)size - 1)	/* cannot be: lines were measured */
		n = (size_t)size - 1;
	memcpy(buf, st->p, n);
	buf[n] = '\0';
	st->p += n;
	st->lineno++;
	/* inih's order: comment, continuation, header, key (isspace) */
	for (s = buf; *s != '\0' && isspace((unsigned char)*s); s++)
		;
	for (e = buf + n; e > s && isspace((unsigned char)e[-1]); e--)
		;
	if (s == e || *s == '#' || *s == ';')
		st->kind = LL_BLANK;
	else if (st->named && s > buf)
		st->kind = LL_CONT;
	else if (*s == '[') {
		st->kind = LL_HEADER;
		st->named = false;
		if (!lesson_ini_flush(st) ||
		    !lesson_ini_header(st, s, (size_t)(e - s)))
			return NULL;
	} else {
		st->kind = LL_KEY;
		st->named = true;
	}
	return buf;
}

/*
 * inih's handler.  A continuation line adds to the value above, one
 * space between (none between two Chinese characters, which have no
 * space between them).
 */
static int
lesson_ini_key(void *arg, const char *section, const char *name,
    const char *value)
{
	struct lesson_ini *st = arg;
	char *joined;
	size_t n;

	(void)section;	/* the reader knew it first, at its header */
	if (st->failed)
		return 0;
	if (st->kind == LL_CONT && st->key != NULL) {
		n = strlen(st->value);
		xasprintf(&joined, "%s%s%s", st->value, n == 0 ? "" :
		    (unsigned char)st->value[n - 1] >= 0x80 &&
		    (unsigned char)value[0] >= 0x80 ? "" : " ", value);
		free(st->value);
		st->value = joined;
		return 1;
	}
	if (!lesson_ini_flush(st))
		return 0;
	if (st->section < 0) {
		lesson_ini_fail(st, "key before any [section]");
		return 0;
	}
	st->key = xstrdup(name);
	st->value = xstrdup(value);
	st->keyline = st->lineno;
	st->keysection = st->section;
	return 1;
}

/* The longest line is inih's buffer: a longer one is an error here. */
static int
lesson_check_lines(const char *text, size_t len, const char *fname,
    char *err, size_t errlen)
{
	const char *p = text, *end = text + len, *nl;
	unsigned lineno = 0;

	while (p < end) {
		lineno++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if ((size_t)(nl - p) > LESSON_MAX_LINE) {
			snprintf(err, errlen, "%s:%u: line too long", fname,
			    lineno);
			return -1;
		}
		p = nl + 1;
	}
	return 0;
}

int
lesson_parse(struct lesson *l, const char *text, size_t len,
    const char *fname, char *err, size_t errlen)
{
	struct lesson_ini st;
	int rc = -1, line;

	memset(l, 0, sizeof *l);
	l->clients = 1;
	/* A UTF-8 byte order mark, as some Windows editors save it. */
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
		text += 3;
		len -= 3;
	}
	if (len > LESSON_MAX_BYTES) {
		snprintf(err, errlen, _("%s: lesson file too large (%zu bytes, "
		    "at most %d)"), fname, len, LESSON_MAX_BYTES);
		return -1;
	}
	if (memchr(text, '\0', len) != NULL) {
		snprintf(err, errlen, _("%s: not a text file (contains NUL)"),
		    fname);
		return -1;
	}
	if (lesson_check_text(text, len, fname, err, errlen) == -1)
		return -1;
	if (lesson_check_lines(text, len, fname, err, errlen) == -1)
		return -1;
	memset(&st, 0, sizeof st);
	st.l = l;
	st.fname = fname;
	st.p = text;
	st.end = text + len;
	st.section = -1;
	st.err = err;
	st.errlen = errlen;
	/* Debian's run-time options (see above), set for each parse. */
	ini_allow_multiline = true;
	ini_allow_bom = false;		/* taken off above */
	ini_allow_inline_comments = false;
	ini_allow_no_value = false;
	ini_use_stack = true;
	ini_max_line = LESSON_MAX_LINE + 3;	/* '\r', '\n', '\0' */
	ini_stop_on_first_error = true;
	line = ini_parse_stream(lesson_ini_read, &st, lesson_ini_key, &st);
	if (!st.failed && line == 0)
		lesson_ini_flush(&st);
	free(st.key);
	free(st.value);
	if (!st.failed && line != 0) {
		/* inih's own error, at a line no handler saw: no '='. */
		st.lineno = (unsigned)line;
		lesson_ini_fail(&st, line > 0 ? "expected 'key = value'" :
		    "out of memory");
	}
	if (st.failed)
		goto out;
	if (l->title[LANG_EN] == NULL && l->title[LANG_ZH] == NULL) {
		snprintf(err, errlen, _("%s: no title.en or title.zh"), fname);
		goto out;
	}
	if (l->server_cmd == NULL && l->client_cmd == NULL) {
		snprintf(err, errlen, _("%s: needs a server or a client "
		    "command"), fname);
		goto out;
	}
	lesson_fill_facts(l);
	rc = 0;
out:
	if (rc == -1)
		lesson_finish(l);
	return rc;
}

void
lesson_finish(struct lesson *l)
{
	size_t j;
	int i;

	for (i = 0; i < LANG_COUNT; i++) {
		free(l->title[i]);
		free(l->goal[i]);
		for (j = 0; j < l->nnarr; j++) {
			free(l->narr[j].before[i]);
			free(l->narr[j].after[i]);
		}
		for (j = 0; j < l->npred; j++) {
			free(l->pred[j].question[i]);
			free(l->pred[j].choices[i]);
			free(l->pred[j].explain[i]);
		}
	}
	for (j = 0; j < l->nnarr; j++) {
		free(l->narr[j].side);
		free(l->narr[j].call);
	}
	for (j = 0; j < l->nchecks; j++)
		free(l->checks[j].expr);
	for (j = 0; j < l->ninput; j++) {
		free(l->input[j].side);
		free(l->input[j].text);
	}
	free(l->input);
	for (j = 0; j < l->nprogs; j++)
		free(l->progs[j].cmd);
	free(l->progs);
	free(l->narr);
	free(l->pred);
	free(l->checks);
	free(l->server_cmd);
	free(l->client_cmd);
	free(l->steps);
	free(l->name);
	free(l->dir);
	free(l->bindir);
	memset(l, 0, sizeof *l);
}

int
lesson_load_file(struct lesson *l, const char *path, char *err, size_t errlen)
{
	char *buf;
	size_t n = 0;
	ssize_t got;
	struct stat sb;
	int fd, rc;

	/*
	 * O_NONBLOCK: open() of a FIFO would wait for a writer, for good.
	 * The type is known only once it is open, and nothing but a
	 * regular file is read.
	 */
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, _("%s: not a regular file"), path);
		close(fd);
		return -1;
	}
	if (sb.st_size > LESSON_MAX_BYTES) {
		snprintf(err, errlen, _("%s: lesson file too large (%lld "
		    "bytes, at most %d)"), path, (long long)sb.st_size,
		    LESSON_MAX_BYTES);
		close(fd);
		return -1;
	}
	buf = xmalloc(LESSON_MAX_BYTES + 1);
	while (n < LESSON_MAX_BYTES + 1) {
		got = read(fd, buf + n, LESSON_MAX_BYTES + 1 - n);
		if (got == -1 && errno == EINTR)
			continue;
		if (got == -1) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			close(fd);
			free(buf);
			return -1;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	close(fd);
	rc = lesson_parse(l, buf, n, path, err, errlen);
	free(buf);
	return rc;
}

/*
 * A placeholder at p, added to word: {port}, {port2}, {ip}, or a doubled
 * one ({{port}}) that stands for itself.  Everywhere in the command, single
 * quotes too: in `sh -c './client 127.0.0.1 {port} < in.txt'` the port
 * belongs to the shell's command line (issue 15 §4).  Returns the bytes
 * taken, 0 when none is at p.
 */
static size_t
lesson_placeholder(const char *p, const char *const values[3],
    struct sbuf *word)
{
	static const char *const names[] = { "port", "port2", "ip" };
	size_t i, len;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		len = strlen(names[i]);
		if (p[0] == '{' && p[1] == '{' &&
		    strncmp(p + 2, names[i], len) == 0 &&
		    strncmp(p + 2 + len, "}}", 2) == 0) {
			sbuf_addf(word, "{%s}", names[i]);
			return len + 4;
		}
		if (p[0] == '{' && strncmp(p + 1, names[i], len) == 0 &&
		    p[1 + len] == '}') {
			sbuf_add(word, values[i]);
			return len + 2;
		}
	}
	return 0;
}

/*
 * Split a command line into words like a shell would (quotes and
 * backslashes, no expansion, no shell in between) and put the port in
 * place of {port} (and a second free port in place of {port2}, for a
 * client that binds its own) and the server's address in place of {ip},
 * inside quotes as well; {{port}} is the text {port}.  A first word
 * without a slash names a program in the lesson's program directory
 * when one is there, else on PATH.
 */
char **
lesson_argv(const char *cmd, const char *bindir, const uint16_t ports[2],
    const char *ip, char *err, size_t errlen)
{
	char **argv = NULL, quote = 0, portstr[8], port2str[8];
	const char *values[3] = { portstr, port2str, ip };
	struct sbuf word;
	size_t n = 0, len;
	bool inword = false;
	const char *p;

	snprintf(portstr, sizeof portstr, "%u", ports[0]);
	snprintf(port2str, sizeof port2str, "%u", ports[1]);
	sbuf_init(&word);
	for (p = cmd;; p++) {
		if (*p == '\0' || (quote == 0 && (*p == ' ' || *p == '\t'))) {
			if (*p == '\0' && quote != 0) {
				snprintf(err, errlen, _("unterminated quote in "
				    "'%s'"), cmd);
				goto fail;
			}
			if (inword) {
				argv = xreallocarray(argv, n + 2, sizeof *argv);
				argv[n++] = xstrdup(sbuf_str(&word));
				argv[n] = NULL;
				sbuf_reset(&word);
				inword = false;
			}
			if (*p == '\0')
				break;
			continue;
		}
		inword = true;
		if (quote == 0 && (*p == '"' || *p == '\'')) {
			quote = *p;
		} else if (quote != 0 && *p == quote) {
			quote = 0;
		} else if (*p == '\\' && quote != '\'' && p[1] != '\0') {
			sbuf_addc(&word, *++p);
		} else if ((len = lesson_placeholder(p, values, &word)) > 0) {
			p += len - 1;
		} else
			sbuf_addc(&word, *p);
	}
	sbuf_finish(&word);
	if (n == 0) {
		snprintf(err, errlen, "%s", _("empty command"));
		free(argv);
		return NULL;
	}
	if (bindir != NULL && strchr(argv[0], '/') == NULL) {
		char *path;
		struct stat sb;

		xasprintf(&path, "%s/%s", bindir, argv[0]);
		if (stat(path, &sb) == 0) {
			free(argv[0]);
			argv[0] = path;
		} else
			free(path);
	}
	return argv;
fail:
	sbuf_finish(&word);
	strv_free(argv);
	return NULL;
}
