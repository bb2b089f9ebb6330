/*
 * lesson-build.c - a lesson's programs, ready to run (issue 17 §1).  A
 * built-in lesson's were built by meson.  Any other lesson names its
 * programs by the first word of its commands (server, client, each of
 * [programs]); a word W with W.c beside lesson.ini is built from it
 * into the cache, which becomes the lesson's program directory.  A W
 * that is a program there already (a teacher's own build) is linked in
 * beside them, so a lesson may have both.  With no source at all, the
 * lesson's own directory is its program directory, as before.
 */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lesson.h"

/* The commands whose programs this run starts: the user's own (run
 * --server, --client) are not the lesson's. */
static size_t
lesson_build_cmds(const struct lesson *l, const char **cmds, size_t max)
{
	size_t n = 0, i;

	if (l->server_cmd != NULL && !l->server_is_user && n < max)
		cmds[n++] = l->server_cmd;
	if (l->client_cmd != NULL && !l->client_is_user && n < max)
		cmds[n++] = l->client_cmd;
	for (i = 0; i < l->nprogs && n < max; i++)
		cmds[n++] = l->progs[i].cmd;
	return n;
}

/* The first word of cmd when it may name a program in the lesson's
 * directory (no slash, no leading dot: never the cache's own files);
 * NULL for a path. */
static char *
lesson_build_word(const char *cmd)
{
	static const uint16_t ports[2] = { 0, 0 };
	char err[256], **argv, *w = NULL;

	if ((argv = lesson_argv(cmd, NULL, ports, "127.0.0.1", err,
	    sizeof err)) == NULL)
		return NULL;	/* said when it runs */
	if (strchr(argv[0], '/') == NULL && argv[0][0] != '.')
		w = xstrdup(argv[0]);
	strv_free(argv);
	return w;
}

static bool
lesson_build_is_file(const char *path, bool exec)
{
	struct stat sb;

	return stat(path, &sb) == 0 && S_ISREG(sb.st_mode) &&
	    (!exec || access(path, X_OK) == 0);
}

/* The compiler's first line that says "error", for a one-line message. */
static void
lesson_build_first_error(const char *diag, char *buf, size_t len)
{
	const char *p = diag, *nl, *e;

	buf[0] = '\0';
	while (*p != '\0') {
		nl = strchr(p, '\n');
		e = nl != NULL ? nl : p + strlen(p);
		if (memmem(p, (size_t)(e - p), "error", 5) != NULL) {
			snprintf(buf, len, "%.*s", (int)(e - p), p);
			return;
		}
		if (nl == NULL)
			break;
		p = nl + 1;
	}
}

int
lesson_build(struct lesson *l, char *err, size_t errlen, char **diag)
{
	const char *cmds[3 + 64];
	char src[PATH_MAX + 32], exe[PATH_MAX], first[512], *w, *slash;
	char *bindir = NULL, **prebuilt = NULL;
	size_t ncmd, i, nprebuilt = 0;
	int rc = 0;

	*diag = NULL;
	if (!l->external || l->dir == NULL)
		return 0;
	ncmd = lesson_build_cmds(l, cmds, sizeof cmds / sizeof cmds[0]);
	for (i = 0; i < ncmd && rc == 0; i++) {
		if ((w = lesson_build_word(cmds[i])) == NULL)
			continue;
		snprintf(src, sizeof src, "%s/%s.c", l->dir, w);
		if (!lesson_build_is_file(src, false)) {
			/* A program of the teacher's own, or none: either
			 * way, not what the cache built of an old W.c. */
			prebuilt = xreallocarray(prebuilt, nprebuilt + 1,
			    sizeof *prebuilt);
			prebuilt[nprebuilt++] = w;
			continue;
		}
		rc = lesson_cc_build(src, exe, sizeof exe, diag);
		if (rc == -1) {
			lesson_build_first_error(*diag, first, sizeof first);
			snprintf(err, errlen, _("%s: %s.c does not compile%s%s"),
			    l->name, w, first[0] != '\0' ? ": " : "", first);
		} else if (rc == -2) {
			snprintf(err, errlen, "%s: %s", l->name, *diag);
			free(*diag);	/* one line, said in err */
			*diag = NULL;
		} else if (bindir == NULL && (slash = strrchr(exe, '/')) != NULL)
			bindir = xstrndup(exe, (size_t)(slash - exe));
		free(w);
	}
	/* A program of the teacher's own, linked in beside the built ones
	 * (none: the cache holds no program of that name, and PATH has the
	 * last word). */
	for (i = 0; i < nprebuilt; i++) {
		if (rc == 0 && bindir != NULL) {
			char *link, *target;

			xasprintf(&link, "%s/%s", bindir, prebuilt[i]);
			unlink(link);
			snprintf(src, sizeof src, "%s/%s", l->dir, prebuilt[i]);
			if (lesson_build_is_file(src, true) &&
			    realpath(l->dir, src) != NULL) {
				xasprintf(&target, "%s/%s", src, prebuilt[i]);
				if (symlink(target, link) == -1 && errno != EEXIST)
					rc = -1, snprintf(err, errlen, "%s: %s",
					    link, strerror(errno));
				free(target);
			}
			free(link);
		}
		free(prebuilt[i]);
	}
	free(prebuilt);
	if (rc != 0) {
		free(bindir);
		return -1;
	}
	free(l->bindir);
	l->bindir = bindir != NULL ? bindir : xstrdup(l->dir);
	return 0;
}
