/*
 * manytasks threads|children N PORT: starts N threads (or forks N
 * children), each of which connects to PORT on 127.0.0.1 and then
 * waits on its socket; the first process then waits for them.  The
 * screen must stay usable with that many tasks, and q must leave
 * none behind.
 */
#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static unsigned short port;

static void *task(void *arg)
{
	struct sockaddr_in a;
	char c;
	int s = socket(AF_INET, SOCK_STREAM, 0);

	(void)arg;
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons(port);
	if (connect(s, (struct sockaddr *)&a, sizeof a) == 0)
		(void)read(s, &c, 1);	/* until the lab ends */
	close(s);
	return NULL;
}

int main(int argc, char *argv[])
{
	pthread_t *t;
	int i, n;

	if (argc != 4)
		return 1;
	n = atoi(argv[2]);
	port = (unsigned short)atoi(argv[3]);
	t = calloc((size_t)n, sizeof *t);
	printf("starting %d %s\n", n, argv[1]);
	fflush(stdout);
	for (i = 0; i < n; i++) {
		if (strcmp(argv[1], "threads") == 0) {
			if (pthread_create(&t[i], NULL, task, NULL) != 0)
				return 1;
		} else if (fork() == 0) {
			task(NULL);
			_exit(0);
		}
	}
	if (strcmp(argv[1], "threads") == 0)
		for (i = 0; i < n; i++)
			pthread_join(t[i], NULL);
	else
		while (wait(NULL) > 0)
			;
	return 0;
}
