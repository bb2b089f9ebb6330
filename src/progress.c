/*
 * progress.c - what a learner has done: lessons finished, predictions
 * answered right and wrong.  One small text file under
 * $XDG_STATE_HOME/sockstep/ (default ~/.local/state/sockstep/), replaced
 * whole (atomic.c), mode 0600:
 *
 *	# sockstep progress v1
 *	01-hello finished=1 right=1 wrong=0
 *	#v2 my\040draft finished=1 right=0 wrong=0
 *
 * The first reader took a name with sscanf("%63s") and no '/', and set
 * the whole file aside at the first line it could not read.  So a name
 * it can take back is written as it is, and any other (a space, a
 * control character, a backslash or '/', a leading '#', more than 63
 * bytes) is escaped with strvis(3) on a "#v2 " line, which that reader
 * skips as a comment: an older sockstep sharing the file loses only
 * those entries, never the file.  A line this reader cannot read is
 * skipped and reported; the file as it was is set aside and the
 * entries that could be read are written back, so one bad entry never
 * costs the others.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
/* strvis/strunvis only; pick a strnvis flavour so vis.h stays quiet. */
#define LIBBSD_OPENBSD_VIS
#include <vis.h>

#include "lesson.h"

#define PROGRESS_HEADER		"# sockstep progress v1"
#define PROGRESS_HEADER_ANY	"# sockstep progress v"
#define PROGRESS_ESCAPED	"#v2 "
#define PROGRESS_PLAIN_MAX	63	/* the first reader's "%63s" */
#define PROGRESS_LINE_MAX	4096
#define PROGRESS_MAX		256	/* lessons remembered */

static int
progress_dir(char *buf, size_t len)
{
	const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");

	if (state != NULL && *state == '/')
		snprintf(buf, len, "%s/sockstep", state);
	else if (home != NULL && *home == '/')
		snprintf(buf, len, "%s/.local/state/sockstep", home);
	else
		return -1;
	return 0;
}

static int
mkdir_p(const char *path)
{
	char tmp[PATH_MAX], *p;

	strlcpy(tmp, path, sizeof tmp);
	for (p = tmp + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0700) == -1 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(tmp, 0700) == -1 && errno != EEXIST ? -1 : 0;
}

static struct progress_entry *
progress_find(struct progress *p, const char *lesson, bool create)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (strcmp(p->e[i].lesson, lesson) == 0)
			return &p->e[i];
	if (!create || p->n == PROGRESS_MAX)
		return NULL;
	p->e = xreallocarray(p->e, p->n + 1, sizeof *p->e);
	memset(&p->e[p->n], 0, sizeof p->e[p->n]);
	p->e[p->n].lesson = xstrdup(lesson);
	return &p->e[p->n++];
}

/* Can the first reader take this name back as it is? */
static bool
progress_name_plain(const char *name)
{
	const unsigned char *s = (const unsigned char *)name;
	size_t i;

	if (*s == '\0' || *s == '#' || strlen(name) > PROGRESS_PLAIN_MAX)
		return false;
	for (i = 0; s[i] != '\0'; i++)
		if (s[i] <= ' ' || s[i] == 0x7f || s[i] == '\\' || s[i] == '/')
			return false;
	return true;
}

/* "finished=1 right=2 wrong=0", and whatever a later version adds
 * after a space. */
static int
progress_parse_counts(struct progress *p, const char *name, const char *s)
{
	struct progress_entry *e;
	int fin, right, wrong, end = 0;

	if (sscanf(s, "finished=%d right=%d wrong=%d%n", &fin, &right,
	    &wrong, &end) != 3 || (s[end] != '\0' && s[end] != ' ') ||
	    fin < 0 || fin > 1 || right < 0 || wrong < 0)
		return -1;
	if ((e = progress_find(p, name, true)) == NULL)
		return -1;
	e->finished = fin;
	e->right = right;
	e->wrong = wrong;
	return 0;
}

/* 0 for an entry or a comment, -1 for a line we cannot read. */
static int
progress_parse_line(struct progress *p, char *line)
{
	char *name, *sp;
	int rc, dn;

	if (strncmp(line, PROGRESS_ESCAPED, strlen(PROGRESS_ESCAPED)) == 0) {
		line += strlen(PROGRESS_ESCAPED);
		if ((sp = strchr(line, ' ')) == NULL || sp == line)
			return -1;
		*sp = '\0';
		name = xmalloc(strlen(line) + 1);
		/* a "\000" would cut the name short: not one we wrote */
		if ((dn = strunvis(name, line)) <= 0 ||
		    strlen(name) != (size_t)dn)
			rc = -1;
		else
			rc = progress_parse_counts(p, name, sp + 1);
		free(name);
		return rc;
	}
	if (line[0] == '\0' || line[0] == '#')
		return 0;
	if ((sp = strchr(line, ' ')) == NULL || sp == line)
		return -1;
	*sp = '\0';
	return progress_parse_counts(p, line, sp + 1);
}

static void
progress_set_aside(struct progress *p, const char *path, unsigned nbad,
    unsigned first, char *note, size_t notelen)
{
	char aside[PATH_MAX + 64], err[PATH_MAX + 128], what[64];
	int i;

	if (nbad == 1)
		snprintf(what, sizeof what, "line %u", first);
	else
		snprintf(what, sizeof what, "%u lines (the first: line %u)",
		    nbad, first);
	/* Never over an earlier one: each holds lines the others lack. */
	snprintf(aside, sizeof aside, "%s.corrupt-%lld", path,
	    (long long)time(NULL));
	for (i = 1; access(aside, F_OK) == 0 && i < 100; i++)
		snprintf(aside, sizeof aside, "%s.corrupt-%lld.%d", path,
		    (long long)time(NULL), i);
	/* Rewritten only once the file as it was is safe aside. */
	if (access(aside, F_OK) == 0 || rename(path, aside) == -1) {
		snprintf(note, notelen, "progress file %s: %s could not be "
		    "read and %s skipped", path, what,
		    nbad == 1 ? "was" : "were");
		return;
	}
	if (progress_save(p, err, sizeof err) == -1)
		snprintf(note, notelen, "progress file %s: %s could not be "
		    "read; the file is kept as %s (%s)", path, what, aside,
		    err);
	else
		snprintf(note, notelen, "progress file %s: %s could not be "
		    "read and %s skipped; the other entries are kept, the "
		    "file as it was is kept as %s", path, what,
		    nbad == 1 ? "was" : "were", aside);
}

/* note gets a sentence when something in the file could not be read. */
void
progress_load(struct progress *p, char *note, size_t notelen)
{
	char dir[PATH_MAX], path[PATH_MAX + 32], *line = NULL;
	size_t cap = 0;
	ssize_t len;
	struct stat sb;
	unsigned n = 0, nbad = 0, first = 0;
	FILE *f;
	int fd;

	memset(p, 0, sizeof *p);
	if (notelen > 0)
		note[0] = '\0';
	if (progress_dir(dir, sizeof dir) == -1)
		return;
	snprintf(path, sizeof path, "%s/progress", dir);
	/* O_NONBLOCK: a FIFO in its place must not hang us in open(). */
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1) {
		if (errno != ENOENT)
			snprintf(note, notelen, "progress file %s: %s", path,
			    strerror(errno));
		return;
	}
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    (f = fdopen(fd, "r")) == NULL) {
		snprintf(note, notelen, "progress file %s: not a regular "
		    "file; progress is not read", path);
		close(fd);
		return;
	}
	while ((len = getline(&line, &cap, f)) != -1) {
		n++;
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (len > 0 && line[len - 1] == '\r')
			line[--len] = '\0';
		/* Any version's header: a later one still names lessons. */
		if (n == 1 && strncmp(line, PROGRESS_HEADER_ANY,
		    strlen(PROGRESS_HEADER_ANY)) == 0)
			continue;
		if ((size_t)len > PROGRESS_LINE_MAX ||
		    strlen(line) != (size_t)len ||
		    progress_parse_line(p, line) == -1) {
			if (nbad++ == 0)
				first = n;
		}
	}
	free(line);
	fclose(f);
	if (nbad > 0)
		progress_set_aside(p, path, nbad, first, note, notelen);
}

int
progress_save(const struct progress *p, char *err, size_t errlen)
{
	char dir[PATH_MAX], path[PATH_MAX + 32], *name;
	struct sbuf b;
	size_t i;
	int rc;

	if (progress_dir(dir, sizeof dir) == -1) {
		snprintf(err, errlen, "neither XDG_STATE_HOME nor HOME is set");
		return -1;
	}
	if (mkdir_p(dir) == -1) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	snprintf(path, sizeof path, "%s/progress", dir);
	sbuf_init(&b);
	sbuf_addf(&b, "%s\n", PROGRESS_HEADER);
	for (i = 0; i < p->n; i++) {
		if (progress_name_plain(p->e[i].lesson))
			sbuf_add(&b, p->e[i].lesson);
		else {
			if (stravis(&name, p->e[i].lesson, VIS_WHITE |
			    VIS_OCTAL) == -1) {
				snprintf(err, errlen, "%s", strerror(errno));
				sbuf_finish(&b);
				return -1;
			}
			sbuf_addf(&b, "%s%s", PROGRESS_ESCAPED, name);
			free(name);
		}
		sbuf_addf(&b, " finished=%d right=%d wrong=%d\n",
		    p->e[i].finished, p->e[i].right, p->e[i].wrong);
	}
	/* 0600: a learner's record is theirs alone, root or not. */
	rc = atomic_write(path, sbuf_str(&b), b.len, 0600, err, errlen);
	sbuf_finish(&b);
	return rc;
}

void
progress_finish(struct progress *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		free(p->e[i].lesson);
	free(p->e);
	memset(p, 0, sizeof *p);
}

const struct progress_entry *
progress_get(const struct progress *p, const char *lesson)
{
	return progress_find((struct progress *)(uintptr_t)p, lesson, false);
}

/* Record and save at once: progress must survive a killed session. */
int
progress_record(const char *lesson, int finished, int answer_right,
    char *err, size_t errlen)
{
	struct progress p;
	struct progress_entry *e;
	char note[PATH_MAX * 2 + 128];
	int rc;

	if (*lesson == '\0') {
		snprintf(err, errlen, "a lesson without a name");
		return -1;
	}
	progress_load(&p, note, sizeof note);
	if ((e = progress_find(&p, lesson, true)) == NULL) {
		progress_finish(&p);
		snprintf(err, errlen, "too many lessons in the progress file");
		return -1;
	}
	if (finished)
		e->finished = 1;
	if (answer_right > 0)
		e->right++;
	else if (answer_right < 0)
		e->wrong++;
	rc = progress_save(&p, err, errlen);
	progress_finish(&p);
	return rc;
}

void
progress_mark(const struct progress_entry *pe, char *buf, size_t len)
{
	if (len > 0)
		buf[0] = '\0';
	if (pe != NULL && (pe->finished || pe->right || pe->wrong))
		snprintf(buf, len, "%s%d/%d right", pe->finished ? "done, " :
		    "", pe->right, pe->right + pe->wrong);
}
