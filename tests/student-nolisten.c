/*
 * A student's server with the classic mistake: accept() without
 * listen().  sockstep run --lesson must grade it: accept fails EINVAL.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
	struct sockaddr_in a;
	int s, c;

	if (argc != 2)
		return 1;
	s = socket(AF_INET, SOCK_STREAM, 0);
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons((unsigned short)atoi(argv[1]));
	if (bind(s, (struct sockaddr *)&a, sizeof a) == -1) {
		perror("bind() error");
		return 1;
	}
	if ((c = accept(s, NULL, NULL)) == -1) {
		perror("accept() error");
		return 1;
	}
	close(c);
	close(s);
	return 0;
}
