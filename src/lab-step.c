/*
 * lab-step.c - stepping: the transition function (lab_dispatch), the
 * step and run operations, and the pump that notices what happened
 * without ever blocking on a tracee.
 */
#include <sys/signalfd.h>
#include <sys/wait.h>

#include <netinet/in.h>

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sockstep.h"
#include "lab-private.h"

static int	lab_resume_call(struct side *);
static bool	lab_side_settled(struct side *, uint64_t);

static const char *const origin_bind = "bind";
static const char *const origin_kernel = "chosen by the kernel";

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
lab_watched(pid_t pid, const struct trace_event *tev)
{
	const struct sc_desc *desc = sc_lookup(tev->nr);
	bool on_socket = desc != NULL &&
	    trace_call_on_socket(pid, desc, tev->args);

	/* After the look: the fd a close() ends is still open right now,
	 * and what was just learnt of it must be forgotten. */
	trace_fds_saw_call(tev->nr, tev->args);
	return on_socket ? desc : NULL;
}

static void
lab_side_entry(struct lab *lab, struct side *side, const struct trace_event *tev)
{
	const struct sc_desc *desc = lab_watched(side->pid, tev);
	struct sc_mem mem = { sc_mem_tracee_read, &side->pid };
	struct lab_event ev = { .type = LEV_CALL, .side = side };

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

/* A new process forked by a side: it belongs to its parent's side. */
static struct lab_child *
lab_child_adopt(struct lab *lab, pid_t pid)
{
	struct lab_child *ch, *parent_ch;
	struct side *side;
	char path[64], buf[512], *p;
	FILE *f;
	int ppid = 0;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	if (fgets(buf, sizeof buf, f) != NULL &&
	    (p = strrchr(buf, ')')) != NULL)
		sscanf(p + 1, " %*c %d", &ppid);
	fclose(f);
	if ((side = lab_side_find(lab, ppid)) == NULL) {
		if ((parent_ch = lab_child_find(lab, ppid)) == NULL)
			return NULL;
		side = parent_ch->side;
	}
	if (lab->nchildren >= LAB_MAX_CHILDREN) {
		trace_kill(pid);
		lab_note(lab, side, "%s[%d]: more than %d processes, ended",
		    side->name, (int)pid, LAB_MAX_CHILDREN);
		return NULL;
	}
	ch = xcalloc(1, sizeof *ch);
	ch->pid = pid;
	ch->side = side;
	LIST_INSERT_HEAD(&lab->children, ch, entry);
	lab->nchildren++;
	return ch;
}

/* A forked child runs freely; its watched calls are reported as it goes. */
static void
lab_child_event(struct lab *lab, struct lab_child *ch,
    const struct trace_event *tev)
{
	struct sc_mem mem = { sc_mem_tracee_read, &ch->pid };
	struct lab_event ev = { .side = ch->side, .pid = ch->pid };
	const struct sc_desc *desc;

	switch (tev->type) {
	case TEV_SYSCALL_ENTRY:
		if ((desc = lab_watched(ch->pid, tev)) == NULL) {
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
		LIST_REMOVE(ch, entry);
		lab->nchildren--;
		sc_call_clear(&ch->call);
		/* Helpers that never touched a socket (a shell, a thread
		 * pool) come and go unremarked. */
		if (ch->ncalls > 0)
			lab_note(lab, ch->side, "%s[%d] %s", ch->side->name,
			    (int)ch->pid, tev->type == TEV_EXITED ?
			    "exited" : "was killed");
		free(ch);
		return;
	default:
		trace_resume(ch->pid, ch->in_call, 0);
		return;
	}
}

/* The one transition function: a tracer event moves a side on. */
void
lab_dispatch(struct lab *lab, const struct trace_event *tev)
{
	struct side *side = lab_side_find(lab, tev->pid);
	struct lab_child *ch;

	/* What the fd cache (trace-fds.c) must hear of from every task. */
	if (tev->type == TEV_FORK)
		trace_fds_new_task(tev->pid, tev->child);
	else if (tev->type == TEV_EXEC || tev->type == TEV_EXITED ||
	    tev->type == TEV_KILLED) {
		trace_fds_forget();	/* cloexec fds gone; a pid reused */
		lab->sock_gen++;	/* and the sockets they held */
	}
	if (side == NULL) {
		if ((ch = lab_child_find(lab, tev->pid)) == NULL &&
		    (ch = lab_child_adopt(lab, tev->pid)) == NULL) {
			if (tev->type != TEV_EXITED && tev->type != TEV_KILLED)
				trace_resume(tev->pid, false, 0);
			return;
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
		trace_resume(side->pid, side->in_call, tev->sig);
		break;
	case TEV_EXEC:
		side->execed = true;
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
		if (sock_proc_sleep(side->pid, &st, &nr, wchan,
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
	for (i = 0; i < lab->nsides; i++)
		if (readable[i])
			lab_drain_output(lab, lab->sides[i]);
	/* Only a quiet moment can show a call asleep: while stops keep
	 * coming, /proc is not worth reading (free-running stays fast). */
	if (ready <= 0)
		lab_check_sleepers(lab);
}

/* Will this side change state by itself soon?  If not, it is settled. */
static bool
lab_side_settled(struct side *side, uint64_t now)
{
	char st, wchan[64];
	long nr;

	switch (side->state) {
	case SIDE_BLOCKED:
		/* Still asleep in the call?  Else its return is on the way. */
		return sock_proc_sleep(side->pid, &st, &nr, wchan,
		    sizeof wchan) == 0 && (st == 'S' || st == 'D') &&
		    nr == side->call.nr;
	case SIDE_RUNNING:
		if (side->in_call)
			return false;
		/* Between calls but asleep (sleep(), a read of its tty). */
		if (sock_proc_sleep(side->pid, &st, &nr, wchan,
		    sizeof wchan) == -1 || (st != 'S' && st != 'D')) {
			side->sleep_since = 0;
			return false;
		}
		if (side->sleep_since == 0)
			side->sleep_since = now;
		return now - side->sleep_since >= LAB_IDLE_MS;
	default:
		return true;
	}
}

static void	lab_settle_for(struct lab *, uint64_t);

void
lab_settle(struct lab *lab)
{
	lab_settle_for(lab, LAB_SETTLE_MS);
}

/* Until every side is paused, blocked, idle or gone, or limit ms. */
static void
lab_settle_for(struct lab *lab, uint64_t limit)
{
	uint64_t start = lab_now_ms(), now;
	bool settled;
	size_t i;

	lab_pump(lab, 0);
	for (;;) {
		now = lab_now_ms();
		settled = true;
		for (i = 0; i < lab->nsides; i++)
			if (!lab_side_settled(lab->sides[i], now))
				settled = false;
		if (settled || now - start > limit)
			return;
		lab_pump(lab, 2);
	}
}

/*
 * Tracer and tracees on one CPU: every stop is a switch between two
 * tasks on the same CPU (a few microseconds) instead of a wake-up sent
 * to another CPU (tens of microseconds, more in a VM), and the traced
 * programs never run in parallel with the tracer anyway: one of them
 * waits for the other at every stop.  The children inherit the mask.
 * SOCKSTEP_NO_PIN=1 leaves the scheduler free.  Best effort: a failure
 * (a cpuset that forbids it) changes nothing else.
 */
static void
lab_pin_cpu(void)
{
	const char *no = getenv("SOCKSTEP_NO_PIN");
	cpu_set_t set;
	int cpu;

	if (no != NULL && strcmp(no, "0") != 0)
		return;
	if ((cpu = sched_getcpu()) == -1)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	(void)sched_setaffinity(0, sizeof set, &set);
}

int
lab_start(struct lab *lab, char *err, size_t errlen)
{
	size_t i;

	lab_pin_cpu();

	for (i = 0; i < lab->nsides; i++) {
		struct side *side = lab->sides[i];

		if (trace_resolve(side->argv[0], side->path, sizeof side->path,
		    err, errlen) == -1)
			return -1;
	}
	for (i = 0; i < lab->nsides; i++) {
		struct side *side = lab->sides[i];

		if (trace_spawn(side->path, side->argv, &side->pid, &side->pty,
		    err, errlen) == -1) {
			lab_kill_all(lab, NULL);
			return -1;
		}
		side->state = SIDE_RUNNING;
	}
	/* Short: a program busy before its first socket call is shown
	 * running rather than holding the first screen back. */
	lab_settle_for(lab, LAB_START_MS);
	for (i = 0; i < lab->nsides; i++) {
		struct side *side = lab->sides[i];

		if (!side->execed && (side->state == SIDE_EXITED ||
		    side->state == SIDE_KILLED)) {
			char why[300];

			trace_setup_failure(side->wait_status, why,
			    sizeof why);
			snprintf(err, errlen, "%s: %s: %s", side->name,
			    side->path, why);
			lab_kill_all(lab, NULL);
			return -1;
		}
	}
	return 0;
}

static int
lab_stepable(struct side *side, char *err, size_t errlen)
{
	switch (side->state) {
	case SIDE_BEFORE_CALL:
		return 0;
	case SIDE_BLOCKED:
		snprintf(err, errlen, "%s is blocked in %s(): step another "
		    "side to wake it", side->name, side->call.desc->name);
		return -1;
	case SIDE_RUNNING:
		snprintf(err, errlen, "%s is running outside any socket call",
		    side->name);
		return -1;
	case SIDE_EXITED:
	case SIDE_KILLED:
		snprintf(err, errlen, "%s has %s", side->name,
		    side->state == SIDE_EXITED ? "exited" : "been killed");
		return -1;
	default:
		snprintf(err, errlen, "%s has not started", side->name);
		return -1;
	}
}

/* Let a paused side's call run; its return (or sleep) comes later. */
static int
lab_resume_call(struct side *side)
{
	side->in_call = true;
	side->sleep_since = 0;
	side->state = SIDE_RUNNING;
	return trace_resume(side->pid, true, 0);
}

/*
 * all+: every side runs at once, calls recorded as they happen and never
 * held, until each side has exited or sits still (asleep in a call, or
 * outside any) with nothing left that could wake it.  No timer runs
 * between calls: the loop waits on SIGCHLD and only a quiet moment ends it.
 */
int
lab_run_all(struct lab *lab, char *err, size_t errlen)
{
	uint64_t now, count, quiet_since = 0;
	bool settled;
	size_t i;

	lab->free_run = true;
	for (i = 0; i < lab->nsides; i++) {
		struct side *side = lab->sides[i];

		if (side->state == SIDE_BEFORE_CALL &&
		    lab_resume_call(side) == -1) {
			snprintf(err, errlen, "%s: ptrace: %s", side->name,
			    strerror(errno));
			lab->free_run = false;
			return -1;
		}
	}
	for (;;) {
		count = lab_event_count(lab);
		lab_pump(lab, 5);
		now = lab_now_ms();
		if (lab_event_count(lab) != count || quiet_since == 0)
			quiet_since = now;
		settled = true;
		for (i = 0; i < lab->nsides && settled; i++)
			if (!lab_side_settled(lab->sides[i], now))
				settled = false;
		if (settled)
			break;
		/* A side computing without calls (a busy loop) must not
		 * hold the run forever: as lab_settle, leave it running. */
		if (now - quiet_since > LAB_SETTLE_MS) {
			lab_note_spinners(lab);
			break;
		}
	}
	lab->free_run = false;
	return 0;
}

int
lab_step(struct lab *lab, struct side *side, char *err, size_t errlen)
{
	if (side->state == SIDE_RUNNING)
		lab_settle(lab);
	if (lab_stepable(side, err, errlen) == -1)
		return -1;
	if (lab_resume_call(side) == -1) {
		snprintf(err, errlen, "%s: ptrace: %s", side->name,
		    strerror(errno));
		return -1;
	}
	lab_settle(lab);
	return 0;
}

int
lab_run(struct lab *lab, struct side *side, unsigned max, char *err,
    size_t errlen)
{
	unsigned n = 0;

	if (lab_step(lab, side, err, errlen) == -1)
		return -1;
	while (side->state == SIDE_BEFORE_CALL && (max == 0 || ++n < max))
		if (lab_step(lab, side, err, errlen) == -1)
			return -1;
	return 0;
}
