/*
 * lesson.c - loading and checking a lesson file.  The format is INI-like
 * so a teacher can write it without reading C:
 *
 *	[lesson]
 *	title.en = Hello World: the whole call flow
 *	title.zh = ...
 *	server = server {port}
 *	client = client {ip} {port}
 *	steps = s s s c c s s s s c c
 *	[programs]
 *	book = server {port}		(started by the step s!book)
 *
 * Every mistake is reported as "file:line: message".  The parser never
 * executes anything; lesson_argv() only builds argument vectors.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
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

static char *
trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' ||
	    end[-1] == '\r'))
		*--end = '\0';
	return s;
}

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

int
lesson_parse(struct lesson *l, const char *text, size_t len,
    const char *fname, char *err, size_t errlen)
{
	char where[512], *copy, *line, *next, *p, *eq;
	unsigned lineno = 0;
	int rc = -1, section = -1;

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
	copy = xstrndup(text, len);
	for (line = copy; line != NULL; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		snprintf(where, sizeof where, "%s:%u", fname, lineno);
		if (strlen(line) > LESSON_MAX_LINE) {
			snprintf(err, errlen, "%s: line too long", where);
			goto out;
		}
		p = trim(line);
		if (*p == '\0' || *p == '#' || *p == ';')
			continue;
		if (*p == '[') {
			char *close = strchr(p, ']');

			if (close == NULL || close[1] != '\0' ||
			    close - p - 1 <= 0) {
				snprintf(err, errlen, "%s: bad section header "
				    "(expected [name])", where);
				goto out;
			}
			*close = '\0';
			if ((section = lesson_section(p + 1)) < 0) {
				snprintf(err, errlen, "%s: unknown section [%s] "
				    "(lesson, narration, predict, checks, "
				    "programs, input)",
				    where, p + 1);
				goto out;
			}
			continue;
		}
		if ((eq = strchr(p, '=')) == NULL) {
			snprintf(err, errlen, "%s: expected 'key = value'",
			    where);
			goto out;
		}
		if (section < 0) {
			snprintf(err, errlen, "%s: key before any [section]",
			    where);
			goto out;
		}
		*eq = '\0';
		if (lesson_sections[section].set(l, trim(p), trim(eq + 1),
		    lineno, where, err, errlen) == -1)
			goto out;
	}
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
	free(copy);
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
