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
lab_bind_requested_port(struct side *side)
{
	struct sockaddr_storage ss;
	struct sc_mem mem = { sc_mem_tracee_read, &side->pid };
	ssize_t n;

	memset(&ss, 0, sizeof ss);
	n = mem.read(mem.ctx, side->call.args[1], &ss, sizeof ss);
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
 * sockstep's own getsockname()/getpeername() on the tracee's socket;
 * where the kernel refuses the fd copy, the sock_diag entry instead.
 */
static enum addr_source
lab_sock_addr(struct lab *lab, struct side *side, int fd, bool peer,
    struct sockaddr_storage *ss)
{
	const struct kview *kv;
	char err[128];
	size_t i;

	if (getenv("SOCKSTEP_NO_PIDFD") == NULL &&
	    sock_name_of(side->pid, fd, peer, ss, err, sizeof err) == 0)
		return ADDR_GETSOCKNAME;
	lab->kv_valid = false;
	kv = lab_kernel(lab);
	for (i = 0; i < kv->nsocks; i++) {
		if (kv->socks[i].pid == side->pid && kv->socks[i].fd == fd &&
		    kv->socks[i].in_diag) {
			*ss = peer ? kv->socks[i].peer : kv->socks[i].local;
			return ADDR_SOCK_DIAG;
		}
	}
	return ADDR_NONE;
}

/* What the kernel now says about the addresses this call changed. */
static void
lab_call_addresses(struct lab *lab, struct side *side, struct lab_event *ev)
{
	const struct sc_call *c = &side->call;
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
		port = lab_bind_requested_port(side);
		ev->local_source = lab_sock_addr(lab, side, fd, false,
		    &ev->local);
		ev->local_origin = port > 0 ? origin_bind : origin_kernel;
		if (fd_ok && port > 0)
			side->bound_port[fd] = (uint16_t)port;
	} else if (strcmp(name, "listen") == 0 ||
	    strcmp(name, "connect") == 0) {
		ev->local_source = lab_sock_addr(lab, side, fd, false,
		    &ev->local);
		ev->local_origin = fd_ok && side->bound_port[fd] != 0 ?
		    origin_bind : origin_kernel;
	} else if ((strcmp(name, "accept") == 0 ||
	    strcmp(name, "accept4") == 0) && c->ret >= 0) {
		ev->peer_source = lab_sock_addr(lab, side, (int)c->ret, true,
		    &ev->peer);
		ev->local_source = lab_sock_addr(lab, side, (int)c->ret, false,
		    &ev->local);
	}
}

/* Should this call pause?  Calls on fds that are not sockets are not steps. */
static const struct sc_desc *
lab_watched(struct lab *lab, pid_t pid, const struct trace_event *tev)
{
	const struct sc_desc *desc = sc_lookup(tev->nr);
	bool on_socket = desc != NULL &&
	    trace_call_on_socket(lab->fds, pid, desc, tev->args);

	/* After the look: the fd a close() ends is still open right now,
	 * and what was just learnt of it must be forgotten. */
	trace_fds_saw_call(lab->fds, tev->nr, tev->args);
	return on_socket ? desc : NULL;
}

static void
lab_side_entry(struct lab *lab, struct side *side, const struct trace_event *tev)
{
	const struct sc_desc *desc = lab_watched(lab, side->pid, tev);
	struct sc_mem mem = { sc_mem_tracee_read, &side->pid };
	struct lab_event ev = { .type = LEV_CALL, .side = side };

	side->activity++;
	if (desc == NULL) {
		side->wrote_other = true;
		trace_resume(side->pid, false, 0);
		return;
	}
	lab_drain_written(lab, side);
	sc_call_clear(&side->call);
	sc_call_init(&side->call, desc, tev->args);
	sc_decode_entry(&side->call, &mem);
	side->stage = desc->stage;
	side->in_call = false;
	side->state = SIDE_BEFORE_CALL;
	ev.call = &side->call;
	lab_emit(lab, &ev);
	/* Free-running (all+): the pause is recorded, not held. */
	if (lab->free_run && side->state == SIDE_BEFORE_CALL)
		lab_resume_call(side);
}

static void
lab_side_exit(struct lab *lab, struct side *side, const struct trace_event *tev)
{
	struct sc_mem mem = { sc_mem_tracee_read, &side->pid };
	struct lab_event ev = { .type = LEV_RETURN, .side = side };

	if (!side->in_call) {
		trace_resume(side->pid, false, 0);
		return;
	}
	sc_decode_exit(&side->call, &mem, tev->rval);
	side->in_call = false;
	side->stages_done |= 1u << side->stage;
	side->state = SIDE_RUNNING;
	lab_drain_written(lab, side);
	/* The tracee is still stopped: what we read now is the call's result. */
	lab_call_addresses(lab, side, &ev);
	ev.call = &side->call;
	lab_emit(lab, &ev);
	trace_resume(side->pid, false, 0);
}

static void
lab_side_ended(struct lab *lab, struct side *side, const struct trace_event *tev)
{
	struct lab_event ev = { .type = LEV_EXIT, .side = side };

	lab_drain_output(lab, side);
	lab_flush_output(lab, side);
	side->wait_status = tev->status;
	side->in_call = false;
	side->state = tev->type == TEV_EXITED ? SIDE_EXITED : SIDE_KILLED;
	lab_emit(lab, &ev);
}

static struct lab_child *
lab_child_find(struct lab *lab, pid_t pid)
{
	struct lab_child *ch;

	LIST_FOREACH(ch, &lab->children, entry)
		if (ch->pid == pid)
			return ch;
	return NULL;
}

static struct side *
lab_side_find(struct lab *lab, pid_t pid)
{
	size_t i;

	for (i = 0; i < lab->nsides; i++)
		if (lab->sides[i]->pid == pid &&
		    lab->sides[i]->state != SIDE_EXITED &&
		    lab->sides[i]->state != SIDE_KILLED)
			return lab->sides[i];
	return NULL;
}

/* The side a task belongs to: its own, or that of the lab child it is. */
static struct side *
lab_owner(struct lab *lab, pid_t pid)
{
	struct lab_child *ch;
	struct side *side;

	if ((side = lab_side_find(lab, pid)) != NULL)
		return side;
	if ((ch = lab_child_find(lab, pid)) != NULL)
		return ch->side;
	return NULL;
}

/*
 * A new task of a side: a process it forked or a thread it started.
 * Named by the parent's fork/clone event, or, when the new task's own
 * first stop comes first, found through /proc: a thread by its thread
 * group (its PPid is the process's parent, sockstep), a process by its
 * parent.  A task whose side cannot be told is still kept (side NULL),
 * so that it is ended and collected with the rest.
 */
static struct lab_child *
lab_child_adopt(struct lab *lab, pid_t pid, struct side *side)
{
	struct lab_child *ch;
	char path[64], line[256];
	FILE *f;
	int tgid = 0, ppid = 0;

	if (side == NULL) {
		snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
		if ((f = fopen(path, "r")) != NULL) {
			while (fgets(line, sizeof line, f) != NULL) {
				if (sscanf(line, "Tgid: %d", &tgid) == 1 ||
				    sscanf(line, "PPid: %d", &ppid) == 1)
					continue;
			}
			fclose(f);
		}
		if (tgid > 0 && tgid != pid)
			side = lab_owner(lab, tgid);
		if (side == NULL && ppid > 0)
			side = lab_owner(lab, ppid);
	}
	ch = xcalloc(1, sizeof *ch);
	ch->pid = pid;
	ch->side = side;
	LIST_INSERT_HEAD(&lab->children, ch, entry);
	if (lab->nchildren++ >= LAB_MAX_CHILDREN) {
		/* Said once, when it is refused; its exit is then silent. */
		ch->refused = true;
		trace_kill(pid);
		if (side != NULL)
			lab_note(lab, side, "%s[%d]: more than %d processes, "
			    "ended", side->name, (int)pid, LAB_MAX_CHILDREN);
	}
	return ch;
}

void
lab_child_forget(struct lab *lab, struct lab_child *ch)
{
	LIST_REMOVE(ch, entry);
	lab->nchildren--;
	sc_call_clear(&ch->call);
	free(ch);
}

/* A fork or clone reported by its parent: the child is of its side. */
static void
lab_fork_seen(struct lab *lab, const struct trace_event *tev)
{
	struct lab_child *ch;
	struct side *side = lab_owner(lab, tev->pid);

	if (tev->child <= 0)
		return;
	if ((ch = lab_child_find(lab, tev->child)) == NULL)
		(void)lab_child_adopt(lab, tev->child, side);
	else if (ch->side == NULL)
		ch->side = side;
}

/* A forked child runs freely; its watched calls are reported as it goes. */
static void
lab_child_event(struct lab *lab, struct lab_child *ch,
    const struct trace_event *tev)
{
	struct sc_mem mem = { sc_mem_tracee_read, &ch->pid };
	struct lab_event ev = { .side = ch->side, .pid = ch->pid };
	const struct sc_desc *desc;
	int sig = tev->type == TEV_SIGNAL ? tev->sig : 0;

	if ((ch->side == NULL || ch->refused) && tev->type != TEV_EXITED &&
	    tev->type != TEV_KILLED) {
		/* Nothing to report for it: let it go on (or die). */
		if (sig == SIGSTOP && !ch->seen_stop) {
			ch->seen_stop = true;
			sig = 0;
		}
		trace_resume(ch->pid, false, sig);
		return;
	}
	switch (tev->type) {
	case TEV_SYSCALL_ENTRY:
		if ((desc = lab_watched(lab, ch->pid, tev)) == NULL) {
			ch->side->wrote_other = true;
			trace_resume(ch->pid, false, 0);
			return;
		}
		sc_call_clear(&ch->call);
		sc_call_init(&ch->call, desc, tev->args);
		sc_decode_entry(&ch->call, &mem);
		ch->in_call = true;
		ch->ncalls++;
		ev.type = LEV_CALL;
		ev.call = &ch->call;
		lab_emit(lab, &ev);
		trace_resume(ch->pid, true, 0);
		return;
	case TEV_SYSCALL_EXIT:
		if (ch->in_call) {
			sc_decode_exit(&ch->call, &mem, tev->rval);
			ch->in_call = false;
			ev.type = LEV_RETURN;
			ev.call = &ch->call;
			lab_emit(lab, &ev);
		}
		trace_resume(ch->pid, false, 0);
		return;
	case TEV_SIGNAL:
		/* The stop a new tracee starts with is ours, not its. */
		if (!ch->seen_stop && tev->sig == SIGSTOP) {
			ch->seen_stop = true;
			trace_resume(ch->pid, ch->in_call, 0);
		} else
			trace_resume(ch->pid, ch->in_call, tev->sig);
		return;
	case TEV_EXITED:
	case TEV_KILLED:
		/* Helpers that never touched a socket (a shell, a thread
		 * pool) come and go unremarked. */
		if (ch->ncalls > 0 && ch->side != NULL) {
			if (tev->type == TEV_EXITED)
				lab_note(lab, ch->side, "%s[%d] exited",
				    ch->side->name, (int)ch->pid);
			else
				lab_note(lab, ch->side, "%s[%d] was killed "
				    "by SIG%s", ch->side->name, (int)ch->pid,
				    sigabbrev_np(tev->sig) != NULL ?
				    sigabbrev_np(tev->sig) : "?");
		}
		lab_child_forget(lab, ch);
		return;
	default:
		trace_resume(ch->pid, ch->in_call, 0);
		return;
	}
}

/*
 * A set-user-ID or set-group-ID program runs without those privileges
 * here: the seccomp filter needs no_new_privs, under which exec grants
 * none.  Said once, as it explains an EPERM the program will meet.
 */
static void
lab_exec_setuid(struct lab *lab, struct side *side)
{
	char path[64];
	struct stat sb;

	snprintf(path, sizeof path, "/proc/%d/exe", (int)side->pid);
	if (lab->said_setuid || stat(path, &sb) == -1 ||
	    !(sb.st_mode & (S_ISUID | S_ISGID)))
		return;
	lab->said_setuid = true;
	lab_note(lab, side, "%s is set-%s-ID, but runs with your own "
	    "privileges here: sockstep's seccomp filter needs no_new_privs, "
	    "under which exec grants none", side->name,
	    sb.st_mode & S_ISUID ? "user" : "group");
}

/* The one transition function: a tracer event moves a side on. */
void
lab_dispatch(struct lab *lab, const struct trace_event *tev)
{
	struct side *side = lab_side_find(lab, tev->pid);
	struct lab_child *ch;

	/* What the fd cache (trace-fds.c) must hear of from every task. */
	if (tev->type == TEV_FORK) {
		trace_fds_new_task(lab->fds, tev->pid, tev->child);
		lab_fork_seen(lab, tev);
	}
	else if (tev->type == TEV_EXEC || tev->type == TEV_EXITED ||
	    tev->type == TEV_KILLED) {
		trace_fds_forget(lab->fds);	/* cloexec fds gone; a pid reused */
		lab->sock_gen++;	/* and the sockets they held */
	}
	if (side == NULL) {
		if ((ch = lab_child_find(lab, tev->pid)) == NULL) {
			if (tev->type == TEV_EXITED || tev->type == TEV_KILLED)
				return;
			ch = lab_child_adopt(lab, tev->pid, NULL);
		}
		lab_child_event(lab, ch, tev);
		return;
	}
	switch (tev->type) {
	case TEV_SYSCALL_ENTRY:
		lab_side_entry(lab, side, tev);
		break;
	case TEV_SYSCALL_EXIT:
		lab_side_exit(lab, side, tev);
		break;
	case TEV_EXITED:
	case TEV_KILLED:
		lab_side_ended(lab, side, tev);
		break;
	case TEV_SIGNAL:
		if (tev->sig == SIGSTOP || tev->sig == SIGTSTP ||
		    tev->sig == SIGTTIN || tev->sig == SIGTTOU)
			side->stop_sig = tev->sig;
		trace_resume(side->pid, side->in_call, tev->sig);
		break;
	case TEV_GROUP_STOP:
		/* The stop signal passed on above took effect: the program
		 * stays stopped, as it would without a tracer, until a step
		 * continues it. */
		if (side->stop_sig != 0 && trace_listen(side->pid) == 0) {
			side->stopped = true;
			lab_note(lab, side, "%s stopped itself with SIG%s: a "
			    "step continues it (SIGCONT)", side->name,
			    sigabbrev_np(side->stop_sig));
			side->stop_sig = 0;
			break;
		}
		trace_resume(side->pid, side->in_call, 0);
		break;
	case TEV_EXEC:
		side->execed = true;
		lab_exec_setuid(lab, side);
		trace_resume(side->pid, false, 0);
		break;
	default:
		/* exec, fork, plain entry stops: nothing to show, go on. */
		trace_resume(side->pid, side->in_call, 0);
		break;
	}
}

/* Has a call we resumed gone to sleep in the kernel?  Then it is blocked. */
static void
lab_check_sleepers(struct lab *lab)
{
	uint64_t now = lab_now_ms();
	char st, wchan[64];
	long nr;
	size_t i;

	for (i = 0; i < lab->nsides; i++) {
		struct side *side = lab->sides[i];
		struct lab_event ev = { .type = LEV_BLOCKED, .side = side };

		if (side->state != SIDE_RUNNING || !side->in_call)
			continue;
		if (sock_proc_sleep(lab->kv.procf, side->pid, &st, &nr, wchan,
		    sizeof wchan) == -1 || (st != 'S' && st != 'D') ||
		    nr != side->call.nr) {
			side->sleep_since = 0;
			continue;
		}
		if (side->sleep_since == 0) {
			side->sleep_since = now;
			continue;
		}
		if (now - side->sleep_since < LAB_BLOCKED_MS)
			continue;
		side->state = SIDE_BLOCKED;
		strlcpy(side->wchan, wchan, sizeof side->wchan);
		ev.call = &side->call;
		ev.text = side->wchan;
		lab_emit(lab, &ev);
	}
}

void
lab_pump(struct lab *lab, int timeout_ms)
{
	struct pollfd pfd[SOCKSTEP_MAX_CLIENTS + 2];
	struct signalfd_siginfo si[8];
	struct trace_event tev;
	bool readable[SOCKSTEP_MAX_CLIENTS + 1] = { false };
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

/* Let a paused side's call run; its return (or sleep) comes later. */
int
lab_resume_call(struct side *side)
{
	side->in_call = true;
	side->sleep_since = 0;
	side->state = SIDE_RUNNING;
	return trace_resume(side->pid, true, 0);
}

