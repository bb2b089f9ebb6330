/*
 * lab-step.c - stepping: the transition function (lab_dispatch), the
 * step and run operations, and the pump that notices what happened
 * without ever blocking on a tracee.
 */
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <netinet/in.h>

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model.h"
#include "lab-private.h"


static const char *const origin_bind = N_("bind");
static const char *const origin_kernel = N_("chosen by the kernel");

/* Which port did the program ask bind() for?  Read from its memory. */
static int
lab_bind_requested_port(struct task *t)
{
	struct sockaddr_storage ss;
	struct sc_mem mem = { sc_mem_tracee_read, &t->tid };
	ssize_t n;

	memset(&ss, 0, sizeof ss);
	n = mem.read(mem.ctx, t->call.args[1], &ss, sizeof ss);
	if (n < (ssize_t)sizeof(sa_family_t))
		return -1;
	if (ss.ss_family == AF_INET && n >= (ssize_t)sizeof(struct sockaddr_in))
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	if (ss.ss_family == AF_INET6 &&
	    n >= (ssize_t)sizeof(struct sockaddr_in6))
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return -1;
}

/*
 * sockstep's own getsockname()/getpeername() on the tracee's socket
 * (its process's: pidfd_open takes a process, not a thread); where the
 * kernel refuses the fd copy, the sock_diag entry instead.
 */
static enum addr_source
lab_sock_addr(struct lab *lab, struct task *t, int fd, bool peer,
    struct sockaddr_storage *ss)
{
	const struct kview *kv;
	char err[128];
	size_t i;

	if (getenv("SOCKSTEP_NO_PIDFD") == NULL &&
	    sock_name_of(t->tgid, fd, peer, ss, err, sizeof err) == 0)
		return ADDR_GETSOCKNAME;
	lab->kv_valid = false;
	kv = lab_kernel(lab);
	for (i = 0; i < kv->nsocks; i++) {
		if (kv->socks[i].pid == t->tgid && kv->socks[i].fd == fd &&
		    kv->socks[i].in_diag) {
			*ss = peer ? kv->socks[i].peer : kv->socks[i].local;
			return ADDR_SOCK_DIAG;
		}
	}
	return ADDR_NONE;
}

/* What the kernel now says about the addresses this call changed. */
static void
lab_call_addresses(struct lab *lab, struct task *t, struct lab_event *ev)
{
	struct side *side = t->side;
	const struct sc_call *c = &t->call;
	const char *name = c->desc->name;
	int fd = (int)c->args[0];
	bool ok = c->ret >= 0 || c->err == EINPROGRESS;
	bool fd_ok = fd >= 0 && (size_t)fd < sizeof side->bound_port /
	    sizeof side->bound_port[0];
	int port;

	if (!ok)
		return;
	if (strcmp(name, "socket") == 0 && c->ret >= 0 &&
	    (size_t)c->ret < sizeof side->bound_port / sizeof side->bound_port[0])
		side->bound_port[c->ret] = 0;
	else if (strcmp(name, "close") == 0 && fd_ok)
		side->bound_port[fd] = 0;
	else if (strcmp(name, "bind") == 0) {
		port = lab_bind_requested_port(t);
		ev->local_source = lab_sock_addr(lab, t, fd, false,
		    &ev->local);
		ev->local_origin = port > 0 ? origin_bind : origin_kernel;
		if (fd_ok && port > 0)
			side->bound_port[fd] = (uint16_t)port;
	} else if (strcmp(name, "listen") == 0 ||
	    strcmp(name, "connect") == 0) {
		ev->local_source = lab_sock_addr(lab, t, fd, false,
		    &ev->local);
		ev->local_origin = fd_ok && side->bound_port[fd] != 0 ?
		    origin_bind : origin_kernel;
	} else if ((strcmp(name, "accept") == 0 ||
	    strcmp(name, "accept4") == 0) && c->ret >= 0) {
		ev->peer_source = lab_sock_addr(lab, t, (int)c->ret, true,
		    &ev->peer);
		ev->local_source = lab_sock_addr(lab, t, (int)c->ret, false,
		    &ev->local);
	}
}

/* Should this call pause?  Calls on fds that are not sockets are not
 * steps.  Asked of the task's process: its threads share its fds. */
static const struct sc_desc *
lab_watched(struct lab *lab, struct task *t, const struct trace_event *tev)
{
	const struct sc_desc *desc = sc_lookup(tev->nr);
	bool on_socket = desc != NULL &&
	    trace_call_on_socket(lab->fds, t->tgid, desc, tev->args);

	/* After the look: the fd a close() ends is still open right now,
	 * and what was just learnt of it must be forgotten (and, with
	 * threads, again once the close returned). */
	t->fd_change = trace_fds_saw_call(lab->fds, tev->nr, tev->args);
	t->table_call = trace_fds_table_call(tev->nr);
	return on_socket ? desc : NULL;
}

/* Free-running (all+) keeps no side in step at each stop: the job's
 * end does it once. */
static void
lab_task_sync(struct lab *lab, struct task *t)
{
	if (!lab->free_run)
		lab_side_sync(lab, t->side);
}

static void
lab_task_entry(struct lab *lab, struct task *t, const struct trace_event *tev)
{
	struct side *side = t->side;
	const struct sc_desc *desc = lab_watched(lab, t, tev);
	struct sc_mem mem = { sc_mem_tracee_read, &t->tid };
	struct lab_event ev = { .type = LEV_CALL, .side = side, .task = t };

	side->activity++;
	t->activity++;
	if (desc == NULL) {
		side->wrote_other = true;
		trace_resume(t->tid, t->fd_change, 0);
		return;
	}
	lab_drain_written(lab, side);
	sc_call_clear(&t->call);
	sc_call_init(&t->call, desc, tev->args);
	sc_decode_entry(&t->call, &mem);
	t->call_gen++;
	t->ncalls++;
	t->stage = desc->stage;
	t->in_call = false;
	t->state = SIDE_BEFORE_CALL;
	lab_close_enter(lab, t);
	t->paused_seq = lab->seq + 1;
	lab_task_sync(lab, t);
	ev.call = &t->call;
	lab_emit(lab, &ev);
	/* Free-running (all+): the pause is recorded, not held. */
	if (lab->free_run && t->state == SIDE_BEFORE_CALL)
		lab_resume_call(lab, t);
}

static void
lab_task_exit(struct lab *lab, struct task *t, const struct trace_event *tev)
{
	struct side *side = t->side;
	struct sc_mem mem = { sc_mem_tracee_read, &t->tid };
	struct lab_event ev = { .type = LEV_RETURN, .side = side, .task = t };

	if (t->fd_change) {
		t->fd_change = false;
		trace_fds_changed(lab->fds);
	}
	t->table_call = false;	/* done: what it changed, it has */
	if (!t->in_call) {
		trace_resume(t->tid, false, 0);
		return;
	}
	sc_decode_exit(&t->call, &mem, tev->rval);
	t->call_gen++;
	t->in_call = false;
	side->stages_done |= 1u << t->stage;
	t->state = SIDE_RUNNING;
	lab_drain_written(lab, side);
	/* The tracee is still stopped: what we read now is the call's result. */
	lab_call_addresses(lab, t, &ev);
	ev.still_held_by = lab_close_holder(lab, t);
	lab_task_sync(lab, t);
	ev.call = &t->call;
	lab_emit(lab, &ev);
	lab_wire_after(lab, t);
	trace_resume(t->tid, false, 0);
}

/* A task ended.  The first one's end is always said; another's only if
 * it made a watched call (a shell, a helper thread come and go). */
static void
lab_task_end(struct lab *lab, struct task *t, const struct trace_event *tev)
{
	struct side *side = t->side;
	struct lab_event ev = { .type = LEV_EXIT, .side = side, .task = t };
	bool said = t == side->first || t->ncalls > 0;

	lab_drain_output(lab, side);
	lab_task_ended(lab, t, tev->status);
	if (t == side->first || side->nlive == 0)
		lab_flush_output(lab, side);
	lab_side_sync(lab, side);
	if (said && !t->refused)
		lab_emit(lab, &ev);
}

/*
 * A new task: a process a side forked or a thread it started.  Named
 * by the parent's fork/clone event, or, when the new task's own first
 * stop comes first, found through /proc: a thread by its thread group,
 * a process by its parent.
 */
static struct side *
lab_side_of_new(struct lab *lab, pid_t pid)
{
	char path[64], line[256];
	struct task *t;
	FILE *f;
	int tgid = 0, ppid = 0;

	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "r")) != NULL) {
		while (fgets(line, sizeof line, f) != NULL) {
			if (sscanf(line, "Tgid: %d", &tgid) == 1 ||
			    sscanf(line, "PPid: %d", &ppid) == 1)
				continue;
		}
		fclose(f);
	}
	if (tgid > 0 && tgid != pid && (t = lab_task_find(lab, tgid)) != NULL &&
	    t->side != NULL)
		return t->side;
	if (ppid > 0 && (t = lab_task_find(lab, ppid)) != NULL)
		return t->side;
	return NULL;
}

/* A fork or clone reported by its parent: the child is of its side. */
static void
lab_fork_seen(struct lab *lab, struct task *parent,
    const struct trace_event *tev)
{
	struct side *side = parent != NULL ? parent->side : NULL;
	struct task *t;

	if (tev->child <= 0)
		return;
	if ((t = lab_task_find(lab, tev->child)) == NULL)
		(void)lab_task_add(lab, tev->child, side);
	else
		lab_task_adopt(lab, t, side);
}

/* A task no side can be told for yet, or one refused: let it go on
 * (or die). */
static void
lab_task_unowned(struct lab *lab, struct task *t,
    const struct trace_event *tev)
{
	int sig = tev->type == TEV_SIGNAL ? tev->sig : 0;

	if (tev->type == TEV_EXITED || tev->type == TEV_KILLED) {
		lab_task_ended(lab, t, tev->status);
		return;
	}
	if (sig == SIGSTOP && !t->seen_stop) {
		t->seen_stop = true;
		sig = 0;
	}
	trace_resume(t->tid, false, sig);
}

/*
 * exec by a thread other than the leader: the kernel gives it the
 * leader's tid, and the leader (with every other thread) is gone.
 */
static struct task *
lab_exec_moved(struct lab *lab, struct task *t, const struct trace_event *tev)
{
	struct task *f;

	if (tev->child <= 0 || tev->child == tev->pid ||
	    (f = lab_task_find(lab, tev->child)) == NULL)
		return t;
	if (t != NULL) {
		lab_task_ended(lab, t, 0);
		if (t->side != NULL && t->side->first == t)
			t->side->first = f;	/* the side's program is f now */
	}
	f->tid = tev->pid;
	f->tgid = tev->pid;
	return f;
}
/*
 * A set-user-ID or set-group-ID program runs without those privileges
 * here: the seccomp filter needs no_new_privs, under which exec grants
 * none.  Said once, as it explains an EPERM the program will meet.
 */
static void
lab_exec_setuid(struct lab *lab, struct task *t)
{
	char path[64];
	struct stat sb;

	snprintf(path, sizeof path, "/proc/%d/exe", (int)t->tid);
	if (lab->said_setuid || stat(path, &sb) == -1 ||
	    !(sb.st_mode & (S_ISUID | S_ISGID)))
		return;
	lab->said_setuid = true;
	lab_note(lab, t->side, "%s is set-%s-ID, but runs with your own "
	    "privileges here: sockstep's seccomp filter needs no_new_privs, "
	    "under which exec grants none", t->name,
	    sb.st_mode & S_ISUID ? "user" : "group");
}

/* The one transition function: a tracer event moves a task on. */
void
lab_dispatch(struct lab *lab, const struct trace_event *tev)
{
	struct task *t = lab_task_find(lab, tev->pid);

	/* What the fd cache (trace-fds.c) must hear of from every task. */
	if (tev->type == TEV_FORK) {
		trace_fds_new_task(lab->fds, tev->pid, tev->child);
		lab_fork_seen(lab, t, tev);
	} else if (tev->type == TEV_EXEC || tev->type == TEV_EXITED ||
	    tev->type == TEV_KILLED) {
		trace_fds_forget(lab->fds);	/* cloexec fds gone; a pid reused */
		lab->sock_gen++;	/* and the sockets they held */
	}
	if (tev->type == TEV_EXEC)
		t = lab_exec_moved(lab, t, tev);
	if (t == NULL) {
		if (tev->type == TEV_EXITED || tev->type == TEV_KILLED)
			return;
		t = lab_task_add(lab, tev->pid, lab_side_of_new(lab, tev->pid));
	}
	if (t->side == NULL || t->refused) {
		lab_task_unowned(lab, t, tev);
		return;
	}
	switch (tev->type) {
	case TEV_SYSCALL_ENTRY:
		lab_task_entry(lab, t, tev);
		return;
	case TEV_SYSCALL_EXIT:
		lab_task_exit(lab, t, tev);
		return;
	case TEV_EXITED:
	case TEV_KILLED:
		lab_task_end(lab, t, tev);
		return;
	case TEV_SIGNAL:
		/* The stop a new task starts with is ours, not its. */
		if (tev->sig == SIGSTOP && !t->seen_stop && t->num > 1) {
			t->seen_stop = true;
			trace_resume(t->tid, t->in_call, 0);
			return;
		}
		if (tev->sig == SIGSTOP || tev->sig == SIGTSTP ||
		    tev->sig == SIGTTIN || tev->sig == SIGTTOU)
			t->stop_sig = tev->sig;
		trace_resume(t->tid, t->in_call, tev->sig);
		return;
	case TEV_GROUP_STOP:
		/* The stop signal passed on above took effect: the program
		 * stays stopped, as it would without a tracer, until a step
		 * continues it.  (A new task's first stop: it goes on.) */
		if (t->stop_sig != 0 && trace_listen(t->tid) == 0) {
			t->stopped = true;
			if (t->side->first == t)
				lab_note(lab, t->side, "%s stopped itself with "
				    "SIG%s: a step continues it (SIGCONT)",
				    t->name, sigabbrev_np(t->stop_sig));
			t->stop_sig = 0;
			lab_side_sync(lab, t->side);
			return;
		}
		trace_resume(t->tid, t->in_call, 0);
		return;
	case TEV_EXEC:
		t->side->execed = true;
		t->activity++;
		lab_exec_setuid(lab, t);
		trace_resume(t->tid, false, 0);
		return;
	default:
		/* fork, plain entry stops: nothing to show, go on. */
		trace_resume(t->tid, t->in_call, 0);
		return;
	}
}

/*
 * A connect() asleep past LAB_BLOCKED_MS: is its handshake still on its
 * way?  On a loaded machine the kernel takes a segment in later (in
 * ksoftirqd), and a veth its link watcher has not yet raised drops what
 * it sends, answered a second later when TCP sends it again (net-lab.c
 * waits for the link, within a bound): the call sleeps a while and then
 * returns by itself.  It is on its way when a listener on its port, as
 * the kernel showed it before this step, had room in its accept queue
 * (a full one drops the SYN: lesson 5's client beyond the backlog is
 * blocked at once).  Waited for up to LAB_SLEEP_MS, then called blocked
 * whatever it waits for.
 */
static bool
lab_connect_on_way(const struct lab *lab, const struct task *t,
    uint64_t now)
{
	const struct kview *kv = &lab->kv;
	const char *a, *colon;
	long port;
	size_t i;

	if (t->call.desc == NULL || strcmp(t->call.desc->name, "connect") !=
	    0 || now - t->sleep_since >= LAB_SLEEP_MS ||
	    (a = t->call.argstr[1]) == NULL || strncmp(a, "{AF_INET", 8) != 0 ||
	    (colon = strrchr(a, ':')) == NULL)
		return false;
	port = strtol(colon + 1, NULL, 10);
	for (i = 0; i < kv->nsocks; i++) {
		const struct ksock *k = &kv->socks[i];

		/* sk_acceptq_is_full(): more than the backlog */
		if (k->state == TCP_LISTEN_STATE &&
		    sock_port(&k->local) == port && k->rqueue <= k->wqueue)
			return true;
	}
	return false;
}

/* Has a call we resumed gone to sleep in the kernel?  Then it is blocked. */
static void
lab_check_sleepers(struct lab *lab)
{
	uint64_t now = lab_now_ms();
	char st, wchan[64];
	struct task *t;
	long nr;

	TAILQ_FOREACH(t, &lab->tasks, entry) {
		struct lab_event ev = { .type = LEV_BLOCKED, .side = t->side,
		    .task = t };

		if (t->side == NULL || t->state != SIDE_RUNNING || !t->in_call)
			continue;
		if (sock_proc_sleep(lab->kv.procf, t->tid, &st, &nr, wchan,
		    sizeof wchan) == -1 || (st != 'S' && st != 'D') ||
		    nr != t->call.nr) {
			t->sleep_since = 0;
			continue;
		}
		if (t->sleep_since == 0) {
			t->sleep_since = now;
			continue;
		}
		if (now - t->sleep_since < LAB_BLOCKED_MS ||
		    lab_connect_on_way(lab, t, now))
			continue;
		t->state = SIDE_BLOCKED;
		strlcpy(t->wchan, wchan, sizeof t->wchan);
		lab_task_sync(lab, t);
		ev.call = &t->call;
		ev.text = t->wchan;
		lab_emit(lab, &ev);
		lab_wire_after(lab, t);
	}
}

void
lab_pump(struct lab *lab, int timeout_ms)
{
	struct pollfd pfd[SOCKSTEP_MAX_CLIENTS + 3];
	struct signalfd_siginfo si[8];
	struct trace_event tev;
	bool readable[SOCKSTEP_MAX_CLIENTS + 1] = { false }, wire = false;
	size_t i;
	int n, ready, k;

	n = lab_pollfds(lab, pfd, sizeof pfd / sizeof pfd[0]);
	ready = poll(pfd, (nfds_t)n, timeout_ms);
	/* One read takes every queued siginfo (SIGCHLD queues only one);
	 * one that comes later makes the descriptor readable again. */
	if (ready > 0 && (pfd[0].revents & POLLIN))
		(void)read(lab->sigfd, si, sizeof si);
	/* Only the ptys poll found readable (or hung up) are read here:
	 * the rest would answer EAGAIN, two wasted calls a stop in all+.
	 * A stop reads its own side's pty anyway, for the order. */
	for (i = 0; i < lab->nsides && ready > 0; i++)
		for (k = 1; k < n; k++)
			if (pfd[k].fd == lab->sides[i]->pty &&
			    pfd[k].revents != 0)
				readable[i] = true;
	for (k = 1; k < n && ready > 0; k++)
		if (pfd[k].fd == lab->wire_fd && pfd[k].revents != 0)
			wire = true;
	/* Segments no call a step let run sent (a call's own are read at
	 * its return): before the stops, so a SYN a timer sent again comes
	 * before the connect() it completes. */
	if (wire)
		lab_wire_drain(lab);
	/* Drain every pending stop, whether or not SIGCHLD was seen. */
	while (trace_next_event(&tev) == 1)
		lab_dispatch(lab, &tev);
	for (i = 0; i < lab->nsides; i++) {
		if (!readable[i])
			continue;
		lab->sides[i]->activity++;
		lab_drain_output(lab, lab->sides[i]);
	}
	/* Only a quiet moment can show a call asleep: while stops keep
	 * coming, /proc is not worth reading (free-running stays fast). */
	if (ready <= 0)
		lab_check_sleepers(lab);
}

/* Let a paused task's call run; its return (or sleep) comes later. */
int
lab_resume_call(struct lab *lab, struct task *t)
{
	lab_wire_cause(lab, t);
	t->in_call = true;
	t->sleep_since = 0;
	t->state = SIDE_RUNNING;
	return trace_resume(t->tid, true, 0);
}
