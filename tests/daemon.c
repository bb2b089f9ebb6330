/*
 * daemon PORT: a server that daemonizes the classic way before it
 * serves (fork, the parent exits, the child calls setsid), after
 * checking it may form its own process group, as under a shell.
 * Prints what each step returned; then the lesson 1 server's flow.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
	struct sockaddr_in a;
	char message[] = "Hello World!";
	int s, c, rc;

	if (argc != 2)
		return 2;
	rc = setpgid(0, 0);
	printf("setpgid = %d%s%s\n", rc, rc ? " " : "", rc ? strerror(errno) : "");
	fflush(stdout);
	switch (fork()) {
	case -1:
		return 1;
	case 0:
		break;
	default:
		_exit(0);	/* the parent leaves at once, as daemons do */
	}
	usleep(100000);	/* the window in which a hangup would kill us */
	printf("setsid = %d\n", setsid() == -1 ? -1 : 0);
	fflush(stdout);
	s = socket(PF_INET, SOCK_STREAM, 0);
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = inet_addr("127.0.0.1");
	a.sin_port = htons((unsigned short)atoi(argv[1]));
	if (bind(s, (struct sockaddr *)&a, sizeof a) == -1 || listen(s, 5) == -1)
		return 1;
	if ((c = accept(s, NULL, NULL)) == -1)
		return 1;
	if (write(c, message, sizeof message - 1) == -1)
		return 1;
	close(c);
	close(s);
	return 0;
}
