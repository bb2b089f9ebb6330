/*
 * forker PORT: the classic forking server: accept in the parent, serve
 * each client in a child.  Every child is a traced process of the server
 * side.  Serves two clients, then waits for its children.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
	struct sockaddr_in a;
	int s, c, i;

	if (argc != 2)
		return 1;
	s = socket(AF_INET, SOCK_STREAM, 0);
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons((unsigned short)atoi(argv[1]));
	if (bind(s, (struct sockaddr *)&a, sizeof a) == -1 || listen(s, 5) == -1) {
		perror("bind/listen");
		return 1;
	}
	for (i = 0; i < 2; i++) {
		if ((c = accept(s, NULL, NULL)) == -1) {
			perror("accept");
			return 1;
		}
		if (fork() == 0) {
			close(s);
			if (write(c, "Hello World!", 12) != 12)
				perror("write");
			close(c);
			_exit(0);
		}
		close(c);
	}
	while (wait(NULL) > 0)
		;
	close(s);
	return 0;
}
