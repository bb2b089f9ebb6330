/*
 * record.c - a walkthrough as a small text file an instructor can read
 * and edit before class:
 *
 *	# sockstep record
 *	lesson 01-hello
 *	port 9190
 *	clients 1
 *	lang en
 *	steps s s s c c
 *
 * `steps` may repeat (the tokens add up); '#' starts a comment.  The
 * file is written whole each time (temporary file, then rename), so a
 * crash leaves the last good version.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sockstep.h"

void
record_init(struct record *r)
{
	memset(r, 0, sizeof *r);
	r->lang = -1;
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
	r->port = s->port;
	r->clients = s->nclients;
	r->lang = (int)lang;
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

int
record_load(struct record *r, const char *path, char *err, size_t errlen)
{
	char line[4096], *key, *val;
	const char *errstr;
	unsigned n = 0;
	FILE *f;

	record_init(r);
	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof line, f) != NULL) {
		n++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			snprintf(err, errlen, "%s:%u: line too long", path, n);
			goto fail;
		}
		if ((key = strchr(line, '#')) != NULL)
			*key = '\0';
		key = record_trim(line);
		if (*key == '\0')
			continue;
		val = key + strcspn(key, " \t");
		if (*val != '\0')
			*val++ = '\0';
		val = record_trim(val);
		if (strcmp(key, "lesson") == 0 && *val != '\0') {
			free(r->lesson);
			r->lesson = xstrdup(val);
		} else if (strcmp(key, "port") == 0) {
			r->port = (uint16_t)strtonum(val, 1, 65535, &errstr);
			if (errstr != NULL) {
				snprintf(err, errlen, "%s:%u: port '%s': %s",
				    path, n, val, errstr);
				goto fail;
			}
		} else if (strcmp(key, "clients") == 0) {
			r->clients = (int)strtonum(val, 1,
			    SOCKSTEP_MAX_CLIENTS, &errstr);
			if (errstr != NULL) {
				snprintf(err, errlen, "%s:%u: clients '%s': "
				    "%s (1 to %d)", path, n, val, errstr,
				    SOCKSTEP_MAX_CLIENTS);
				goto fail;
			}
		} else if (strcmp(key, "lang") == 0 && (strcmp(val, "en") == 0 ||
		    strcmp(val, "zh") == 0))
			r->lang = strcmp(val, "zh") == 0 ? LANG_ZH : LANG_EN;
		else if (strcmp(key, "steps") == 0) {
			if (r->steps.len > 0 && *val != '\0')
				sbuf_addc(&r->steps, ' ');
			sbuf_add(&r->steps, val);
		} else {
			snprintf(err, errlen, "%s:%u: unknown line '%s %s' "
			    "(expected lesson, port, clients, lang en|zh or "
			    "steps)", path, n, key, val);
			goto fail;
		}
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	fclose(f);
	if (r->lesson == NULL) {
		snprintf(err, errlen, "%s: no 'lesson' line", path);
		record_finish(r);
		return -1;
	}
	return 0;
fail:
	fclose(f);
	record_finish(r);
	return -1;
}

int
record_save(const struct record *r, const char *path, char *err,
    size_t errlen)
{
	char *tmp;
	FILE *f;
	int fd;

	xasprintf(&tmp, "%s.XXXXXX", path);
	if ((fd = mkstemp(tmp)) == -1 || (f = fdopen(fd, "w")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fd != -1) {
			close(fd);
			unlink(tmp);
		}
		free(tmp);
		return -1;
	}
	fprintf(f, "# sockstep record: sockstep replay FILE, or "
	    "sockstep batch --replay FILE\n");
	fprintf(f, "lesson %s\n", r->lesson != NULL ? r->lesson : "");
	if (r->port != 0)
		fprintf(f, "port %u\n", r->port);
	if (r->clients != 0)
		fprintf(f, "clients %d\n", r->clients);
	if (r->lang >= 0 && r->lang < LANG_COUNT)
		fprintf(f, "lang %s\n", lang_names[r->lang]);
	fprintf(f, "steps %s\n", sbuf_str(&r->steps));
	if (fflush(f) != 0 || ferror(f) || fchmod(fd, 0644) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		fclose(f);
		unlink(tmp);
		free(tmp);
		return -1;
	}
	fclose(f);
	if (rename(tmp, path) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}

/* The command line wins over the file; the recorded port is the
 * default one (a busy port falls back to a free one, and says so). */
const char *
record_apply(const struct record *r, struct options *o)
{
	if (o->steps != NULL)
		user_error("--replay: the steps come from the record; "
		    "leave out --steps");
	if (!o->port_explicit && r->port != 0)
		o->port = r->port;
	if (o->clients == 0)
		o->clients = r->clients;
	if (!o->lang_explicit && r->lang >= 0)
		o->lang = (enum lang)r->lang;
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
