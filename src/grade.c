/*
 * grade.c - `sockstep grade`: a class's submissions, one after another,
 * each in a worker process of its own (grade-run.c) with a copy of its
 * files in a private directory, a wall-clock deadline, and nothing of
 * the grader's within reach.  One line per run, and at the end, once
 * every worker is gone, the Gradescope results file.
 *
 * A submission directory holds server.c and/or client.c (built with
 * lesson_cc_build), or programs named server and/or client; each side
 * the lesson has and the directory gives is graded against the
 * lesson's own program on the other side.
 */
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diff.h"
#include "grade.h"
#include "views.h"

#define GRADE_GRACE_S	30	/* the worker's own limit, then this, then kill */
#define COPY_MAX_FILES	100	/* files of a submission directory copied */
#define COPY_MAX_BYTES	(4 * 1024 * 1024)

/* One run: a submission's program on one side. */
struct unit {
	char	*label;		/* "alice (server)" */
	char	*src;		/* the file as given, or NULL: DIR's files */
	char	*dir;		/* the submission's directory, or NULL */
	char	*prog;		/* its name in the copy: "server.c" */
	int	 side;
	char	*missing;	/* nothing to grade in DIR: why */
};

struct grade {
	struct lesson	 lesson;
	const char	*lesson_arg;	/* as the worker opens it */
	char		 root[1024];	/* the private temporary directory */
	struct unit	*units;
	size_t		 nunits;
	const struct options *o;
	unsigned	 time_limit;
	bool		 said_jail;
	char		 ref_jsonl[1100];	/* the reference run's transcript */
	bool		 ref_ok;	/* ... which passed its own checks */
};

static volatile sig_atomic_t grade_signal;

static void
grade_on_signal(int sig)
{
	grade_signal = sig;
}

static void
grade_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = grade_on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
}

static void
unit_add(struct grade *g, const char *label, const char *src,
    const char *dir, const char *prog, int side, const char *missing)
{
	struct unit *u;

	g->units = xreallocarray(g->units, g->nunits + 1, sizeof *g->units);
	u = &g->units[g->nunits++];
	u->label = xstrdup(label);
	u->src = src != NULL ? xstrdup(src) : NULL;
	u->dir = dir != NULL ? xstrdup(dir) : NULL;
	u->prog = xstrdup(prog);
	u->side = side;
	u->missing = missing != NULL ? xstrdup(missing) : NULL;
}

static const char *
base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	while (s != NULL && s[1] == '\0' && s > path) {	/* "dir/" */
		const char *t = s - 1;

		while (t > path && *t != '/')
			t--;
		if (*t != '/')
			return path;
		s = t;
	}
	return s != NULL ? s + 1 : path;
}

/* The side's program in a submission directory: SIDE.c, else SIDE. */
static const char *
dir_program(const char *dir, const char *side, char *buf, size_t len)
{
	struct stat st;
	char path[PATH_MAX];

	snprintf(buf, len, "%s.c", side);
	snprintf(path, sizeof path, "%s/%s", dir, buf);
	if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
		return buf;
	snprintf(buf, len, "%s", side);
	snprintf(path, sizeof path, "%s/%s", dir, buf);
	if (stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    (st.st_mode & 0111) != 0)
		return buf;
	return NULL;
}

static int
grade_units(struct grade *g, char *const dirs[], size_t ndirs, char *err,
    size_t errlen)
{
	static const char *const sides[] = { "server", "client" };
	const struct options *o = g->o;
	const char *given[2] = { o->run_server, o->run_client };
	char label[PATH_MAX], name[32], clean[256];
	struct stat st;
	size_t i, k, found;
	int side;

	if (ndirs > 0 && (given[0] != NULL || given[1] != NULL)) {
		snprintf(err, errlen, "%s", _("grade: --server/--client or "
		    "submission directories, not both"));
		return -1;
	}
	for (side = 0; side < 2; side++) {
		if (given[side] == NULL)
			continue;
		if ((side == 0 ? g->lesson.server_cmd :
		    g->lesson.client_cmd) == NULL) {
			snprintf(err, errlen, side == 0 ?
			    _("lesson %s has no server") :
			    _("lesson %s has no client"), g->lesson.name);
			return -1;
		}
		if (stat(given[side], &st) == -1 || !S_ISREG(st.st_mode)) {
			snprintf(err, errlen, "--%s %s: %s", sides[side],
			    given[side], access(given[side], F_OK) == -1 ?
			    strerror(errno) : _("not a file"));
			return -1;
		}
		unit_add(g, sides[side], given[side], NULL,
		    base_name(given[side]), side, NULL);
	}
	for (i = 0; i < ndirs; i++) {
		if (stat(dirs[i], &st) == -1 || !S_ISDIR(st.st_mode)) {
			snprintf(err, errlen, _("grade: %s: not a directory"),
			    dirs[i]);
			return -1;
		}
		/* A student's directory name is theirs: printable only. */
		snprintf(clean, sizeof clean, "%s", base_name(dirs[i]));
		for (k = 0; clean[k] != '\0'; k++)
			if ((unsigned char)clean[k] < 0x20 || clean[k] == 0x7f)
				clean[k] = '?';
		found = 0;
		for (side = 0; side < 2; side++) {
			const char *cmd = side == 0 ? g->lesson.server_cmd :
			    g->lesson.client_cmd;
			const char *prog;

			if (cmd == NULL || (prog = dir_program(dirs[i],
			    sides[side], name, sizeof name)) == NULL)
				continue;
			snprintf(label, sizeof label, "%s (%s)", clean,
			    sides[side]);
			unit_add(g, label, NULL, dirs[i], prog, side, NULL);
			found++;
		}
		if (found == 0)
			unit_add(g, clean, NULL, dirs[i], "-", 0,
			    _("no server.c, client.c, server or client in the "
			    "directory"));
	}
	if (g->nunits == 0) {
		snprintf(err, errlen, "%s", _("grade: what to grade? --server "
		    "PROG|FILE.c, --client PROG|FILE.c, or directories"));
		return -1;
	}
	if (g->nunits == 1)	/* the only one: its tests need no name */
		g->units[0].label[0] = '\0';
	return 0;
}

/* A file copied into the run's directory, owned by who runs it. */
static int
copy_file(const char *from, const char *to, uid_t uid, gid_t gid)
{
	char buf[65536];
	struct stat st;
	ssize_t n;
	size_t total = 0;
	int in, out, rc = -1;

	if ((in = open(from, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return -1;
	if (fstat(in, &st) == -1 || !S_ISREG(st.st_mode) ||
	    (out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    (st.st_mode & 0111) ? 0700 : 0600)) == -1) {
		close(in);
		return -1;
	}
	while ((n = read(in, buf, sizeof buf)) > 0 && total < COPY_MAX_BYTES) {
		if (write(out, buf, (size_t)n) != n)
			goto done;
		total += (size_t)n;
	}
	rc = n < 0 ? -1 : 0;
	if (geteuid() == 0 && fchown(out, uid, gid) == -1)
		rc = -1;
done:
	close(in);
	close(out);
	return rc;
}

/* The run's own directory: a copy of what it is given. */
static int
unit_dir(struct grade *g, const struct unit *u, const char *own)
{
	uid_t uid = jail_uid();
	gid_t gid = jail_gid();
	char from[PATH_MAX], to[PATH_MAX];
	struct dirent *de;
	size_t n = 0;
	DIR *dp;

	(void)g;
	if (mkdir(own, 0700) == -1 || (geteuid() == 0 &&
	    chown(own, uid, gid) == -1))
		return -1;
	if (u->src != NULL) {
		if (snprintf(to, sizeof to, "%s/%s", own, u->prog) >=
		    (int)sizeof to)
			return -1;
		return copy_file(u->src, to, uid, gid);
	}
	if (u->dir == NULL)
		return 0;
	if ((dp = opendir(u->dir)) == NULL)
		return -1;
	while ((de = readdir(dp)) != NULL && n < COPY_MAX_FILES) {
		if (de->d_name[0] == '.')
			continue;
		if (snprintf(from, sizeof from, "%s/%s", u->dir,
		    de->d_name) >= (int)sizeof from || snprintf(to, sizeof to,
		    "%s/%s", own, de->d_name) >= (int)sizeof to)
			continue;
		if (copy_file(from, to, uid, gid) == 0)
			n++;
	}
	closedir(dp);
	return 0;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

/* Reads the worker's report until it ends or the deadline passes; then
 * the worker is killed (its tracees die with it: PTRACE_O_EXITKILL). */
static bool
grade_collect(int fd, pid_t pid, unsigned limit_s, struct sbuf *buf)
{
	uint64_t deadline = lab_now_ms() + (uint64_t)(limit_s +
	    GRADE_GRACE_S) * 1000;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char chunk[8192];
	bool late = false;
	ssize_t n;
	int wait;

	for (;;) {
		uint64_t now = lab_now_ms();

		wait = now >= deadline ? 0 : (int)(deadline - now);
		if (!late && (now >= deadline || grade_signal)) {
			kill(pid, SIGKILL);
			late = now >= deadline;
			deadline = now + 3600 * 1000;
		}
		if (poll(&pfd, 1, wait) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd.revents == 0)
			continue;
		if ((n = read(fd, chunk, sizeof chunk)) == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		sbuf_addn(buf, chunk, (size_t)n);
	}
	return late;
}

/*
 * What a worker leaves: the grader is a child subreaper (cmd_grade), so
 * a submission's processes whose worker has ended are its children, the
 * only ones it has between two runs.  Each is killed and waited for, so
 * the next run (and the end of grade) finds none, however slowly a
 * loaded machine lets them die.
 */
static void
grade_reap_strays(void)
{
	char path[64], line[256];
	struct dirent *de;
	long ppid;
	DIR *dp;
	FILE *f;

	for (;;) {
		if ((dp = opendir("/proc")) != NULL) {
			while ((de = readdir(dp)) != NULL) {
				if (de->d_name[0] < '1' || de->d_name[0] > '9')
					continue;
				snprintf(path, sizeof path, "/proc/%.20s/stat",
				    de->d_name);
				if ((f = fopen(path, "re")) == NULL)
					continue;
				/* pid (comm) state ppid: comm may hold ')' */
				if (fgets(line, sizeof line, f) != NULL &&
				    strrchr(line, ')') != NULL &&
				    sscanf(strrchr(line, ')') + 1, " %*c %ld",
				    &ppid) == 1 && ppid == (long)getpid())
					kill((pid_t)atol(de->d_name), SIGKILL);
				fclose(f);
			}
			closedir(dp);
		}
		if (waitpid(-1, NULL, 0) == -1 && errno == ECHILD)
			return;
	}
}

/* One run in a worker; its verdict in r. */
static void
grade_one(struct grade *g, const char *name, const struct unit *u,
    struct grade_result *r)
{
	struct grade_job job;
	struct sbuf buf;
	char own[PATH_MAX], jsonl[PATH_MAX];
	int pfd[2], jfd, status = 0;
	bool late;
	pid_t pid;

	memset(&job, 0, sizeof job);
	/* g->root is short: mkdtemp's, checked when made */
	if (snprintf(own, sizeof own, "%s/%s", g->root, name) >=
	    (int)sizeof own || snprintf(jsonl, sizeof jsonl,
	    "%s/transcripts/%s.jsonl", g->root, name) >= (int)sizeof jsonl)
		own[0] = jsonl[0] = '\0';
	job.lesson = g->lesson_arg;
	job.lang = g->o->lang;
	job.net = g->o->net;
	job.time_limit = g->time_limit;
	job.own = own;
	job.prog = u != NULL ? u->prog : NULL;
	job.side = u != NULL ? u->side : 0;
	job.say_jail = !g->said_jail;
	g->said_jail = true;
	if (u != NULL && u->missing != NULL) {
		grade_result_parse(r, "", 0, g->lesson.nchecks);
		r->complete = true;
		r->reason = xstrdup(u->missing);
		return;
	}
	if (unit_dir(g, u != NULL ? u : &(struct unit){ .prog = NULL },
	    own) == -1 || pipe2(pfd, O_CLOEXEC) == -1) {
		grade_result_parse(r, "", 0, g->lesson.nchecks);
		r->complete = true;
		xasprintf(&r->reason, _("could not copy the submission: %s"),
		    strerror(errno));
		return;
	}
	jfd = open(jsonl, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	job.report_fd = pfd[1];
	job.jsonl_fd = jfd;
	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) == 0) {
		close(pfd[0]);
		_exit(grade_worker(&job));
	}
	close(pfd[1]);
	if (jfd != -1)
		close(jfd);
	sbuf_init(&buf);
	late = pid == -1 ? false : grade_collect(pfd[0], pid, g->time_limit,
	    &buf);
	close(pfd[0]);
	if (pid != -1)
		while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
			;
	grade_reap_strays();
	grade_result_parse(r, sbuf_str(&buf), buf.len, g->lesson.nchecks);
	sbuf_finish(&buf);
	/* Its copy goes at once: the next submission never finds it. */
	nftw(own, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	r->jsonl = xstrdup(jsonl);
	if (r->reason == NULL && late) {
		r->complete = true;
		xasprintf(&r->reason, _("did not finish within the time limit "
		    "of %u s"), g->time_limit);
	} else if (!r->complete && r->reason == NULL) {
		struct sbuf how;

		sbuf_init(&how);
		if (pid == -1)
			sbuf_addf(&how, "fork: %s", strerror(errno));
		else
			wait_status_format(&how, status);
		r->complete = true;
		xasprintf(&r->reason, _("the grading of this submission ended "
		    "before its verdict (%s)"), sbuf_str(&how));
		sbuf_finish(&how);
	}
}

/*
 * The first divergence of a failed run from the reference run, in
 * words, into r->divergence (the class's line and the results file show
 * it).  Both transcripts (batch --json) are in the private directory
 * until the end of the class's run: g->ref_jsonl, r->jsonl.
 */
static void
grade_divergence(const struct grade *g, struct grade_result *r)
{
	if (grade_result_passed(r) || r->jsonl == NULL || !g->ref_ok)
		return;
	char *words = NULL, derr[256];

	if (tdiff_files(g->ref_jsonl, r->jsonl, &words, derr,
	    sizeof derr) == 1)
		r->divergence = words;
	else
		free(words);
}

/* The class's list: one line a run, nothing of a program's in it. */
static void
grade_print(const struct grade *g, const struct unit *u,
    const struct grade_result *r)
{
	struct sbuf words;
	unsigned score = grade_result_score(r);

	sbuf_init(&words);
	if (!grade_result_passed(r))
		grade_result_words(&words, r, &g->lesson);
	if (u->label[0] != '\0')
		printf("%s: ", u->label);
	if (grade_result_passed(r))
		printf(_("passed (%u/%zu)\n"), score, r->nchecks + 1);
	else
		printf(_("failed (%u/%zu): %s\n"), score, r->nchecks + 1,
		    sbuf_str(&words));
	fflush(stdout);
	sbuf_finish(&words);
}

/* The results file's directory takes a file: known before the run. */
static int
results_writable(const char *path, char *err, size_t errlen)
{
	char dir[PATH_MAX], *slash;

	strlcpy(dir, path, sizeof dir);
	if ((slash = strrchr(dir, '/')) == NULL)
		strlcpy(dir, ".", sizeof dir);
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if (access(dir, W_OK) == 0)
		return 0;
	snprintf(err, errlen, "--results %s: %s", path, strerror(errno));
	return -1;
}

static void
grade_free(struct grade *g)
{
	size_t i;

	for (i = 0; i < g->nunits; i++) {
		free(g->units[i].label);
		free(g->units[i].src);
		free(g->units[i].dir);
		free(g->units[i].prog);
		free(g->units[i].missing);
	}
	free(g->units);
	lesson_finish(&g->lesson);
	if (g->root[0] != '\0')
		nftw(g->root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

int
cmd_grade(const char *lesson, const struct options *o, const char *results,
    unsigned time_limit, char *const dirs[], size_t ndirs, char *err,
    size_t errlen)
{
	struct grade g;
	struct grade_entry *entries = NULL;
	struct grade_result ref;
	struct sbuf json;
	char lpath[PATH_MAX], name[32], *tmp;
	const char *tmpdir;
	size_t i;
	int rc = 0;

	memset(&g, 0, sizeof g);
	g.o = o;
	g.time_limit = time_limit;
	/* A submission's processes outlive their worker as ours, to be
	 * ended before the next run (grade_reap_strays). */
	(void)prctl(PR_SET_CHILD_SUBREAPER, 1);
	g.lesson_arg = lesson;
	/* The worker changes directory: a lesson path, made absolute. */
	if (strchr(lesson, '/') != NULL && realpath(lesson, lpath) != NULL)
		g.lesson_arg = lpath;
	if (lesson_open(&g.lesson, g.lesson_arg, err, errlen) == -1)
		return -1;
	if (grade_units(&g, dirs, ndirs, err, errlen) == -1 ||
	    (results != NULL && results_writable(results, err, errlen) == -1))
		goto fail;
	if ((tmpdir = getenv("TMPDIR")) == NULL || *tmpdir == '\0')
		tmpdir = "/tmp";
	xasprintf(&tmp, "%s/sockstep-grade-XXXXXX", tmpdir);
	if (mkdtemp(tmp) == NULL) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		free(tmp);
		goto fail;
	}
	if (strlcpy(g.root, tmp, sizeof g.root) >= sizeof g.root - 64) {
		rmdir(tmp);
		snprintf(err, errlen, "TMPDIR %s: %s", tmpdir,
		    strerror(ENAMETOOLONG));
		free(tmp);
		g.root[0] = '\0';
		goto fail;
	}
	free(tmp);
	/* Passable for the runs' own directories, readable by none. */
	if (snprintf(lpath, sizeof lpath, "%s/transcripts", g.root) >=
	    (int)sizeof lpath || chmod(g.root, 0711) == -1 ||
	    mkdir(lpath, 0700) == -1) {
		snprintf(err, errlen, "%s: %s", g.root, strerror(errno));
		goto fail;
	}
	grade_signals();
	/* The lesson's own programs first: the reference transcript, and
	 * a lesson that fails here would fail every submission. */
	grade_one(&g, "reference", NULL, &ref);
	if (ref.jsonl != NULL)
		strlcpy(g.ref_jsonl, ref.jsonl, sizeof g.ref_jsonl);
	g.ref_ok = grade_result_passed(&ref);
	if (!g.ref_ok) {
		struct sbuf w;

		sbuf_init(&w);
		grade_result_words(&w, &ref, &g.lesson);
		fprintf(stderr, _("sockstep: grade: the lesson's own programs "
		    "fail here: %s\n"), sbuf_str(&w));
		sbuf_finish(&w);
	}
	grade_result_finish(&ref);
	entries = xcalloc(g.nunits, sizeof *entries);
	for (i = 0; i < g.nunits && !grade_signal; i++) {
		snprintf(name, sizeof name, "%04zu", i + 1);
		entries[i].label = g.units[i].label;
		grade_one(&g, name, &g.units[i], &entries[i].res);
		if (grade_signal)
			break;
		grade_divergence(&g, &entries[i].res);
		grade_print(&g, &g.units[i], &entries[i].res);
		if (!grade_result_passed(&entries[i].res))
			rc = 1;
	}
	if (grade_signal)
		rc = 128 + grade_signal;
	else if (results != NULL) {
		sbuf_init(&json);
		grade_results_json(&json, entries, g.nunits, &g.lesson);
		if (atomic_write(results, sbuf_str(&json), json.len, 0644, err,
		    errlen) == -1) {
			fprintf(stderr, "sockstep: --results %s: %s\n",
			    results, err);
			rc = 2;
		}
		sbuf_finish(&json);
	}
	for (i = 0; i < g.nunits; i++)
		grade_result_finish(&entries[i].res);
	free(entries);
	grade_free(&g);
	return rc;
fail:
	grade_free(&g);
	return -1;
}
