/*
 * lesson-cc.c - a lesson's C sources built the way the textbook builds
 * them (cc -g -O0, so the source pane can point at each call's line),
 * into a cache under $XDG_CACHE_HOME/sockstep/build (issue 17 §1).  A
 * lesson outside sockstep's own build is a directory of sources; an
 * instructor should not need a Makefile for it.
 *
 * The one place in the lesson layer that runs something: the compiler,
 * never a lesson's program.  No shell: $CC is split into words and
 * exec'd with an argument vector.  Call it while no lab runs: the lab
 * reaps any child of sockstep's (waitpid(-1)), this one too.
 *
 * The cache: one directory per source directory (its name and a hash of
 * its absolute path), so a lesson's programs sit side by side under
 * their own names and the directory can be the lesson's program
 * directory.  Beside each program, NAME.key holds what it was built
 * from (the path, the compiler, a hash of the source's bytes and of the
 * headers beside it): a program is rebuilt when that differs, whatever
 * the clocks say.  A
 * lock on the directory keeps two sockstep processes from building the
 * same program at once; the new program is renamed into place whole.
 */
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lesson.h"

#define CC_SOURCE_MAX	(4 * 1024 * 1024)	/* a lesson program is short */
#define CC_DIAG_MAX	(256 * 1024)	/* compiler output kept; the rest is read and dropped */
#define CC_CPU_SECONDS	120	/* a compiler that spins (a hostile source) ends */
#define CC_WORDS_MAX	32

/* The flags the book's examples are built with (and lessons/meson.build). */
static const char *const cc_flags[] = { "-g", "-O0" };

/* FNV-1a, 64 bits: a key, not a defence (the cache is the user's own). */
static uint64_t
cc_hash(const void *p, size_t n, uint64_t h)
{
	const unsigned char *s = p;

	while (n-- > 0) {
		h ^= *s++;
		h *= 0x100000001b3ULL;
	}
	return h;
}
#define CC_HASH_INIT	0xcbf29ce484222325ULL

static char *
cc_error(const char *fmt, ...) PRINTFLIKE(1, 2);

static char *
cc_error(const char *fmt, ...)
{
	struct sbuf sb;
	va_list ap;
	char *s;

	sbuf_init(&sb);
	va_start(ap, fmt);
	sbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	s = xstrdup(sbuf_str(&sb));
	sbuf_finish(&sb);
	return s;
}

/* The source's bytes: a regular file, not too large. */
static char *
cc_read_source(const char *path, size_t *lenp, char **diag)
{
	struct stat sb;
	char *buf;
	size_t n = 0;
	ssize_t got;
	int fd;

	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1) {
		*diag = cc_error("%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    sb.st_size > CC_SOURCE_MAX) {
		*diag = cc_error(_("%s: not a regular file of at most %d "
		    "bytes"), path, CC_SOURCE_MAX);
		close(fd);
		return NULL;
	}
	buf = xmalloc((size_t)sb.st_size + 1);
	while (n < (size_t)sb.st_size) {
		got = read(fd, buf + n, (size_t)sb.st_size - n);
		if (got == -1 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		n += (size_t)got;
	}
	close(fd);
	*lenp = n;
	return buf;
}

/* $XDG_CACHE_HOME/sockstep/build, or ~/.cache/sockstep/build; created. */
static int
cc_cache_root(char *root, size_t len, char **diag)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	struct passwd *pw;
	char *p;

	/* The spec: a relative XDG_CACHE_HOME is invalid and ignored. */
	if (xdg != NULL && xdg[0] == '/')
		snprintf(root, len, "%s/sockstep/build", xdg);
	else {
		if ((home == NULL || home[0] != '/') &&
		    (pw = getpwuid(getuid())) != NULL)
			home = pw->pw_dir;
		if (home == NULL || home[0] != '/') {
			*diag = cc_error("%s", _("no cache directory for "
			    "building lesson programs: set XDG_CACHE_HOME or "
			    "HOME"));
			return -1;
		}
		snprintf(root, len, "%s/.cache/sockstep/build", home);
	}
	/* mkdir -p, private: the programs are the user's own */
	for (p = root + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;

		*p = '\0';
		if (mkdir(root, 0700) == -1 && errno != EEXIST) {
			*diag = cc_error(_("cannot create the cache directory "
			    "%s: %s"), root, strerror(errno));
			*p = c;
			return -1;
		}
		*p = c;
		if (c == '\0')
			break;
	}
	return 0;
}

/* The directory's last name, kept to file-name-safe bytes, for a
 * person looking in the cache. */
static void
cc_dir_label(const char *dir, char *out, size_t len)
{
	const char *base = strrchr(dir, '/');
	size_t n = 0;

	base = base != NULL ? base + 1 : dir;
	for (; *base != '\0' && n + 1 < len && n < 32; base++)
		out[n++] = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRS"
		    "TUVWXYZ0123456789._-", *base) != NULL ? *base : '_';
	out[n] = '\0';
	if (n == 0 || out[0] == '.')
		strlcpy(out, "root", len);
}

/* $CC (default cc) as words; more than CC_WORDS_MAX is an error. */
static int
cc_words(char *cc, const char **words, size_t *nw)
{
	char *save = NULL, *w;

	*nw = 0;
	for (w = strtok_r(cc, " \t", &save); w != NULL;
	    w = strtok_r(NULL, " \t", &save)) {
		if (*nw == CC_WORDS_MAX)
			return -1;
		words[(*nw)++] = w;
	}
	return 0;
}

/*
 * Runs argv with stdin from /dev/null and stdout and stderr into *out.
 * Returns the wait status, or -1 with errno when it could not run (the
 * child reports a failed exec through a close-on-exec pipe).
 */
static int
cc_run(char *const argv[], struct sbuf *out)
{
	int outp[2], errp[2], status, child_errno = 0, fd;
	char buf[4096];
	size_t kept = 0;
	ssize_t n;
	pid_t pid;

	if (pipe2(outp, O_CLOEXEC) == -1)
		return -1;
	if (pipe2(errp, O_CLOEXEC) == -1) {
		close(outp[0]);
		close(outp[1]);
		return -1;
	}
	if ((pid = fork()) == -1) {
		int e = errno;

		close(outp[0]);
		close(outp[1]);
		close(errp[0]);
		close(errp[1]);
		errno = e;
		return -1;
	}
	if (pid == 0) {
		struct rlimit rl = { CC_CPU_SECONDS, CC_CPU_SECONDS };
		sigset_t none;

		/* sockstep blocks SIGCHLD for its signalfd; the compiler
		 * driver waits for its own children in the ordinary way. */
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);
		signal(SIGCHLD, SIG_DFL);
		setrlimit(RLIMIT_CPU, &rl);
		if ((fd = open("/dev/null", O_RDONLY)) != -1) {
			dup2(fd, 0);
			if (fd > 2)
				close(fd);
		}
		dup2(outp[1], 1);
		dup2(outp[1], 2);
		execvp(argv[0], argv);
		child_errno = errno;
		(void)!write(errp[1], &child_errno, sizeof child_errno);
		_exit(127);
	}
	close(outp[1]);
	close(errp[1]);
	for (;;) {
		n = read(outp[0], buf, sizeof buf);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (kept < CC_DIAG_MAX) {
			size_t take = (size_t)n < CC_DIAG_MAX - kept ?
			    (size_t)n : CC_DIAG_MAX - kept;

			sbuf_addn(out, buf, take);
			kept += take;
		}
	}
	close(outp[0]);
	n = read(errp[0], &child_errno, sizeof child_errno);
	close(errp[0]);
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			return -1;
	if (n == (ssize_t)sizeof child_errno) {
		errno = child_errno;
		return -1;
	}
	return status;
}

/* The key file's bytes, or NULL (none, unreadable). */
static char *
cc_read_key(const char *path)
{
	char buf[PATH_MAX * 2 + 512];
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n < 0)
		return NULL;
	buf[n] = '\0';
	return xstrdup(buf);
}

static int
cc_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The headers beside the source (a lesson's common.h), by name and
 * bytes: a change to one is a change to the program.  Headers elsewhere
 * (the system's) are not looked at. */
static void
cc_key_headers(const char *dir, struct sbuf *key)
{
	char **names = NULL, *path, *text, *diag = NULL;
	struct dirent *de;
	size_t n = 0, i, len, nl;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL && n < 256) {
		nl = strlen(de->d_name);
		if (nl < 3 || de->d_name[0] == '.' ||
		    strcmp(de->d_name + nl - 2, ".h") != 0)
			continue;
		names = xreallocarray(names, n + 1, sizeof *names);
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof *names, cc_name_cmp);
	for (i = 0; i < n; i++) {
		xasprintf(&path, "%s/%s", dir, names[i]);
		if ((text = cc_read_source(path, &len, &diag)) != NULL) {
			sbuf_addf(key, "header %s %zu %016llx\n", names[i], len,
			    (unsigned long long)cc_hash(text, len,
			    CC_HASH_INIT));
			free(text);
		}
		free(diag);
		diag = NULL;
		free(path);
		free(names[i]);
	}
	free(names);
}

/* The build itself, with the directory locked. */
static int
cc_build_locked(const char *src, const char *dir, const char *stem,
    const char *cc, const char *key, char *exe, size_t exesz, char **diag)
{
	char ccbuf[1024], *tmp = NULL, *keypath = NULL, *old, err[512];
	const char *words[CC_WORDS_MAX], *argv[CC_WORDS_MAX + 8];
	struct sbuf out;
	struct stat sb;
	size_t nw, i, na = 0;
	int status, rc = -2;

	if ((size_t)snprintf(exe, exesz, "%s/%s", dir, stem) >= exesz) {
		*diag = cc_error(_("%s: path too long"), dir);
		return -2;
	}
	xasprintf(&keypath, "%s/%s.key", dir, stem);
	old = cc_read_key(keypath);
	if (old != NULL && strcmp(old, key) == 0 && stat(exe, &sb) == 0 &&
	    S_ISREG(sb.st_mode) && access(exe, X_OK) == 0) {
		free(old);
		free(keypath);
		return 0;
	}
	free(old);
	strlcpy(ccbuf, cc, sizeof ccbuf);
	if (cc_words(ccbuf, words, &nw) == -1 || nw == 0) {
		*diag = cc_error(_("CC='%s': expected a compiler and at most "
		    "%d words"), cc, CC_WORDS_MAX - 1);
		free(keypath);
		return -2;
	}
	xasprintf(&tmp, "%s/.%s.%ld.tmp", dir, stem, (long)getpid());
	for (i = 0; i < nw; i++)
		argv[na++] = words[i];
	for (i = 0; i < sizeof cc_flags / sizeof cc_flags[0]; i++)
		argv[na++] = cc_flags[i];
	argv[na++] = "-o";
	argv[na++] = tmp;
	argv[na++] = src;
	argv[na] = NULL;
	sbuf_init(&out);
	status = cc_run((char *const *)(void *)argv, &out);
	if (status == -1) {
		*diag = cc_error(_("cannot run the C compiler '%s': %s (set "
		    "CC to one)"), words[0], strerror(errno));
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		if (rename(tmp, exe) == -1)
			*diag = cc_error("%s: %s", exe, strerror(errno));
		else if (atomic_write(keypath, key, strlen(key), 0600, err,
		    sizeof err) == -1)
			*diag = cc_error("%s", err);
		else
			rc = 0;
	} else {
		/* The compiler's words as they are; a line of ours only
		 * when it said nothing (killed, or silent). */
		if (sbuf_str(&out)[0] == '\0') {
			if (WIFSIGNALED(status))
				sbuf_addf(&out, _("%s: the compiler was killed "
				    "by signal %d\n"), src, WTERMSIG(status));
			else
				sbuf_addf(&out, _("%s: the compiler exited "
				    "with status %d\n"), src,
				    WEXITSTATUS(status));
		}
		*diag = xstrdup(sbuf_str(&out));
		rc = -1;
	}
	sbuf_finish(&out);
	unlink(tmp);
	free(tmp);
	free(keypath);
	return rc;
}

int
lesson_cc_build(const char *src_c, char *exe, size_t exesz, char **diag)
{
	char abs[PATH_MAX], root[PATH_MAX], label[40], *dir = NULL;
	char *text, *key = NULL, *lock = NULL, *stem, *slash;
	const char *cc = getenv("CC");
	struct sbuf kb;
	size_t len, n;
	uint64_t h;
	int fd, rc;

	*diag = NULL;
	if (exesz > 0)
		exe[0] = '\0';
	if (realpath(src_c, abs) == NULL) {
		*diag = cc_error("%s: %s", src_c, strerror(errno));
		return -2;
	}
	if ((text = cc_read_source(abs, &len, diag)) == NULL)
		return -2;
	if (cc == NULL || strspn(cc, " \t") == strlen(cc))
		cc = "cc";
	if (cc_cache_root(root, sizeof root, diag) == -1) {
		free(text);
		return -2;
	}
	slash = strrchr(abs, '/');
	*slash = '\0';		/* abs is absolute: there is one */
	h = cc_hash(abs, strlen(abs), CC_HASH_INIT);
	cc_dir_label(abs, label, sizeof label);
	*slash = '/';
	stem = xstrdup(slash + 1);
	n = strlen(stem);
	if (n > 2 && strcmp(stem + n - 2, ".c") == 0)
		stem[n - 2] = '\0';
	xasprintf(&dir, "%s/%s-%016llx", root, label, (unsigned long long)h);
	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		*diag = cc_error(_("cannot create the cache directory %s: %s"),
		    dir, strerror(errno));
		rc = -2;
		goto out;
	}
	sbuf_init(&kb);
	sbuf_addf(&kb, "sockstep-cc 1\nsource %s\ncc %s", abs, cc);
	for (n = 0; n < sizeof cc_flags / sizeof cc_flags[0]; n++)
		sbuf_addf(&kb, " %s", cc_flags[n]);
	sbuf_addf(&kb, "\nbytes %zu fnv1a64 %016llx\n", len,
	    (unsigned long long)cc_hash(text, len, CC_HASH_INIT));
	*slash = '\0';
	cc_key_headers(abs, &kb);
	*slash = '/';
	key = xstrdup(sbuf_str(&kb));
	sbuf_finish(&kb);
	xasprintf(&lock, "%s/.lock", dir);
	if ((fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) == -1) {
		*diag = cc_error(_("cannot create the cache directory %s: %s"),
		    dir, strerror(errno));
		rc = -2;
		goto out;
	}
	while (flock(fd, LOCK_EX) == -1 && errno == EINTR)
		;
	rc = cc_build_locked(abs, dir, stem, cc, key, exe, exesz, diag);
	close(fd);		/* and the lock with it */
out:
	free(lock);
	free(key);
	free(dir);
	free(stem);
	free(text);
	return rc;
}
