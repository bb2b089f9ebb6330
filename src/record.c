/*
 * record.c - a walkthrough as a small text file an instructor can read
 * and edit before class:
 *
 *	# sockstep record
 *	format 2
 *	lesson 01-hello
 *	port 9190
 *	clients 1
 *	lang en
 *	net lab
 *	hosts 2
 *	steps s s s c c
 *	end 5
 *
 * `steps` may repeat (the tokens add up); '#' starts a comment.  The
 * file is replaced whole each time (atomic.c), so a crash leaves the
 * last good version; sockstep writes the steps on lines of bounded
 * length, so a record of any length reads back.
 *
 * `end N`, the number of steps, is written last: a copy cut short (a
 * full disk, a transfer that stopped) is told from a whole file.
 * `format 2` says the `end` line must be there.  A file without
 * `format` was written by an older sockstep or by hand: an `end` line
 * in it is checked, and without one its steps are taken as they are,
 * since there is nothing to check them against (and one long `steps`
 * line, as older versions wrote, is read whatever its length).
 *
 * A record may come from anyone: a control character or invalid UTF-8
 * anywhere in it is refused, so that nothing in it can reach the
 * terminal as an escape sequence.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "drive.h"

#define RECORD_FORMAT		2
#define RECORD_LINE_MAX		(1024 * 1024)	/* an older one-line record */
#define RECORD_STEPS_WIDTH	72		/* a `steps` line, written */
#define RECORD_SEPARATORS	" \t,"		/* as steps_parse() splits */

void
record_init(struct record *r)
{
	memset(r, 0, sizeof *r);
	r->lang = -1;
	r->net = -1;
	sbuf_init(&r->steps);
}

void
record_finish(struct record *r)
{
	free(r->lesson);
	sbuf_finish(&r->steps);
	memset(r, 0, sizeof *r);
}

/* A lesson given as a path is saved absolute: the file may be replayed
 * from another directory. */
void
record_from_session(struct record *r, const char *lesson,
    const struct session *s, enum lang lang)
{
	char path[PATH_MAX];

	free(r->lesson);
	if (lesson != NULL && strchr(lesson, '/') != NULL &&
	    realpath(lesson, path) != NULL)
		r->lesson = xstrdup(path);
	else
		r->lesson = xstrdup(s->lesson.name);
	r->lesson_external = strchr(r->lesson, '/') != NULL;
	r->port = s->port;
	r->clients = s->nclients;
	r->lang = (int)lang;
	r->net = s->net.lab ? NET_LAB : NET_HOST;
	/* A replay on another number of hosts would show the client at
	 * another address (10.1.0.2 or the server's own). */
	r->hosts = s->net.lab ? (s->net.hosts == 2 ? 2 : 1) : 0;
}

static char *
record_trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/*
 * Text only: tabs and printable UTF-8.  0 when s is clean, else -1 and
 * why names the first bad character (never the character itself).
 */
static int
record_check_text(const char *s, size_t len, char *why, size_t whylen)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, n;
	uint32_t c;

	while (i < len) {
		if (u[i] == '\t') {
			i++;
			continue;
		}
		if ((n = utf8_char_len(u + i, len - i)) > 0) {
			i += n;
			continue;
		}
		if (utf8_decode(u + i, len - i, &c) == 0)
			snprintf(why, whylen, "invalid UTF-8 (byte 0x%02x)",
			    u[i]);
		else if (c < 0x80)
			snprintf(why, whylen, "control character 0x%02x",
			    (unsigned)c);
		else
			snprintf(why, whylen, "control character U+%04X",
			    (unsigned)c);
		return -1;
	}
	return 0;
}

static size_t
record_count_steps(const char *spec)
{
	size_t n = 0;

	for (;;) {
		spec += strspn(spec, RECORD_SEPARATORS);
		if (*spec == '\0')
			return n;
		n++;
		spec += strcspn(spec, RECORD_SEPARATORS);
	}
}

/* One line, comment and blanks gone, into r. */
static int
record_load_line(struct record *r, char *line, const char *path,
    unsigned n, char *err, size_t errlen)
{
	char *key, *val;
	const char *errstr;

	if ((key = strchr(line, '#')) != NULL)
		*key = '\0';
	key = record_trim(line);
	if (*key == '\0')
		return 0;
	val = key + strcspn(key, " \t");
	if (*val != '\0')
		*val++ = '\0';
	val = record_trim(val);
	if (r->end_line != 0) {
		snprintf(err, errlen, _("%s:%u: '%s' after the 'end' line "
		    "(line %u)"), path, n, key, r->end_line);
		return -1;
	}
	if (strcmp(key, "lesson") == 0 && *val != '\0') {
		free(r->lesson);
		r->lesson = xstrdup(val);
	} else if (strcmp(key, "port") == 0) {
		r->port = (uint16_t)strtonum(val, 1, 65535, &errstr);
		if (errstr != NULL) {
			snprintf(err, errlen, "%s:%u: port '%s': %s", path, n,
			    val, errstr);
			return -1;
		}
	} else if (strcmp(key, "clients") == 0) {
		r->clients = (int)strtonum(val, 1, SOCKSTEP_MAX_CLIENTS,
		    &errstr);
		if (errstr != NULL) {
			snprintf(err, errlen, "%s:%u: clients '%s': %s (1 to "
			    "%d)", path, n, val, errstr, SOCKSTEP_MAX_CLIENTS);
			return -1;
		}
	} else if (strcmp(key, "lang") == 0 && (strcmp(val, "en") == 0 ||
	    strcmp(val, "zh") == 0))
		r->lang = strcmp(val, "zh") == 0 ? LANG_ZH : LANG_EN;
	else if (strcmp(key, "net") == 0 && (strcmp(val, "lab") == 0 ||
	    strcmp(val, "host") == 0))
		r->net = strcmp(val, "lab") == 0 ? NET_LAB : NET_HOST;
	else if (strcmp(key, "hosts") == 0 && (strcmp(val, "1") == 0 ||
	    strcmp(val, "2") == 0))
		r->hosts = val[0] - '0';
	else if (strcmp(key, "steps") == 0) {
		if (r->steps.len > 0 && *val != '\0')
			sbuf_addc(&r->steps, ' ');
		sbuf_add(&r->steps, val);
	} else if (strcmp(key, "format") == 0) {
		r->format = (int)strtonum(val, 1, RECORD_FORMAT, &errstr);
		if (errstr != NULL) {
			snprintf(err, errlen, _("%s:%u: format '%s' (this "
			    "sockstep reads formats 1 to %d)"), path, n, val,
			    RECORD_FORMAT);
			return -1;
		}
	} else if (strcmp(key, "end") == 0) {
		r->end_steps = (size_t)strtonum(val, 0, INT_MAX, &errstr);
		if (errstr != NULL) {
			snprintf(err, errlen, "%s:%u: end '%s': %s (the "
			    "number of steps)", path, n, val, errstr);
			return -1;
		}
		r->end_line = n;
	} else {
		snprintf(err, errlen, _("%s:%u: unknown line '%s %s' (expected "
		    "lesson, port, clients, lang en|zh, net lab|host, hosts "
		    "1|2, steps or end)"), path,
		    n, key, val);
		return -1;
	}
	return 0;
}

/* Whole: the `end` line is there when it must be, and agrees. */
static int
record_check_end(const struct record *r, const char *path, char *err,
    size_t errlen)
{
	size_t n = record_count_steps(sbuf_str(&r->steps));

	if (r->end_line == 0 && r->format >= 2) {
		snprintf(err, errlen, ngettext("%s: record is cut short (no "
		    "'end' line after its %zu step)", "%s: record is cut "
		    "short (no 'end' line after its %zu steps)", n), path, n);
		return -1;
	}
	if (r->end_line != 0 && n != r->end_steps) {
		snprintf(err, errlen, ngettext("%s: record is cut short (its "
		    "'end' line says %zu step, it has %zu; after editing the "
		    "steps, make it 'end %zu')", "%s: record is cut short "
		    "(its 'end' line says %zu steps, it has %zu; after "
		    "editing the steps, make it 'end %zu')", r->end_steps),
		    path, r->end_steps, n, n);
		return -1;
	}
	return 0;
}

int
record_load(struct record *r, const char *path, char *err, size_t errlen)
{
	char *line = NULL, why[64];
	size_t cap = 0, len;
	ssize_t got;
	unsigned n = 0;
	FILE *f;

	record_init(r);
	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while ((got = getline(&line, &cap, f)) != -1) {
		n++;
		len = (size_t)got;
		if (len > RECORD_LINE_MAX) {
			snprintf(err, errlen, "%s:%u: line too long (more "
			    "than %d bytes)", path, n, RECORD_LINE_MAX);
			goto fail;
		}
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (len > 0 && line[len - 1] == '\r')	/* saved on Windows */
			line[--len] = '\0';
		if (record_check_text(line, len, why, sizeof why) == -1) {
			snprintf(err, errlen, "%s:%u: %s (a record is plain "
			    "text)", path, n, why);
			goto fail;
		}
		if (record_load_line(r, line, path, n, err, errlen) == -1)
			goto fail;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (r->lesson == NULL) {
		snprintf(err, errlen, _("%s: no 'lesson' line"), path);
		goto fail;
	}
	if (record_check_end(r, path, err, errlen) == -1)
		goto fail;
	r->lesson_external = strchr(r->lesson, '/') != NULL;
	free(line);
	fclose(f);
	return 0;
fail:
	free(line);
	fclose(f);
	record_finish(r);
	return -1;
}

int
record_save(const struct record *r, const char *path, char *err,
    size_t errlen)
{
	const char *p = sbuf_str(&r->steps);
	struct sbuf b;
	size_t width = 0, len, nsteps = 0;
	char why[64];
	int rc;

	sbuf_init(&b);
	sbuf_addf(&b, "# sockstep record: sockstep replay FILE, or "
	    "sockstep batch --replay FILE\n");
	sbuf_addf(&b, "format %d\n", RECORD_FORMAT);
	sbuf_addf(&b, "lesson %s\n", r->lesson != NULL ? r->lesson : "");
	if (r->port != 0)
		sbuf_addf(&b, "port %u\n", r->port);
	if (r->clients != 0)
		sbuf_addf(&b, "clients %d\n", r->clients);
	if (r->lang >= 0 && r->lang < LANG_COUNT)
		sbuf_addf(&b, "lang %s\n", lang_names[r->lang]);
	if (r->net == NET_LAB || r->net == NET_HOST)
		sbuf_addf(&b, "net %s\n", net_mode_name((enum net_mode)r->net));
	if (r->hosts == 1 || r->hosts == 2)
		sbuf_addf(&b, "hosts %d\n", r->hosts);
	for (;;) {
		p += strspn(p, RECORD_SEPARATORS);
		if (*p == '\0')
			break;
		len = strcspn(p, RECORD_SEPARATORS);
		if (width > 0 && width + 1 + len > RECORD_STEPS_WIDTH) {
			sbuf_addc(&b, '\n');
			width = 0;
		}
		if (width == 0) {
			sbuf_add(&b, "steps");
			width = strlen("steps");
		}
		sbuf_addc(&b, ' ');
		sbuf_addn(&b, p, len);
		width += 1 + len;
		p += len;
		nsteps++;
	}
	if (width > 0)
		sbuf_addc(&b, '\n');
	sbuf_addf(&b, "end %zu\n", nsteps);
	/* What record_load would read back otherwise is never written: a
	 * lesson directory named with an escape sequence or a '#'. */
	if (r->lesson != NULL && (record_check_text(r->lesson,
	    strlen(r->lesson), why, sizeof why) == -1 ||
	    strchr(r->lesson, '#') != NULL)) {
		snprintf(err, errlen, "%s: the lesson's path cannot be "
		    "recorded (%s)", path, strchr(r->lesson, '#') != NULL ?
		    "it has a '#'" : why);
		sbuf_finish(&b);
		return -1;
	}
	rc = atomic_write(path, sbuf_str(&b), b.len, 0644, err, errlen);
	sbuf_finish(&b);
	return rc;
}

/* The command line wins over the file; the recorded port is the
 * default one (a busy port falls back to a free one, and says so). */
const char *
record_apply(const struct record *r, struct options *o)
{
	if (!o->port_explicit && r->port != 0)
		o->port = r->port;
	if (o->clients == 0)
		o->clients = r->clients;
	if (!o->lang_explicit && r->lang >= 0)
		o->lang = (enum lang)r->lang;
	/* A run on the host's network is replayed there (its ports and
	 * neighbours were the host's); a lab run gets the lab where this
	 * machine allows one, and the host's with a note where not. */
	if (o->net == NET_AUTO && r->net == NET_HOST)
		o->net = NET_HOST;
	if (o->hosts == 0 && r->hosts != 0)
		o->hosts = r->hosts;
	o->steps = r->steps.len > 0 ? sbuf_str(&r->steps) : NULL;
	return r->lesson;
}

/* A replay of the lesson's own guided order is a guided run: its
 * checks are evaluated, as in the run that was recorded. */
bool
record_is_guided(const struct session *s)
{
	struct step *g;
	char err[256];
	size_t n, i;
	bool same;

	if (s->lesson.steps == NULL || steps_parse(s->lesson.steps,
	    s->nclients, &g, &n, err, sizeof err) == -1)
		return false;
	same = n == s->nsteps;
	for (i = 0; same && i < n; i++)
		same = strcmp(g[i].token, s->steps[i].token) == 0;
	free(g);
	return same;
}
