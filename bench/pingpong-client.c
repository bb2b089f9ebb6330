/*
 * pingpong-client IP PORT N: N round trips of a 16-byte message, then
 * close.  Prints the count it completed so a run can be checked.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
	struct sockaddr_in addr;
	char msg[16] = "ping-0123456789", buf[16];
	long i, n;
	ssize_t got, r;
	struct timespec ms = { 0, 1000000 };
	int fd, tries;

	if (argc != 4) {
		fprintf(stderr, "usage: %s IP PORT N\n", argv[0]);
		return 1;
	}
	n = atol(argv[3]);
	memset(&addr, 0, sizeof addr);
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = inet_addr(argv[1]);
	addr.sin_port = htons((unsigned short)atoi(argv[2]));
	/* Started together with the server: wait (bounded) for its listen(). */
	for (tries = 0;; tries++) {
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (connect(fd, (struct sockaddr *)&addr, sizeof addr) == 0)
			break;
		if (errno != ECONNREFUSED || tries == 2000) {
			perror("connect");
			return 1;
		}
		close(fd);
		nanosleep(&ms, NULL);
	}
	for (i = 0; i < n; i++) {
		if (write(fd, msg, sizeof msg) != (ssize_t)sizeof msg)
			break;
		for (got = 0; got < (ssize_t)sizeof buf; got += r)
			if ((r = read(fd, buf + got, sizeof buf - (size_t)got)) <= 0)
				goto out;
	}
out:
	printf("round trips: %ld\n", i);
	close(fd);
	return i == n ? 0 : 1;
}
