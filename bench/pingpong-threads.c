/*
 * pingpong-threads PORT: pingpong-server with a thread per connection
 * (the book's chapter 18 server): the main thread accepts, a thread
 * echoes every message back until the client closes.  The benchmark of
 * a threaded server under all+: the same calls as pingpong-server, made
 * by a second task of the side.
 */
#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void *echo(void *arg)
{
	int fd = *(int *)arg;
	char buf[64];
	ssize_t n;

	while ((n = read(fd, buf, sizeof buf)) > 0)
		if (write(fd, buf, (size_t)n) != n)
			break;
	close(fd);
	return NULL;
}

int main(int argc, char *argv[])
{
	struct sockaddr_in addr;
	pthread_t t;
	int lfd, fd, one = 1;

	if (argc != 2) {
		fprintf(stderr, "usage: %s PORT\n", argv[0]);
		return 1;
	}
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&addr, 0, sizeof addr);
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	addr.sin_port = htons((unsigned short)atoi(argv[1]));
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(lfd, (struct sockaddr *)&addr, sizeof addr) == -1 ||
	    listen(lfd, 5) == -1) {
		perror("bind/listen");
		return 1;
	}
	if ((fd = accept(lfd, NULL, NULL)) == -1) {
		perror("accept");
		return 1;
	}
	if (pthread_create(&t, NULL, echo, &fd) != 0)
		return 1;
	pthread_join(t, NULL);
	close(lfd);
	return 0;
}
