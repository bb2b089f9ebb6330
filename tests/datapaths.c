/*
 * datapaths.c - every door bytes take into and out of a socket, on one
 * loopback connection to itself: send/recv (sendto/recvfrom in glibc),
 * writev/readv, sendmmsg/recvmmsg, sendfile from a file, splice
 * through a pipe, and a socketpair.  It prints what each call did, so
 * a test can compare that with sockstep's transcript and with strace.
 *
 *	datapaths PORT
 *
 * Reads loop until they have what was sent: TCP may hand over a send in
 * parts, and a test must not depend on how fast the machine is.
 */
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <netinet/in.h>

#include <arpa/inet.h>
#include <err.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void
show(const char *call, long ret, const char *what)
{
	printf("%s=%ld%s%s\n", call, ret, what != NULL ? " " : "",
	    what != NULL ? what : "");
	fflush(stdout);
}

/* TCP loopback: the server's end of a connection to itself. */
static void
connect_self(int port, int *cfd, int *sfd)
{
	struct sockaddr_in sin;
	int lfd, one = 1;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((lfd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		err(1, "socket");
	if (setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == -1)
		err(1, "setsockopt");
	if (bind(lfd, (struct sockaddr *)&sin, sizeof sin) == -1)
		err(1, "bind");
	if (listen(lfd, 1) == -1)
		err(1, "listen");
	if ((*cfd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		err(1, "socket");
	/* The kernel completes the handshake with no accept() yet. */
	if (connect(*cfd, (struct sockaddr *)&sin, sizeof sin) == -1)
		err(1, "connect");
	if ((*sfd = accept(lfd, NULL, NULL)) == -1)
		err(1, "accept");
	close(lfd);
}

/* readv until want bytes came: "readv=13 "wv-one wv-two"" in total. */
static void
do_readv(int fd, size_t want)
{
	char a[7], b[64], all[128];
	struct iovec iov[2];
	size_t got = 0, in_a;
	ssize_t n;

	while (got < want) {
		iov[0].iov_base = a;
		iov[0].iov_len = sizeof a;
		iov[1].iov_base = b;
		iov[1].iov_len = want - got < sizeof a ? 0 :
		    want - got - sizeof a;
		if (want - got < sizeof a)
			iov[0].iov_len = want - got;
		if ((n = readv(fd, iov, 2)) <= 0)
			err(1, "readv");
		in_a = (size_t)n < iov[0].iov_len ? (size_t)n : iov[0].iov_len;
		memcpy(all + got, a, in_a);
		memcpy(all + got + in_a, b, (size_t)n - in_a);
		got += (size_t)n;
	}
	all[got] = '\0';
	printf("readv=%zu \"%s\"\n", got, all);
	fflush(stdout);
}

/* recv(..., MSG_WAITALL) of exactly len bytes, printed. */
static void
do_recv(const char *call, int fd, size_t len)
{
	char buf[128];
	ssize_t n;

	if (len >= sizeof buf || (n = recv(fd, buf, len, MSG_WAITALL)) == -1)
		err(1, "recv");
	buf[n] = '\0';
	printf("%s=%zd \"%s\"\n", call, n, buf);
	fflush(stdout);
}

int
main(int argc, char **argv)
{
	static const char *mm_text[2] = { "mm-one", "mm-two!" };
	char tmpl[] = "/tmp/datapaths-XXXXXX", mm_buf[2][16], buf[64];
	struct mmsghdr mm[2];
	struct iovec iov[2], mm_iov[2];
	off_t off = 0;
	ssize_t n;
	size_t got;
	int cfd, sfd, sv[2], p[2], q[2], file, i, r;

	if (argc != 2)
		errx(2, "usage: datapaths PORT");
	connect_self(atoi(argv[1]), &cfd, &sfd);

	/* send() and recv(): sendto/recvfrom in glibc on x86_64. */
	show("send", (long)send(cfd, "send", 4, 0), NULL);
	do_recv("recv", sfd, 4);

	/* Scatter/gather: two buffers, one stream of bytes. */
	iov[0].iov_base = (void *)"wv-one ";
	iov[0].iov_len = 7;
	iov[1].iov_base = (void *)"wv-two";
	iov[1].iov_len = 6;
	show("writev", (long)writev(cfd, iov, 2), NULL);
	do_readv(sfd, 13);

	/* Two messages each way in one call.  MSG_WAITALL makes each
	 * recvmsg inside recvmmsg wait for all of its buffer. */
	memset(mm, 0, sizeof mm);
	for (i = 0; i < 2; i++) {
		mm_iov[i].iov_base = (void *)mm_text[i];
		mm_iov[i].iov_len = strlen(mm_text[i]);
		mm[i].msg_hdr.msg_iov = &mm_iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
	}
	r = sendmmsg(cfd, mm, 2, 0);
	printf("sendmmsg=%d %u,%u\n", r, mm[0].msg_len, mm[1].msg_len);
	memset(mm, 0, sizeof mm);
	memset(mm_buf, 0, sizeof mm_buf);
	for (i = 0; i < 2; i++) {
		mm_iov[i].iov_base = mm_buf[i];
		mm_iov[i].iov_len = strlen(mm_text[i]);
		mm[i].msg_hdr.msg_iov = &mm_iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
	}
	r = recvmmsg(sfd, mm, 2, MSG_WAITALL, NULL);
	printf("recvmmsg=%d %u,%u \"%s\" \"%s\"\n", r, mm[0].msg_len,
	    mm[1].msg_len, mm_buf[0], mm_buf[1]);
	fflush(stdout);

	/* A file straight into the socket. */
	if ((file = mkstemp(tmpl)) == -1)
		err(1, "mkstemp");
	unlink(tmpl);
	if (write(file, "from-a-file", 11) != 11)
		err(1, "write");
	n = sendfile(cfd, file, &off, 11);
	printf("sendfile=%zd off=%lld\n", n, (long long)off);
	fflush(stdout);
	do_recv("recv", sfd, 11);
	close(file);

	/* Through pipes: pipe -> socket, then socket -> pipe. */
	if (pipe(p) == -1 || pipe(q) == -1)
		err(1, "pipe");
	if (write(p[1], "spliced", 7) != 7)
		err(1, "write");
	show("splice", (long)splice(p[0], NULL, cfd, NULL, 7, SPLICE_F_MOVE),
	    "pipe->socket");
	for (got = 0; got < 7; got += (size_t)n)
		if ((n = splice(sfd, NULL, q[1], NULL, 7 - got, 0)) <= 0)
			err(1, "splice");
	if (read(q[0], buf, got) != (ssize_t)got)
		err(1, "read");
	buf[got] = '\0';
	printf("splice=%zu socket->pipe \"%s\"\n", got, buf);
	fflush(stdout);

	/* Two sockets connected from birth: no address, no port. */
	r = socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	printf("socketpair=%d fds=%d,%d\n", r, sv[0], sv[1]);
	fflush(stdout);
	show("write", (long)write(sv[0], "pair", 4), NULL);
	if ((n = read(sv[1], buf, sizeof buf - 1)) < 0)
		err(1, "read");
	buf[n] = '\0';
	printf("read=%zd \"%s\"\n", n, buf);
	fflush(stdout);

	close(sv[0]);
	close(sv[1]);
	close(cfd);
	close(sfd);
	return 0;
}
