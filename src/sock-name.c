/*
 * sock-name.c - a socket's own address, asked of the kernel on a copy
 * of the tracee's fd (pidfd_getfd), so the tracee's state is untouched.
 */
#include <sys/socket.h>
#include <sys/syscall.h>

#include <netinet/in.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "model.h"

/* Both numbers are the same on every architecture since Linux 5.1. */
#ifndef SYS_pidfd_open
#define SYS_pidfd_open	434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd	438
#endif

static void
name_err(char *err, size_t errlen, const char *what, int errnum)
{
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "%s: %s", what, strerror(errnum));
}

int
sock_name_of(pid_t pid, int fd, bool peer, struct sockaddr_storage *ss,
    char *err, size_t errlen)
{
	socklen_t sslen = sizeof(*ss);
	int pidfd, copy, rc, saved;

	memset(ss, 0, sizeof(*ss));
	if ((pidfd = (int)syscall(SYS_pidfd_open, pid, 0)) == -1) {
		name_err(err, errlen, "pidfd_open", errno);
		return -1;
	}
	/* Needs PTRACE_MODE_ATTACH_REALCREDS: root, or the tracer. */
	if ((copy = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0)) == -1) {
		saved = errno;
		close(pidfd);
		name_err(err, errlen, "pidfd_getfd", saved);
		return -1;
	}
	if (peer)
		rc = getpeername(copy, (struct sockaddr *)ss, &sslen);
	else
		rc = getsockname(copy, (struct sockaddr *)ss, &sslen);
	saved = errno;
	close(copy);
	close(pidfd);
	if (rc == -1) {
		memset(ss, 0, sizeof(*ss));
		name_err(err, errlen, peer ? "getpeername" : "getsockname",
		    saved);
		return -1;
	}
	return 0;
}

uint16_t
sock_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)ss)->sin_port);
	if (ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	return 0;
}
