/*
 * trace-fds.c - is a stopped call about a socket?  Only then does the
 * lab pause at it: a read of the terminal, a poll of stdin alone, a
 * dup of a file run through unnoticed.  The fd may be an argument
 * (read, dup, epoll_ctl), a list in the tracee's memory (poll, select)
 * or the interest list of an epoll instance (from /proc fdinfo).
 */
#include <sys/syscall.h>

#include <linux/kcmp.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model.h"

#define TRACE_FDS_MAX	64	/* fds of one poll/select looked at */
#define TRACE_FDC_SIZE	256	/* cached (pid, fd) answers, direct-mapped */

/*
 * What kind each (pid, fd) is, remembered between calls: a readlink of
 * /proc/PID/fd/N at every stop was one syscall in ten of a free run.
 *
 * Only an open fd's answer is kept (socket or not), never "not open":
 * an fd number that is free can become anything through a call that
 * makes fds (open, pipe, socketpair, accept), so their new fds need no
 * teaching: the first call on one asks /proc.  But an open fd changes
 * only by being closed or replaced first, and every way to do that
 * stops here: close, dup2/dup3, fcntl F_DUPFD, close_range (in the
 * filter for this), exec (an event).  Each of those, any exit, and a
 * fork forget everything (a generation bump): they are rare next to
 * reads and writes.  Two tasks sharing one fd table (threads) could
 * race a close against a lookup, and io_uring closes fds with no call
 * at all: the first of either turns the cache off for the rest of the
 * run.
 */
enum { FDC_NONE, FDC_SOCKET, FDC_OTHER };
struct trace_fds {
	struct fdc_entry {
		pid_t		pid;
		int		fd;
		unsigned	gen;
		unsigned char	kind;
	}		fdc[TRACE_FDC_SIZE];
	unsigned	gen;
	bool		off;
	bool		shared;		/* threads share a table: see in_flight */
	unsigned	in_flight;	/* table changes begun, not yet returned */
	uint64_t	table_gen;	/* see trace_fds_table_gen */
};

struct trace_fds *
trace_fds_create(void)
{
	struct trace_fds *tf = xcalloc(1, sizeof *tf);

	tf->gen = 1;	/* 0 is what an unused entry holds */
	tf->table_gen = 1;
	return tf;
}

void
trace_fds_destroy(struct trace_fds *tf)
{
	free(tf);
}

void
trace_fds_forget(struct trace_fds *tf)
{
	tf->gen++;
	tf->table_gen++;
}

/*
 * Can this call add a socket to an fd table or take one out?  Those
 * that return fds (socket, accept, dup..., socketpair), those that
 * close or replace them (close, close_range, dup2/3, fcntl F_DUPFD),
 * recvmsg and recvmmsg (SCM_RIGHTS), pidfd_getfd and io_uring_setup.
 * Every one of them stops (the syscall table and the filter's extras).
 */
bool
trace_fds_table_call(long nr)
{
	static const long other[] = {
		SYS_close, SYS_close_range, SYS_fcntl, SYS_recvmsg,
		SYS_recvmmsg, SYS_pidfd_getfd, SYS_io_uring_setup,
	};
	const struct sc_desc *d = sc_lookup(nr);
	size_t i;

	if (d != NULL && (d->flags & (SCF_RET_FD | SCF_RET_FDPAIR)))
		return true;
	for (i = 0; i < sizeof other / sizeof other[0]; i++)
		if (nr == other[i])
			return true;
	return false;
}

/*
 * The lab's word for the kernel view (sock-view.c): while this number
 * stays the same, no lab process's fd table gained or lost a socket
 * through any call the filter stops, except through a call still
 * under way (the lab asks each task: trace_fds_table_call at its
 * entry, until its exit or next entry).  0 once the cache is off
 * (io_uring, tables shared between processes): no word at all.
 */
uint64_t
trace_fds_table_gen(const struct trace_fds *tf)
{
	return tf == NULL || tf->off ? 0 : tf->table_gen;
}

/*
 * A new task: its own copy of the table is fine.  A thread shares its
 * process's, which the cache keys by process: a close by one thread may
 * race a lookup by another, so the lab follows each change of the table
 * to its return (trace_fds_changed), and nothing is remembered while
 * one is under way.  Any other sharing (clone with CLONE_FILES alone)
 * turns the cache off.
 */
void
trace_fds_new_task(struct trace_fds *tf, pid_t parent, pid_t child)
{
	pid_t tgid;
	long r;

	trace_fds_forget(tf);
	/* kcmp: 0 the same table, 1 or 2 different ones, -1 no answer. */
	r = child > 0 ? syscall(SYS_kcmp, parent, child, KCMP_FILES, 0, 0) : -1;
	if (r == 1 || r == 2)
		return;
	if (r == 0 && (tgid = sock_proc_tgid(child)) > 0 &&
	    tgid == sock_proc_tgid(parent))
		tf->shared = true;
	else
		tf->off = true;
}

/* A change of the table (close ...) returned: what was learnt while it
 * ran is forgotten, and the cache may remember again. */
void
trace_fds_changed(struct trace_fds *tf)
{
	if (tf == NULL)
		return;
	if (tf->in_flight > 0)
		tf->in_flight--;
	trace_fds_forget(tf);
}

/*
 * Called at every stopped call, watched or not, before anything else.
 * True when the caller must follow the call to its return and then call
 * trace_fds_changed (threads share the table it changes).
 */
bool
trace_fds_saw_call(struct trace_fds *tf, long nr, const uint64_t *args)
{
	if (trace_fds_table_call(nr))
		tf->table_gen++;
	if (nr == SYS_io_uring_setup) {
		tf->off = true;
		return false;
	}
	if (nr == SYS_close || nr == SYS_close_range || nr == SYS_dup2 ||
	    nr == SYS_dup3 || (nr == SYS_fcntl &&
	    (args[1] == F_DUPFD || args[1] == F_DUPFD_CLOEXEC))) {
		trace_fds_forget(tf);
		if (tf->shared && !tf->off) {
			tf->in_flight++;
			return true;
		}
	}
	return false;
}

static bool
trace_fd_socket_cached(struct trace_fds *tf, pid_t pid, int fd)
{
	struct fdc_entry *e;
	char path[64], link[64];
	ssize_t n;

	if (fd < 0)
		return false;
	if (tf == NULL || tf->off)
		return trace_fd_is_socket(pid, fd);
	e = &tf->fdc[((unsigned)pid * 31u + (unsigned)fd) % TRACE_FDC_SIZE];
	if (e->gen == tf->gen && e->pid == pid && e->fd == fd)
		return e->kind == FDC_SOCKET;
	snprintf(path, sizeof path, "/proc/%d/fd/%d", (int)pid, fd);
	if ((n = readlink(path, link, sizeof link - 1)) <= 0)
		return false;	/* not open (or gone): not remembered */
	link[n] = '\0';
	if (tf->in_flight > 0)	/* a close may be under way: not kept */
		return strncmp(link, "socket:", 7) == 0;
	e->pid = pid;
	e->fd = fd;
	e->gen = tf->gen;
	e->kind = strncmp(link, "socket:", 7) == 0 ? FDC_SOCKET : FDC_OTHER;
	return e->kind == FDC_SOCKET;
}

/* Does the epoll instance epfd of pid watch a socket?  fdinfo lists
 * each target as "tfd:        5 events: ...". */
static bool
trace_epoll_has_socket(struct trace_fds *tf, pid_t pid, int epfd)
{
	char path[64], line[256];
	FILE *f;
	int fd;
	bool found = false;

	if (epfd < 0)
		return false;
	snprintf(path, sizeof path, "/proc/%d/fdinfo/%d", (int)pid, epfd);
	if ((f = fopen(path, "r")) == NULL)
		return false;
	while (!found && fgets(line, sizeof line, f) != NULL)
		if (sscanf(line, "tfd: %d", &fd) == 1 &&
		    trace_fd_socket_cached(tf, pid, fd))
			found = true;
	fclose(f);
	return found;
}

bool
trace_call_on_socket(struct trace_fds *tf, pid_t pid,
    const struct sc_desc *desc, const uint64_t *args)
{
	struct sc_mem mem = { sc_mem_tracee_read, &pid };
	struct sc_call c;
	int fds[TRACE_FDS_MAX];
	size_t n, i;

	/* splice and sendfile name two fds: either may be the socket. */
	if (desc->flags & (SCF_FD0 | SCF_FD1 | SCF_FD2))
		return ((desc->flags & SCF_FD0) &&
		    trace_fd_socket_cached(tf, pid, (int)args[0])) ||
		    ((desc->flags & SCF_FD1) &&
		    trace_fd_socket_cached(tf, pid, (int)args[1])) ||
		    ((desc->flags & SCF_FD2) &&
		    trace_fd_socket_cached(tf, pid, (int)args[2]));
	if (desc->flags & SCF_EPOLL)
		return trace_epoll_has_socket(tf, pid, (int)args[0]);
	if (desc->flags & SCF_FDLIST) {
		sc_call_init(&c, desc, args);
		n = sc_call_fds(&c, &mem, fds, TRACE_FDS_MAX);
		for (i = 0; i < n; i++)
			if (trace_fd_socket_cached(tf, pid, fds[i]))
				return true;
		return false;
	}
	return true;
}
