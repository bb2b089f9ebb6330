/*
 * nbconnect HOST PORT [poll|select|epoll]: a non-blocking connect, the
 * way event-driven clients do it: O_NONBLOCK, connect() -> EINPROGRESS,
 * wait until writable, getsockopt(SO_ERROR), then dup the socket, read
 * the server's greeting with recvfrom and answer with sendto.  Prints
 * what each call returned, so a test can compare it with what sockstep
 * reported.
 */
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int
wait_writable(int s, const char *how)
{
	if (strcmp(how, "select") == 0) {
		fd_set w;

		FD_ZERO(&w);
		FD_SET(s, &w);
		return select(s + 1, NULL, &w, NULL, NULL);
	}
	if (strcmp(how, "epoll") == 0) {
		struct epoll_event ev = { .events = EPOLLOUT, .data.fd = s };
		int ep = epoll_create1(EPOLL_CLOEXEC), n;

		if (ep == -1 || epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev) == -1)
			return -1;
		n = epoll_wait(ep, &ev, 1, -1);
		close(ep);
		return n;
	}
	struct pollfd p = { .fd = s, .events = POLLOUT };

	return poll(&p, 1, -1);
}

int
main(int argc, char *argv[])
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	socklen_t len;
	const char *how = argc > 3 ? argv[3] : "poll";
	char buf[64];
	int s, s2, fl, err, r;
	ssize_t n;

	if (argc < 3)
		return 2;
	memset(&ss, 0, sizeof ss);
	if (inet_pton(AF_INET, argv[1], &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((unsigned short)atoi(argv[2]));
		len = sizeof *sin;
	} else if (inet_pton(AF_INET6, argv[1], &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((unsigned short)atoi(argv[2]));
		len = sizeof *sin6;
	} else
		return 2;
	setvbuf(stdout, NULL, _IONBF, 0);
	if ((s = socket(ss.ss_family, SOCK_STREAM, 0)) == -1)
		return 1;
	fl = fcntl(s, F_GETFL);
	fcntl(s, F_SETFL, fl | O_NONBLOCK);
	r = connect(s, (struct sockaddr *)&ss, len);
	printf("connect=%s\n", r == 0 ? "0" : errno == EINPROGRESS ?
	    "EINPROGRESS" : strerror(errno));
	r = wait_writable(s, how);
	printf("%s=%d\n", how, r);
	len = sizeof err;
	if (getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		return 1;
	printf("so_error=%d\n", err);
	if (err != 0)
		return 1;
	len = sizeof ss;
	getsockname(s, (struct sockaddr *)&ss, &len);
	printf("local_port=%d\n", ntohs(ss.ss_family == AF_INET ?
	    sin->sin_port : sin6->sin6_port));
	/* Another fd for the socket; the first one closed, it lives on. */
	s2 = dup(s);
	close(s);
	printf("dup=%d\n", s2);
	fcntl(s2, F_SETFL, fl);
	n = recvfrom(s2, buf, sizeof buf - 1, 0, NULL, NULL);
	if (n < 0)
		return 1;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	printf("got=%s\n", buf);
	n = sendto(s2, "bye\n", 4, MSG_NOSIGNAL, NULL, 0);
	printf("sent=%zd\n", n);
	close(s2);
	return 0;
}
