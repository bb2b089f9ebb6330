/*
 * grade-run.c - the worker: one submission's run, in a process of its
 * own that the grader (grade.c) forks, watches with a deadline, and
 * ends.  It gives up root, enters the lab's network and user namespace,
 * shuts the filesystem but for the submission's own directory
 * (net-jail.c), builds the program there, and drives the lesson's
 * guided order as `run --lesson --batch` does.  The verdict comes from
 * the checks against the kernel and from the trace (how each task
 * ended, how many there were, how much it printed), never from what
 * the program printed; it goes to the grader through the report pipe
 * (grade-report.c).  Both transcripts are kept: the text one for the
 * words around a failure, the JSON Lines one for the first divergence.
 */
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "grade.h"

#define CONTEXT_BEFORE	14	/* transcript lines before a failure */
#define CONTEXT_AFTER	4	/* ... and after it */
#define CONTEXT_MAX	6000	/* bytes of it at most */
#define DIAG_MAX	8000	/* bytes of compiler output reported */

enum stop_why { STOP_NONE = 0, STOP_TIME, STOP_CPU, STOP_OUTPUT, STOP_SIGNAL };

static volatile sig_atomic_t worker_stop;
static volatile sig_atomic_t worker_why;

static void
worker_on_signal(int sig)
{
	if (worker_why == STOP_NONE)
		worker_why = sig == SIGALRM ? STOP_TIME : sig == SIGXCPU ?
		    STOP_CPU : STOP_SIGNAL;
	worker_stop = 1;	/* poll() returns EINTR: the wait ends */
}

static void
worker_signals(void)
{
	static const int sigs[] = { SIGALRM, SIGXCPU, SIGINT, SIGTERM,
	    SIGHUP };
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = worker_on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
}

struct worker {
	struct drive		 d;
	const struct grade_job	*job;
	FILE			*textf;		/* the text transcript */
	char			*text;
	size_t			 textlen;
	FILE			*jsonf;
	struct output		*otext, *ojson;
	size_t			 printed;	/* bytes the submission printed */
	struct wcheck {				/* per check of the lesson */
		bool	 reached, ok;
		char	*why;
		size_t	 at;			/* transcript offset after it */
	}			*checks;
	char			 why[512];	/* the last step's failure */
};

static void
worker_observe(struct lab *lab, const struct lab_event *ev, void *arg)
{
	struct worker *w = arg;

	if (w->otext != NULL)
		output_event(w->otext, lab, ev);
	if (w->ojson != NULL)
		output_event(w->ojson, lab, ev);
	/* A flood of its terminal ends the run: counted from the lines the
	 * lab read off the pty, never from what they say. */
	if (ev->type == LEV_OUTPUT && w->job->prog != NULL &&
	    ev->side != NULL && ev->side->index == w->job->side &&
	    ev->text != NULL) {
		w->printed += strlen(ev->text) + 1;
		if (w->printed > GRADE_OUTPUT_MAX && worker_why == STOP_NONE) {
			worker_why = STOP_OUTPUT;
			worker_stop = 1;
		}
	}
}

static void
worker_stepped(struct drive *d, const struct step *st, bool guided,
    const char *why, void *arg)
{
	struct worker *w = arg;

	(void)guided;
	if (why != NULL) {
		snprintf(w->why, sizeof w->why, "%s", why);
		return;
	}
	w->why[0] = '\0';
	if (w->otext != NULL)
		output_step(w->otext, d->s.lab, st->token);
	if (w->ojson != NULL)
		output_step(w->ojson, d->s.lab, st->token);
}

static void
worker_checked(struct drive *d, unsigned point, const struct lesson_check *c,
    enum check_result r, const char *why, void *arg)
{
	struct worker *w = arg;
	size_t i = (size_t)(c - d->s.lesson.checks);
	/* A check sockstep could not evaluate costs the student nothing;
	 * the results file says why in its output. */
	bool ok = r != CHECK_FAILED;

	if (w->otext != NULL)
		output_check(w->otext, point, c->expr, r, why);
	if (w->ojson != NULL)
		output_check(w->ojson, point, c->expr, r, why);
	fflush(w->textf);
	if (i >= d->s.lesson.nchecks)
		return;
	w->checks[i].reached = true;
	w->checks[i].ok = ok;
	free(w->checks[i].why);
	w->checks[i].why = xstrdup(why != NULL ? why : "");
	w->checks[i].at = w->textlen;
}

static const struct drive_hooks worker_hooks = {
	.stepped = worker_stepped,
	.checked = worker_checked,
};

/* Lines of the text transcript around offset at (its end if at is 0). */
static char *
worker_context(struct worker *w, size_t at)
{
	const char *t = w->text != NULL ? w->text : "";
	size_t start, end, lines;

	fflush(w->textf);
	t = w->text != NULL ? w->text : "";
	if (at == 0 || at > w->textlen)
		at = w->textlen;
	for (start = at, lines = 0; start > 0; start--)
		if (t[start - 1] == '\n' && ++lines > CONTEXT_BEFORE)
			break;
	for (end = at, lines = 0; end < w->textlen; end++)
		if (t[end] == '\n' && ++lines > CONTEXT_AFTER)
			break;
	if (end - start > CONTEXT_MAX)
		start = end - CONTEXT_MAX;
	return xstrndup(t + start, end - start);
}

/* One step, waited for; -1 with err when it could not run. */
static int
worker_one(struct worker *w, const struct step *st, char *err, size_t errlen)
{
	w->why[0] = '\0';
	if (drive_step(&w->d, st, err, errlen) == -1)
		return -1;
	drive_wait(&w->d);
	if (w->why[0] != '\0') {
		strlcpy(err, w->why, errlen);
		return -1;
	}
	return 0;
}

/* The guided order; a step that cannot be taken is a finding. */
static void
worker_steps(struct worker *w)
{
	char perr[256];
	size_t i;

	for (i = 0; i < w->d.s.nsteps && !worker_stop; i++) {
		const struct step *st = &w->d.s.steps[i];

		if (worker_one(w, st, perr, sizeof perr) == 0 || worker_stop)
			continue;
		lab_note(w->d.s.lab, NULL, "step %zu (%s) skipped: %s",
		    i + 1, st->token, perr);
		drive_skip_guided(&w->d);
	}
}

/* A signal a program dies of by its own doing. */
static bool
crash_signal(int sig)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT,
	    SIGXCPU, SIGXFSZ, SIGSYS, SIGTRAP };
	size_t i;

	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		if (sigs[i] == sig)
			return true;
	return false;
}

/* Why it failed apart from the checks, from the trace; NULL: nothing. */
static char *
worker_reason(struct worker *w)
{
	const struct grade_job *job = w->job;
	struct side *side = job->prog != NULL ?
	    session_side(&w->d.s, job->side) : NULL;
	struct task *t = NULL;
	char *r = NULL;

	switch (worker_why) {
	case STOP_TIME:
		xasprintf(&r, _("did not finish within the time limit of "
		    "%u s"), job->time_limit);
		return r;
	case STOP_CPU:
		return xstrdup(_("the grading used more than its CPU time"));
	case STOP_OUTPUT:
		xasprintf(&r, _("printed more than %d bytes: output without "
		    "end?"), GRADE_OUTPUT_MAX);
		return r;
	case STOP_SIGNAL:
		return xstrdup(_("the grading was interrupted"));
	}
	if (side == NULL)
		return NULL;
	if (side->ntasks >= GRADE_MAX_PROCS) {
		xasprintf(&r, _("started %u processes and threads (at most %d "
		    "are allowed): a fork that never ends?"), side->ntasks,
		    GRADE_MAX_PROCS - 1);
		return r;
	}
	while ((t = lab_task_next(w->d.s.lab, side, t)) != NULL) {
		struct sbuf how;

		if (t->state != SIDE_KILLED || !WIFSIGNALED(t->wait_status) ||
		    !crash_signal(WTERMSIG(t->wait_status)))
			continue;
		sbuf_init(&how);
		wait_status_format(&how, t->wait_status);
		if (WTERMSIG(t->wait_status) == SIGXCPU)
			xasprintf(&r, _("%s used more than %u s of CPU time "
			    "(%s): a loop that never ends?"), t->name,
			    job->time_limit, sbuf_str(&how));
		else
			xasprintf(&r, _("%s crashed: %s"), t->name,
			    sbuf_str(&how));
		sbuf_finish(&how);
		return r;
	}
	return NULL;
}

/* The command of the lesson's side, with the submission's program in
 * place of the lesson's: the same arguments ({port}, {ip}). */
static char *
worker_command(const struct grade_job *job, const char *exe, char *err,
    size_t errlen)
{
	struct lesson l;
	const char *cmd;
	char *line = NULL;

	if (lesson_open(&l, job->lesson, err, errlen) == -1)
		return NULL;
	cmd = job->side == 0 ? l.server_cmd : l.client_cmd;
	if (cmd == NULL)
		snprintf(err, errlen, job->side == 0 ?
		    _("lesson %s has no server") : _("lesson %s has no client"),
		    l.name);
	else if (strchr(exe, '\'') != NULL)
		strlcpy(err, "a quote in the program's path", errlen);
	else
		xasprintf(&line, "'%s'%s", exe, cmd + strcspn(cmd, " \t"));
	lesson_finish(&l);
	return line;
}

/* The program to run: built when it is C source.  -1: reported. */
static int
worker_build(const struct grade_job *job, char *exe, size_t exelen)
{
	size_t n = strlen(job->prog);
	char *diag = NULL, *r = NULL;
	char src[4096];
	int rc;

	snprintf(src, sizeof src, "%s/%s", job->own, job->prog);
	if (n < 3 || strcmp(job->prog + n - 2, ".c") != 0) {
		strlcpy(exe, src, exelen);
		return 0;
	}
	rc = lesson_cc_build(src, exe, exelen, &diag);
	if (rc == 0) {
		free(diag);
		return 0;
	}
	if (worker_stop)
		return -1;	/* the time limit: said by the caller */
	if (diag != NULL && strlen(diag) > DIAG_MAX)
		diag[DIAG_MAX] = '\0';
	if (rc == -1)
		xasprintf(&r, _("%s does not compile"), job->prog);
	else
		xasprintf(&r, _("%s could not be built: %s"), job->prog,
		    diag != NULL ? diag : "");
	grade_report_reason(job->report_fd, r, rc == -1 ? diag : "");
	free(r);
	free(diag);
	return -1;
}

static void
worker_fail(const struct grade_job *job, const char *what, const char *err)
{
	char *r = NULL;

	xasprintf(&r, "%s: %s", what, err);
	grade_report_reason(job->report_fd, r, "");
	grade_report_end(job->report_fd);
	free(r);
}

static void
worker_close(struct worker *w)
{
	size_t i;

	if (w->d.s.lab != NULL)
		lab_remove_observer(w->d.s.lab, worker_observe, w);
	output_destroy(w->otext);
	output_destroy(w->ojson);
	if (w->jsonf != NULL)
		fclose(w->jsonf);
	if (w->textf != NULL)
		fclose(w->textf);
	free(w->text);
	for (i = 0; w->checks != NULL && i < w->d.s.lesson.nchecks; i++)
		free(w->checks[i].why);
	free(w->checks);
	if (w->d.s.lab != NULL)
		drive_close(&w->d);
}

/* The run itself, once the program is there. */
static void
worker_run(struct worker *w, const char *cmd)
{
	const struct grade_job *job = w->job;
	struct options o;
	char err[1024], *reason, *ctx;
	size_t i;

	memset(&o, 0, sizeof o);
	o.port = SOCKSTEP_DEFAULT_PORT;
	o.lang = job->lang;
	o.net = job->net;
	o.run_batch = true;
	/* One host for the reference and the submission alike, as run
	 * --lesson has: a student's server bound to 127.0.0.1 is reached,
	 * and the two transcripts compare address for address. */
	o.hosts = 1;
	if (cmd != NULL) {
		o.run_lesson = job->lesson;
		if (job->side == 0)
			o.run_server = cmd;
		else
			o.run_client = cmd;
	}
	if (drive_open(&w->d, job->lesson, &o, &worker_hooks, w, err,
	    sizeof err) == -1) {
		worker_fail(job, _("could not start the lesson"), err);
		return;
	}
	w->checks = xcalloc(w->d.s.lesson.nchecks + 1, sizeof *w->checks);
	w->textf = open_memstream(&w->text, &w->textlen);
	w->otext = output_create(w->textf, OUTPUT_TEXT, &w->d.s, job->lang);
	if (job->jsonl_fd != -1 && (w->jsonf = fdopen(job->jsonl_fd, "w")) !=
	    NULL)
		w->ojson = output_create(w->jsonf, OUTPUT_JSON, &w->d.s,
		    job->lang);
	lab_add_observer(w->d.s.lab, worker_observe, w);
	lab_set_stop(w->d.s.lab, &worker_stop);
	if (lab_resolve(w->d.s.lab, err, sizeof err) == -1 ||
	    drive_start(&w->d, err, sizeof err) == -1) {
		/* A start cut short by a limit is that limit's failure. */
		if (worker_why != STOP_NONE &&
		    (reason = worker_reason(w)) != NULL) {
			grade_report_reason(job->report_fd, reason, "");
			free(reason);
		}
		worker_fail(job, _("could not start the programs"), err);
		return;
	}
	lab_settle(w->d.s.lab);
	output_step(w->otext, w->d.s.lab, NULL);
	if (w->ojson != NULL)
		output_step(w->ojson, w->d.s.lab, NULL);
	worker_steps(w);
	if (!lab_all_done(w->d.s.lab))
		lab_kill_all(w->d.s.lab, worker_why == STOP_TIME ?
		    "the time limit" : worker_why == STOP_OUTPUT ?
		    "too much output" : worker_stop ? "the grading ended" :
		    "end of the steps");
	output_end(w->otext, w->d.s.lab);
	if (w->ojson != NULL)
		output_end(w->ojson, w->d.s.lab);
	/* Each check as the kernel answered it, a failure with the
	 * transcript around it. */
	for (i = 0; i < w->d.s.lesson.nchecks; i++) {
		struct wcheck *k = &w->checks[i];

		if (!k->reached)
			continue;
		ctx = k->ok ? NULL : worker_context(w, k->at);
		grade_report_check(job->report_fd, i, k->ok, k->why, ctx);
		free(ctx);
	}
	if ((reason = worker_reason(w)) != NULL) {
		ctx = worker_context(w, 0);
		grade_report_reason(job->report_fd, reason, ctx);
		free(ctx);
		free(reason);
	}
}

int
grade_worker(const struct grade_job *job)
{
	struct worker w;
	struct net_lab net;
	char err[1024], exe[4096], *cmd = NULL, *cache;
	uid_t uid;
	int fd;

	memset(&w, 0, sizeof w);
	w.job = job;
	worker_signals();
	/* Nothing of the grader's terminal: the compiler reads no input
	 * (an #include of /dev/stdin), the programs have their own. */
	if ((fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) != -1) {
		dup2(fd, 0);
		close(fd);
	}
	alarm(job->time_limit);
	if (jail_drop_root(&uid, err, sizeof err) == -1) {
		worker_fail(job, _("could not isolate the submission"), err);
		return 1;
	}
	/* The lab's user namespace first (net-lab.c makes one for a user
	 * that is not root), then the mount namespace inside it.  Where
	 * user namespaces are refused: the run goes on without, said. */
	if (net_lab_enter(job->net, 1, &net, err, sizeof err) == -1) {
		worker_fail(job, _("could not isolate the submission"), err);
		return 1;
	}
	if (net.userns && jail_enter(job->own, err, sizeof err) == -1) {
		worker_fail(job, _("could not isolate the submission"), err);
		return 1;
	}
	if (!net.userns && job->say_jail)
		fprintf(stderr, _("sockstep: grade: the submissions are not "
		    "isolated (no user namespace: %s): they can write what "
		    "user %lu can\n"), net.note[0] != '\0' ? net.note :
		    "--net host", (unsigned long)uid);
	if (!net.userns && chdir(job->own) == -1) {
		worker_fail(job, job->own, strerror(errno));
		return 1;
	}
	/* Builds go to a cache of the run's own, the only place it can
	 * write: the submission's C source, and a lesson's own programs
	 * when it is no built-in lesson (the reference run's too). */
	xasprintf(&cache, "%s/.cache", job->own);
	setenv("XDG_CACHE_HOME", cache, 1);
	free(cache);
	if (job->prog != NULL) {
		if (worker_build(job, exe, sizeof exe) == -1) {
			if (worker_stop)
				worker_fail(job, _("did not finish within the "
				    "time limit"), _("while building"));
			grade_report_end(job->report_fd);
			return 0;
		}
		if ((cmd = worker_command(job, exe, err, sizeof err)) ==
		    NULL) {
			worker_fail(job, _("could not start the lesson"), err);
			return 1;
		}
	}
	/* After the user namespace: RLIMIT_NPROC counts the run's own
	 * processes there; outside one, on top of the user's running ones. */
	if (jail_limits(job->time_limit, GRADE_NPROC + (net.userns ? 0 :
	    jail_tasks_of(uid)), GRADE_FSIZE, err, sizeof err) == -1) {
		worker_fail(job, _("could not limit the submission"), err);
		free(cmd);
		return 1;
	}
	worker_run(&w, cmd);
	grade_report_end(job->report_fd);
	worker_close(&w);
	free(cmd);
	return 0;
}
