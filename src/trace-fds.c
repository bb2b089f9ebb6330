/*
 * trace-fds.c - is a stopped call about a socket?  Only then does the
 * lab pause at it: a read of the terminal, a poll of stdin alone, a
 * dup of a file run through unnoticed.  The fd may be an argument
 * (read, dup, epoll_ctl), a list in the tracee's memory (poll, select)
 * or the interest list of an epoll instance (from /proc fdinfo).
 */
#include <stdio.h>
#include <string.h>

#include "sockstep.h"

#define TRACE_FDS_MAX	64	/* fds of one poll/select looked at */

/* Does the epoll instance epfd of pid watch a socket?  fdinfo lists
 * each target as "tfd:        5 events: ...". */
static bool
trace_epoll_has_socket(pid_t pid, int epfd)
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
		    trace_fd_is_socket(pid, fd))
			found = true;
	fclose(f);
	return found;
}

bool
trace_call_on_socket(pid_t pid, const struct sc_desc *desc,
    const uint64_t *args)
{
	struct sc_mem mem = { sc_mem_tracee_read, &pid };
	struct sc_call c;
	int fds[TRACE_FDS_MAX];
	size_t n, i;

	if (desc->flags & SCF_FD0)
		return trace_fd_is_socket(pid, (int)args[0]);
	if (desc->flags & SCF_FD2)
		return trace_fd_is_socket(pid, (int)args[2]);
	if (desc->flags & SCF_EPOLL)
		return trace_epoll_has_socket(pid, (int)args[0]);
	if (desc->flags & SCF_FDLIST) {
		sc_call_init(&c, desc, args);
		n = sc_call_fds(&c, &mem, fds, TRACE_FDS_MAX);
		for (i = 0; i < n; i++)
			if (trace_fd_is_socket(pid, fds[i]))
				return true;
		return false;
	}
	return true;
}
