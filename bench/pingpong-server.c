/*
 * pingpong-server PORT: accept one client and echo every message back
 * until it closes.  The benchmark workload: small request/response round
 * trips, so the cost measured is the tracer's per call, not the data.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
	struct sockaddr_in addr;
	char buf[64];
	ssize_t n;
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
	while ((n = read(fd, buf, sizeof buf)) > 0)
		if (write(fd, buf, (size_t)n) != n)
			break;
	close(fd);
	close(lfd);
	return 0;
}
