/*
 * fdreuse.c - one fd number that is a socket, then not, then a socket
 * again, in every way a number changes hands, so a test can check that
 * sockstep stops exactly at the calls on sockets (its fd cache must
 * forget at the right moments).  Each socket call below is tagged by
 * its option value or length, each file call by its length, so the
 * test can tell them apart in the transcript.  Ends by itself.
 */
#include <sys/socket.h>
#include <sys/syscall.h>

#include <err.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

static void
sock_call(int fd, int tag)	/* a call that stops: getsockopt on a socket */
{
	int v = 0;
	socklen_t len = sizeof v;

	(void)tag;
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &len) == -1)
		err(1, "getsockopt %d", tag);
	/* setsockopt with the tag as the value: visible in the transcript */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVLOWAT, &tag, sizeof tag) == -1)
		err(1, "setsockopt %d", tag);
}

static void
file_read(int fd, size_t tag)	/* a read that must not stop */
{
	char buf[64];

	if (read(fd, buf, tag) == -1)
		err(1, "read %zu", tag);
}

int
main(void)
{
	int f, s, t;

	/* 1. A file read (cached "not a socket"), closed; a socket takes
	 * its number. */
	if ((f = open("/dev/zero", O_RDONLY)) == -1)
		err(1, "open");
	file_read(f, 11);
	close(f);
	if ((s = socket(AF_INET, SOCK_STREAM, 0)) != f)
		errx(1, "socket took %d, not %d", s, f);
	sock_call(s, 101);

	/* 2. That socket closed; a file opened (not a watched call) takes
	 * its number: reads on it are not socket calls. */
	close(s);
	if ((f = open("/dev/zero", O_RDONLY)) != s)
		errx(1, "open took %d, not %d", f, s);
	file_read(f, 12);

	/* 3. dup2 of a socket over that file's number, then back. */
	if ((t = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		err(1, "socket");
	if (dup2(t, f) != f)
		err(1, "dup2");
	sock_call(f, 102);
	if ((s = open("/dev/zero", O_RDONLY)) == -1)
		err(1, "open");
	if (dup3(s, f, 0) != f)
		err(1, "dup3");
	file_read(f, 13);
	close(s);

	/* 4. close_range (not a shown call) ends a socket; a file takes
	 * the number (the lowest free one: f is still open). */
	sock_call(t, 103);
	if (syscall(SYS_close_range, t, t, 0) == -1)
		err(1, "close_range");
	if ((s = open("/dev/zero", O_RDONLY)) != t)
		errx(1, "open took %d, not %d", s, t);
	file_read(s, 14);
	close(s);
	close(f);
	return 0;
}
