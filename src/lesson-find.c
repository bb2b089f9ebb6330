/*
 * lesson-find.c - where lessons live (issue 17 §1).  A lesson is a
 * directory with a lesson.ini, anywhere; a name is looked for along a
 * search path, the first directory that has it wins:
 *
 *	each directory of $SOCKSTEP_LESSONS (colon-separated)
 *	$XDG_DATA_HOME/sockstep/lessons (~/.local/share/sockstep/lessons)
 *	the built-in lessons: installed under the prefix, or, run from
 *	    the build tree, the source tree's
 *
 * A built-in lesson's programs were built by meson (next to the
 * executable in the build tree, under libexec once installed).  Any
 * other lesson's programs are built from the C sources beside its
 * lesson.ini into the cache (lesson-cc.c), or are programs it names
 * that are there already.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lesson.h"
#include "config.h"

#define LESSON_ROOTS_MAX	16

struct lesson_root {
	char	text[PATH_MAX];		/* the lesson directories are in here */
	char	bin[PATH_MAX];		/* built-in: their programs; "" none */
};

/* The search path, in order; returns how many. */
static size_t
lesson_roots_get(struct lesson_root *r, size_t max)
{
	char exe[PATH_MAX], build[PATH_MAX], *slash, *copy, *tok, *save = NULL;
	const char *env, *home;
	size_t n = 0;
	ssize_t len;

	if ((env = getenv("SOCKSTEP_LESSONS")) != NULL) {
		copy = xstrdup(env);
		for (tok = strtok_r(copy, ":", &save); tok != NULL && n + 2 < max;
		    tok = strtok_r(NULL, ":", &save)) {
			strlcpy(r[n].text, tok, sizeof r[n].text);
			r[n++].bin[0] = '\0';
		}
		free(copy);
	}
	/* The XDG spec: a relative XDG_DATA_HOME is ignored. */
	if ((env = getenv("XDG_DATA_HOME")) != NULL && env[0] == '/') {
		snprintf(r[n].text, sizeof r[n].text, "%s/sockstep/lessons", env);
		r[n++].bin[0] = '\0';
	} else if ((home = getenv("HOME")) != NULL && home[0] == '/') {
		snprintf(r[n].text, sizeof r[n].text,
		    "%s/.local/share/sockstep/lessons", home);
		r[n++].bin[0] = '\0';
	}
	strlcpy(r[n].text, SOCKSTEP_DATA_LESSONS, sizeof r[n].text);
	strlcpy(r[n].bin, SOCKSTEP_LIBEXEC_LESSONS, sizeof r[n].bin);
	len = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (len > 0) {
		exe[len] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL)
			*slash = '\0';
		if (realpath(SOCKSTEP_BUILD_ROOT, build) != NULL &&
		    strcmp(exe, build) == 0) {
			strlcpy(r[n].text, SOCKSTEP_SOURCE_LESSONS,
			    sizeof r[n].text);
			if ((size_t)snprintf(r[n].bin, sizeof r[n].bin,
			    "%s/lessons", build) >= sizeof r[n].bin)
				r[n].bin[0] = '\0';
		}
	}
	return n + 1;
}

/* The search path as a message shows it: "a:b:c". */
void
lesson_search_path(char *buf, size_t len)
{
	struct lesson_root r[LESSON_ROOTS_MAX];
	size_t n = lesson_roots_get(r, LESSON_ROOTS_MAX), i;

	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i > 0)
			strlcat(buf, ":", len);
		strlcat(buf, r[i].text, len);
	}
}

static bool
lesson_dir_has_file(const char *dir)
{
	char *file;
	struct stat sb;
	bool yes;

	xasprintf(&file, "%s/lesson.ini", dir);
	yes = lstat(file, &sb) == 0;
	free(file);
	return yes;
}

static int
lesson_dir_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds the lessons in root that names has not, unsorted. */
static void
lesson_list_root(const char *root, char ***names, size_t *n)
{
	char path[PATH_MAX + 300];
	struct dirent *de;
	size_t j;
	DIR *d;

	if ((d = opendir(root)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", root, de->d_name);
		if (!lesson_dir_has_file(path))
			continue;
		for (j = 0; j < *n; j++)
			if (strcmp((*names)[j], de->d_name) == 0)
				break;
		if (j < *n)
			continue;
		*names = xreallocarray(*names, *n + 1, sizeof **names);
		(*names)[(*n)++] = xstrdup(de->d_name);
	}
	closedir(d);
}

/* Sorted names of the lessons along the search path ("01-hello", ...);
 * a name the path has twice is listed once. */
char **
lesson_list(size_t *countp)
{
	struct lesson_root r[LESSON_ROOTS_MAX];
	size_t nr = lesson_roots_get(r, LESSON_ROOTS_MAX), n = 0, i;
	char **names = NULL;

	for (i = 0; i < nr; i++)
		lesson_list_root(r[i].text, &names, &n);
	if (n > 0)
		qsort(names, n, sizeof *names, lesson_dir_cmp);
	*countp = n;
	return names;
}

/* The directory of lesson NAME along the search path, or NULL. */
static char *
lesson_find_name(const char *name)
{
	struct lesson_root r[LESSON_ROOTS_MAX];
	size_t nr = lesson_roots_get(r, LESSON_ROOTS_MAX), i;
	char *dir;

	for (i = 0; i < nr; i++) {
		xasprintf(&dir, "%s/%s", r[i].text, name);
		if (lesson_dir_has_file(dir))
			return dir;
		free(dir);
	}
	return NULL;
}

/* The lesson whose name begins with number num ("1" is 01-...): in
 * the first directory of the path that has one, the first by name. */
static char *
lesson_find_number(long num)
{
	struct lesson_root r[LESSON_ROOTS_MAX];
	size_t nr = lesson_roots_get(r, LESSON_ROOTS_MAX), n, i, j;
	char **names, *dir = NULL;

	for (i = 0; i < nr && dir == NULL; i++) {
		names = NULL;
		n = 0;
		lesson_list_root(r[i].text, &names, &n);
		if (n > 0)
			qsort(names, n, sizeof *names, lesson_dir_cmp);
		for (j = 0; j < n; j++) {
			if (dir == NULL && atol(names[j]) == num)
				xasprintf(&dir, "%s/%s", r[i].text, names[j]);
			free(names[j]);
		}
		free(names);
	}
	return dir;
}

/* The built programs of a built-in lesson (a directory of a built-in
 * root that meson built programs for), or NULL for any other. */
static char *
lesson_builtin_bindir(const char *dir)
{
	struct lesson_root r[LESSON_ROOTS_MAX];
	size_t nr = lesson_roots_get(r, LESSON_ROOTS_MAX), i, len;
	char real[PATH_MAX], root[PATH_MAX], *bin;
	struct stat sb;

	if (realpath(dir, real) == NULL)
		return NULL;
	for (i = 0; i < nr; i++) {
		if (r[i].bin[0] == '\0' || realpath(r[i].text, root) == NULL)
			continue;
		len = strlen(root);
		if (strncmp(real, root, len) != 0 || real[len] != '/' ||
		    strchr(real + len + 1, '/') != NULL)
			continue;
		xasprintf(&bin, "%s/%s", r[i].bin, real + len + 1);
		if (stat(bin, &sb) == 0 && S_ISDIR(sb.st_mode))
			return bin;
		free(bin);
	}
	return NULL;
}

/*
 * Load lesson NAME: a path to a lesson directory (one with a slash, or
 * a directory here with a lesson.ini), a lesson's name along the search
 * path ("01-hello"), or its number ("1", "01").  The programs are not
 * built here: lesson_build() does that, for the runs that need them.
 */
int
lesson_open(struct lesson *l, const char *name, char *err, size_t errlen)
{
	char file[PATH_MAX + 300], path[PATH_MAX * 4], *dir = NULL;
	const char *errstr, *base;
	struct stat sb;
	long num;

	if (strchr(name, '/') != NULL || (stat(name, &sb) == 0 &&
	    S_ISDIR(sb.st_mode) && lesson_dir_has_file(name)))
		dir = xstrdup(name);
	else if ((dir = lesson_find_name(name)) == NULL) {
		num = strtonum(name, 1, 99, &errstr);
		if (errstr == NULL)
			dir = lesson_find_number(num);
	}
	if (dir == NULL) {
		lesson_search_path(path, sizeof path);
		snprintf(err, errlen, _("no lesson '%s' (see 'sockstep "
		    "lessons'; lessons are in %s)"), name, path);
		return -1;
	}
	snprintf(file, sizeof file, "%s/lesson.ini", dir);
	if (access(file, F_OK) == -1) {
		snprintf(err, errlen, _("%s: no lesson.ini in this lesson "
		    "directory"), dir);
		free(dir);
		return -1;
	}
	if (lesson_load_file(l, file, err, errlen) == -1) {
		free(dir);
		return -1;
	}
	l->dir = dir;
	l->bindir = lesson_builtin_bindir(dir);
	l->external = l->bindir == NULL;
	base = strrchr(dir, '/');
	l->name = xstrdup(base != NULL && base[1] != '\0' ? base + 1 : dir);
	return 0;
}
