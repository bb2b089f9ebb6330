/*
 * progress.c - what a learner has done: lessons finished, predictions
 * answered right and wrong.  One small text file under
 * $XDG_STATE_HOME/sockstep/ (default ~/.local/state/sockstep/), written
 * to a temporary file and renamed, mode 0600.  A file that cannot be
 * read is set aside and reported, never a crash.
 *
 *	# sockstep progress v1
 *	01-hello finished=1 right=1 wrong=0
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sockstep.h"

#define PROGRESS_HEADER "# sockstep progress v1"
#define PROGRESS_MAX	256	/* lessons remembered */

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
	strlcpy(p->e[p->n].lesson, lesson, sizeof p->e[p->n].lesson);
	return &p->e[p->n++];
}

/* A line we did not write: the whole file is suspect. */
static int
progress_parse_line(struct progress *p, const char *line)
{
	struct progress_entry *e;
	char name[64];
	int fin, right, wrong;

	if (sscanf(line, "%63s finished=%d right=%d wrong=%d", name, &fin,
	    &right, &wrong) != 4 || fin < 0 || fin > 1 || right < 0 ||
	    wrong < 0 || strchr(name, '/') != NULL)
		return -1;
	if ((e = progress_find(p, name, true)) == NULL)
		return -1;
	e->finished = fin;
	e->right = right;
	e->wrong = wrong;
	return 0;
}

/* note gets a sentence when the file was corrupt and was set aside. */
void
progress_load(struct progress *p, char *note, size_t notelen)
{
	char dir[PATH_MAX], path[PATH_MAX + 32], aside[PATH_MAX + 64];
	char line[512];
	FILE *f;
	bool bad = false;
	unsigned n = 0;

	memset(p, 0, sizeof *p);
	note[0] = '\0';
	if (progress_dir(dir, sizeof dir) == -1)
		return;
	snprintf(path, sizeof path, "%s/progress", dir);
	if ((f = fopen(path, "r")) == NULL)
		return;
	while (fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (n++ == 0) {
			if (strcmp(line, PROGRESS_HEADER) != 0)
				bad = true;
			continue;
		}
		if (line[0] == '\0' || line[0] == '#')
			continue;
		if (progress_parse_line(p, line) == -1)
			bad = true;
	}
	fclose(f);
	if (!bad && n > 0)
		return;
	progress_finish(p);
	snprintf(aside, sizeof aside, "%s.corrupt-%lld", path,
	    (long long)time(NULL));
	if (rename(path, aside) == 0)
		snprintf(note, notelen, "progress file %s could not be read; "
		    "kept as %s, starting afresh", path, aside);
	else
		snprintf(note, notelen, "progress file %s could not be read "
		    "(%s); starting afresh", path, strerror(errno));
}

int
progress_save(const struct progress *p, char *err, size_t errlen)
{
	char dir[PATH_MAX], path[PATH_MAX + 32], tmp[PATH_MAX + 48];
	FILE *f;
	size_t i;
	int fd;

	if (progress_dir(dir, sizeof dir) == -1) {
		snprintf(err, errlen, "neither XDG_STATE_HOME nor HOME is set");
		return -1;
	}
	if (mkdir_p(dir) == -1) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	snprintf(path, sizeof path, "%s/progress", dir);
	snprintf(tmp, sizeof tmp, "%s.%d.tmp", path, (int)getpid());
	/* 0600: a learner's record is theirs alone, root or not. */
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1 || (f = fdopen(fd, "w")) == NULL) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	fprintf(f, "%s\n", PROGRESS_HEADER);
	for (i = 0; i < p->n; i++)
		fprintf(f, "%s finished=%d right=%d wrong=%d\n",
		    p->e[i].lesson, p->e[i].finished, p->e[i].right,
		    p->e[i].wrong);
	if (fflush(f) != 0 || fsync(fileno(f)) == -1) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		fclose(f);
		unlink(tmp);
		return -1;
	}
	fclose(f);
	if (rename(tmp, path) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

void
progress_finish(struct progress *p)
{
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
