/*
 * strays PORT N: a server that listens on PORT, then makes N sockets
 * whose connect() to a closed port was refused (each was bound to an
 * ephemeral port for its SYN, then unbound), then blocks in accept().
 * The kernel view must account for every one of its sockets (issue 19
 * item 9): shown, or counted as not looked up, never "gone".
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
	struct sockaddr_in a, closed;
	socklen_t len = sizeof closed;
	int s, c, i, n, probe;

	if (argc != 3)
		return 2;
	n = atoi(argv[2]);
	s = socket(PF_INET, SOCK_STREAM, 0);
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = inet_addr("127.0.0.1");
	a.sin_port = htons((unsigned short)atoi(argv[1]));
	if (bind(s, (struct sockaddr *)&a, sizeof a) == -1 || listen(s, 1) == -1)
		return 1;
	/* A port nothing listens on: bound, then closed, by us. */
	probe = socket(PF_INET, SOCK_STREAM, 0);
	closed = a;
	closed.sin_port = 0;
	if (bind(probe, (struct sockaddr *)&closed, sizeof closed) == -1 ||
	    getsockname(probe, (struct sockaddr *)&closed, &len) == -1)
		return 1;
	close(probe);
	for (i = 0; i < n; i++) {
		c = socket(PF_INET, SOCK_STREAM, 0);
		if (connect(c, (struct sockaddr *)&closed, sizeof closed) == 0)
			return 1;
	}
	printf("%d refused sockets open\n", n);
	fflush(stdout);
	return accept(s, NULL, NULL) == -1;
}
