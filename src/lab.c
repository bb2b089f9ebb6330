/*
 * lab.c - the session: its sides, their states, and how each tracer
 * event moves a side from one state to the next.  How it ends (every
 * task killed and collected) is lab-end.c.  The one transition
 * function is lab_dispatch(); everything that changes side->state goes
 * through side_set_state() so observers see every change.
 */
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "model.h"
#include "lab-private.h"

static const char *const side_state_names[] = {
	[SIDE_NOT_STARTED] = "not-started",
	[SIDE_BEFORE_CALL] = "before-call",
	[SIDE_RUNNING] = "running",
	[SIDE_BLOCKED] = "blocked",
	[SIDE_EXITED] = "exited",
	[SIDE_KILLED] = "killed",
};

const char *
side_state_name(enum side_state st)
{
	if ((size_t)st >= sizeof side_state_names / sizeof side_state_names[0])
		return "?";
	return side_state_names[st];
}

uint64_t
lab_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static char **
argv_copy(char **argv)
{
	size_t n = 0, i;
	char **copy;

	while (argv[n] != NULL)
		n++;
	copy = xcalloc(n + 1, sizeof *copy);
	for (i = 0; i < n; i++)
		copy[i] = xstrdup(argv[i]);
	return copy;
}

static struct side *
side_create(int index, bool is_server, char **argv)
{
	struct side *side = xcalloc(1, sizeof *side);

	side->index = index;
	side->is_server = is_server;
	if (is_server)
		strlcpy(side->name, "server", sizeof side->name);
	else if (index <= 1)
		strlcpy(side->name, "client", sizeof side->name);
	else
		snprintf(side->name, sizeof side->name, "client%d", index % 100);
	side->argv = argv_copy(argv);
	side->pty = -1;
	side->pty_held = -1;
	side->state = SIDE_NOT_STARTED;
	sbuf_init(&side->partial);
	return side;
}

struct lab *
lab_create(const struct lab_config *cfg, char *err, size_t errlen)
{
	struct lab *lab;
	sigset_t set;
	int i, sigfd;

	if (cfg->nclients < 0 || cfg->nclients > SOCKSTEP_MAX_CLIENTS) {
		snprintf(err, errlen, _("--clients must be 1 to %d"),
		    SOCKSTEP_MAX_CLIENTS);
		return NULL;
	}
	/* SIGCHLD arrives on a descriptor the loop polls, never as a handler. */
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if ((sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) == -1) {
		snprintf(err, errlen, "signalfd: %s", strerror(errno));
		return NULL;
	}
	lab = xcalloc(1, sizeof *lab);
	lab->sigfd = sigfd;
	lab->sock_gen = 1;	/* 0 would mean "no promise" */
	lab->fds = trace_fds_create();
	lab->kv.procf = proc_files_create();
	lab->port = cfg->port;
	/* lab-wire.c opens the capture as the lab starts, or says why not. */
	lab->wire_fd = -1;
	if (cfg->wire_off != NULL)
		strlcpy(lab->wire_off, cfg->wire_off, sizeof lab->wire_off);
	lab->client_ns = cfg->client_ns;
	if (cfg->client_ns >= 0) {
		lab->kv.nhosts = 2;
		lab->kv.hostfd[0] = cfg->diag[0];
		lab->kv.hostfd[1] = cfg->diag[1];
	}
	TAILQ_INIT(&lab->tasks);
	if (cfg->server_argv != NULL)
		lab->sides[lab->nsides++] = side_create(0, true,
		    cfg->server_argv);
	for (i = 0; cfg->client_argv != NULL && i < cfg->nclients; i++)
		lab->sides[lab->nsides++] = side_create(i + 1, false,
		    cfg->client_argv);
	return lab;
}

int
lab_side_netns(const struct lab *lab, const struct side *side)
{
	return side->is_server ? -1 : lab->client_ns;
}

/* Observers hear every event in the order they were added. */
void
lab_add_observer(struct lab *lab, lab_observer_fn fn, void *arg)
{
	if (lab->nobs < LAB_MAX_OBSERVERS) {
		lab->obs[lab->nobs].fn = fn;
		lab->obs[lab->nobs++].arg = arg;
	}
}

void
lab_remove_observer(struct lab *lab, lab_observer_fn fn, void *arg)
{
	size_t i;

	for (i = 0; i < lab->nobs; i++) {
		if (lab->obs[i].fn != fn || lab->obs[i].arg != arg)
			continue;
		memmove(&lab->obs[i], &lab->obs[i + 1],
		    (lab->nobs - i - 1) * sizeof lab->obs[0]);
		lab->nobs--;
		return;
	}
}

size_t
lab_nsides(const struct lab *lab)
{
	return lab->nsides;
}

struct side *
lab_side(const struct lab *lab, size_t i)
{
	return i < lab->nsides ? lab->sides[i] : NULL;
}

struct side *
lab_side_by_name(const struct lab *lab, const char *name)
{
	size_t i;

	for (i = 0; i < lab->nsides; i++)
		if (strcmp(lab->sides[i]->name, name) == 0)
			return lab->sides[i];
	return NULL;
}

uint64_t
lab_event_count(const struct lab *lab)
{
	return lab->seq;
}

uint16_t
lab_port(const struct lab *lab)
{
	return lab->port;
}

/* Every side's program has ended, and every task it started too (a
 * daemon's child lives on after its parent). */
bool
lab_all_done(const struct lab *lab)
{
	struct task *t;
	size_t i;

	for (i = 0; i < lab->nsides; i++)
		if (lab->sides[i]->first == NULL &&
		    lab->sides[i]->state != SIDE_EXITED &&
		    lab->sides[i]->state != SIDE_KILLED)
			return false;
	TAILQ_FOREACH(t, &lab->tasks, entry)
		if (t->side != NULL && !t->refused && lab_task_alive(t))
			return false;
	return true;
}

/* Every event leaves through here, stamped with a sequence number. */
void
lab_emit(struct lab *lab, struct lab_event *ev)
{
	size_t i;

	ev->seq = ++lab->seq;
	if (ev->task != NULL) {
		ev->state = ev->task->state;
		ev->pid = ev->task->tid;
	} else if (ev->side != NULL) {
		ev->state = ev->side->state;
		if (ev->pid == 0)
			ev->pid = ev->side->pid;
	}
	lab->kv_valid = false;
	if ((ev->type == LEV_RETURN && !lab_call_keeps_set(ev->call)) ||
	    ev->type == LEV_EXIT)
		lab->sock_gen++;
	for (i = 0; i < lab->nobs; i++)
		lab->obs[i].fn(lab, ev, lab->obs[i].arg);
}

void
lab_note(struct lab *lab, struct side *side, const char *fmt, ...)
{
	struct lab_event ev = { .type = LEV_NOTE, .side = side };
	va_list ap;
	char *text;

	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) == -1)
		text = NULL;
	va_end(ap);
	ev.text = text != NULL ? text : fmt;
	lab_emit(lab, &ev);
	free(text);
}

/* A data call or a question: it neither creates nor ends a socket.
 * sendto() with an address can connect (TCP Fast Open). */
bool
lab_call_keeps_set(const struct sc_call *c)
{
	if (c == NULL || c->desc == NULL || !(c->desc->flags & SCF_DATA))
		return false;
	return strcmp(c->desc->name, "sendto") != 0 || c->args[4] == 0;
}

/* No call that could add or end a socket is under way right now. */
static bool
lab_sockets_quiet(struct lab *lab)
{
	struct task *t;

	TAILQ_FOREACH(t, &lab->tasks, entry)
		if (t->in_call && lab_task_alive(t) &&
		    !lab_call_keeps_set(&t->call))
			return false;
	return true;
}

/* A sleeper of the kernel view that is a side waiting for input
 * (lab-input.c) is not blocked in a socket call: marked, so no view says
 * "blocked in read". */
static void
lab_input_mark(struct lab *lab, struct kview *kv)
{
	size_t i, k;

	for (i = 0; i < kv->nblocked; i++)
		for (k = 0; k < lab->nsides; k++)
			if (lab->sides[k]->pid == kv->blocked[i].pid &&
			    lab->sides[k]->awaiting_input &&
			    kv->blocked[i].nr == SYS_read)
				kv->blocked[i].input = true;
}

/* The lab's word on a process's fd table (struct kproc): none while
 * one of its tasks is at or in a call that changes it. */
static uint64_t
lab_fd_word(struct lab *lab, pid_t tgid)
{
	struct task *t;

	TAILQ_FOREACH(t, &lab->tasks, entry)
		if (t->tgid == tgid && t->table_call && lab_task_alive(t))
			return 0;
	return trace_fds_table_gen(lab->fds);
}

/* Is t, a process's first task, the only live one and held at a stop
 * the lab has not resumed (paused before a call)? */
static bool
lab_held_alone(struct lab *lab, const struct task *t)
{
	const struct task *o;

	if (t->state != SIDE_BEFORE_CALL || t->in_call || t->stopped ||
	    !lab_task_alive(t))
		return false;
	TAILQ_FOREACH(o, &lab->tasks, entry)
		if (o != t && o->tgid == t->tgid && lab_task_alive(o))
			return false;
	return true;
}

/*
 * Every live task of the lab, asked about: a process for its fds and
 * whether it sleeps in a call, a thread only for the latter (its fds
 * are its process's).
 */
const struct kview *
lab_kernel(struct lab *lab)
{
	struct kproc *procs;
	struct task *t;
	size_t n = 0;

	if (lab->kv_valid)
		return &lab->kv;
	procs = xreallocarray(NULL, lab->nlive + 1, sizeof *procs);
	TAILQ_FOREACH(t, &lab->tasks, entry) {
		if (t->side == NULL || t->refused || !lab_task_alive(t) ||
		    n == lab->nlive)
			continue;
		procs[n].pid = t->tid;
		procs[n].side = t->side->index;
		procs[n].thread = t->tid != t->tgid;
		procs[n].fdgen = procs[n].thread ? 0 :
		    lab_fd_word(lab, t->tgid);
		procs[n].held = !procs[n].thread && lab_held_alone(lab, t);
		n++;
	}
	/* 0 asks for a full dump: a call that can change the set runs. */
	lab->kv.set_gen = lab_sockets_quiet(lab) ? lab->sock_gen : 0;
	kview_snapshot(&lab->kv, lab->port, procs, n);
	lab_input_mark(lab, &lab->kv);
	free(procs);
	lab->kv_valid = true;
	return &lab->kv;
}

/* The kernel may have moved on with no event (a timed refresh). */
void
lab_kernel_invalidate(struct lab *lab)
{
	lab->kv_valid = false;
}

int
lab_pollfds(struct lab *lab, struct pollfd *pfd, size_t max)
{
	size_t i, n = 0;

	if (max == 0)
		return 0;
	pfd[n].fd = lab->sigfd;
	pfd[n++].events = POLLIN;
	for (i = 0; i < lab->nsides && n < max; i++) {
		if (lab->sides[i]->pty == -1)
			continue;
		pfd[n].fd = lab->sides[i]->pty;
		pfd[n++].events = POLLIN;
	}
	/*
	 * Segments: not while the call a step let run is in the kernel.
	 * They are read at its return (lab-wire.c), and a wake-up for
	 * each on the way would be two task switches a segment.
	 */
	if (lab->wire_fd != -1 && n < max && (lab->wire_task == NULL ||
	    !lab->wire_task->in_call ||
	    lab->wire_task->state != SIDE_RUNNING ||
	    !lab_task_alive(lab->wire_task))) {
		pfd[n].fd = lab->wire_fd;
		pfd[n++].events = POLLIN;
	}
	return (int)n;
}

/* The name of the side with this index ("server", "client2"), NULL if
 * the lab has none (or index is -1: held by no lab process). */
const char *
lab_side_name(struct lab *lab, int index)
{
	size_t i;

	for (i = 0; i < lab_nsides(lab); i++)
		if (lab_side(lab, i)->index == index)
			return lab_side(lab, i)->name;
	return NULL;
}
