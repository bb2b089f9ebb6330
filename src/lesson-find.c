/*
 * lesson-find.c - where lessons live.  Run from the build tree, the
 * programs are the ones meson just built next to the executable and the
 * lesson files come from the source tree; installed, both come from the
 * install prefix.  A name with a slash is a lesson directory of its own
 * (a teacher's draft), its programs beside its lesson file.
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

/* The directories lesson files and lesson programs are found in. */
void
lesson_roots(char *textroot, size_t tlen, char *binroot, size_t blen)
{
	char exe[PATH_MAX], build[PATH_MAX], *slash;
	const char *env;
	ssize_t n;

	strlcpy(textroot, SOCKSTEP_DATA_LESSONS, tlen);
	strlcpy(binroot, SOCKSTEP_LIBEXEC_LESSONS, blen);
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL)
			*slash = '\0';
		if (realpath(SOCKSTEP_BUILD_ROOT, build) != NULL &&
		    strcmp(exe, build) == 0) {
			strlcpy(textroot, SOCKSTEP_SOURCE_LESSONS, tlen);
			snprintf(binroot, blen, "%s/lessons", build);
		}
	}
	if ((env = getenv("SOCKSTEP_LESSONS")) != NULL && *env != '\0')
		strlcpy(textroot, env, tlen);
}

/* A lesson directory outside the built-in set (a path the user gave):
 * its commands are whatever its lesson.ini says. */
static bool
lesson_is_external(const char *dir)
{
	char textroot[PATH_MAX], binroot[PATH_MAX], real[PATH_MAX];
	char root[PATH_MAX];
	size_t n;

	lesson_roots(textroot, sizeof textroot, binroot, sizeof binroot);
	if (realpath(dir, real) == NULL || realpath(textroot, root) == NULL)
		return true;
	n = strlen(root);
	return strncmp(real, root, n) != 0 || real[n] != '/';
}

static int
lesson_dir_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names of the lesson directories under root ("01-hello", ...). */
char **
lesson_list(size_t *countp)
{
	char textroot[PATH_MAX], binroot[PATH_MAX], path[PATH_MAX + 300];
	char **names = NULL;
	struct dirent *de;
	struct stat sb;
	size_t n = 0;
	DIR *d;

	*countp = 0;
	lesson_roots(textroot, sizeof textroot, binroot, sizeof binroot);
	if ((d = opendir(textroot)) == NULL)
		return NULL;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s/lesson.ini", textroot,
		    de->d_name);
		if (stat(path, &sb) == -1)
			continue;
		names = xreallocarray(names, n + 1, sizeof *names);
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof *names, lesson_dir_cmp);
	*countp = n;
	return names;
}

/*
 * Load lesson NAME: a directory name ("01-hello"), its number ("1",
 * "01"), or a path to a lesson directory.
 */
int
lesson_open(struct lesson *l, const char *name, char *err, size_t errlen)
{
	char textroot[PATH_MAX], binroot[PATH_MAX], file[PATH_MAX + 300];
	char *dir = NULL, *bindir = NULL, **names;
	const char *errstr;
	size_t n, i;
	long num;

	if (strchr(name, '/') != NULL) {
		dir = xstrdup(name);
		bindir = xstrdup(name);
	} else {
		lesson_roots(textroot, sizeof textroot, binroot,
		    sizeof binroot);
		names = lesson_list(&n);
		num = strtonum(name, 1, 99, &errstr);
		for (i = 0; i < n && dir == NULL; i++) {
			if (strcmp(names[i], name) == 0 ||
			    (errstr == NULL && atol(names[i]) == num)) {
				xasprintf(&dir, "%s/%s", textroot, names[i]);
				xasprintf(&bindir, "%s/%s", binroot, names[i]);
			}
		}
		for (i = 0; i < n; i++)
			free(names[i]);
		free(names);
		if (dir == NULL) {
			snprintf(err, errlen, _("no lesson '%s' (see 'sockstep "
			    "lessons'; lessons are in %s)"), name, textroot);
			return -1;
		}
	}
	snprintf(file, sizeof file, "%s/lesson.ini", dir);
	if (access(file, F_OK) == -1) {
		snprintf(err, errlen, _("%s: no lesson.ini in this lesson "
		    "directory"), dir);
		free(dir);
		free(bindir);
		return -1;
	}
	if (lesson_load_file(l, file, err, errlen) == -1) {
		free(dir);
		free(bindir);
		return -1;
	}
	l->dir = dir;
	l->bindir = bindir;
	l->external = lesson_is_external(dir);
	l->name = xstrdup(strrchr(dir, '/') != NULL && strrchr(dir, '/')[1] ?
	    strrchr(dir, '/') + 1 : dir);
	return 0;
}
