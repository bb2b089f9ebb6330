/*
 * fdpass.c - a TCP socket gains and loses fds in every way the kernel
 * view must notice, with a query (getsockname) on it after each, where
 * a step pauses: tests/test_fdview.py compares sockstep's holders of
 * each socket with /proc at every pause.  Several of the ways are data
 * calls or calls sockstep never shows (recvmsg with SCM_RIGHTS,
 * pidfd_getfd, close_range), so the view cannot learn of them from a
 * watched call that ends a socket.  Usage: fdpass PORT.  Ends by itself.
 */
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <err.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void
query(int fd)	/* a call that pauses and changes no fd table */
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;

	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
		err(1, "getsockname %d", fd);
}

static void
send_fd(int via, int fd)
{
	char c = 'x', ctl[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &c, 1 };
	struct msghdr m;
	struct cmsghdr *cm;

	memset(&m, 0, sizeof m);
	memset(ctl, 0, sizeof ctl);
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_control = ctl;
	m.msg_controllen = sizeof ctl;
	cm = CMSG_FIRSTHDR(&m);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof fd);
	if (sendmsg(via, &m, 0) != 1)
		err(1, "sendmsg");
}

static int
recv_fd(int via)
{
	char c, ctl[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &c, 1 };
	struct msghdr m;
	struct cmsghdr *cm;
	int fd;

	memset(&m, 0, sizeof m);
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_control = ctl;
	m.msg_controllen = sizeof ctl;
	if (recvmsg(via, &m, 0) != 1 || (cm = CMSG_FIRSTHDR(&m)) == NULL ||
	    cm->cmsg_type != SCM_RIGHTS)
		errx(1, "recvmsg: no fd");
	memcpy(&fd, CMSG_DATA(cm), sizeof fd);
	return fd;
}

int
main(int argc, char **argv)
{
	struct sockaddr_in sin;
	int l, c, a, a2, b, u[2], pidfd, l2;

	if (argc != 2)
		errx(2, "usage: fdpass PORT");
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((unsigned short)atoi(argv[1]));
	if ((l = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    bind(l, (struct sockaddr *)&sin, sizeof sin) == -1 ||
	    listen(l, 4) == -1)
		err(1, "listen");
	if ((c = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    connect(c, (struct sockaddr *)&sin, sizeof sin) == -1)
		err(1, "connect");
	if ((a = accept(l, NULL, NULL)) == -1)
		err(1, "accept");
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, u) == -1)
		err(1, "socketpair");
	send_fd(u[0], a);
	query(a);
	/* A data call that adds an fd: the accepted socket, twice held. */
	a2 = recv_fd(u[1]);
	query(a2);
	query(a);
	/* Calls sockstep never shows: one more fd on the listener ... */
	if ((pidfd = (int)syscall(SYS_pidfd_open, getpid(), 0)) == -1 ||
	    (l2 = (int)syscall(SYS_pidfd_getfd, pidfd, l, 0)) == -1)
		err(1, "pidfd_getfd");
	query(l2);
	query(l);
	/* ... and gone again. */
	if (syscall(SYS_close_range, (unsigned)l2, (unsigned)l2, 0) == -1)
		err(1, "close_range");
	query(l);
	if ((b = fcntl(c, F_DUPFD, 20)) == -1)
		err(1, "F_DUPFD");
	query(b);
	close(c);
	query(b);
	close(a);
	query(a2);
	return 0;
}
