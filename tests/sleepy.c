/*
 * sleepy MODE PORT: the lesson 1 server, correct, with a pause that a
 * real program might have:
 *   listen   sleep(1) between listen() and accept()
 *   socket   usleep(300000) before socket()
 *   calls N  N times socket() and close(), 200 ms apart (a slow run of
 *            steps, for a replay that takes a while), then serves
 *   stop     raise(SIGSTOP) before socket(): stopped until continued
 *   long     sleep(8) between listen() and accept(): longer than the lab
 *            waits for a sleep
 */
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
	struct sockaddr_in a;
	char message[] = "Hello World!";
	int s, c, i, n = 0;

	if (argc < 3)
		return 2;
	if (strcmp(argv[1], "calls") == 0) {
		if (argc != 4)
			return 2;
		n = atoi(argv[2]);
		argv++;
	}
	if (strcmp(argv[1], "socket") == 0)
		usleep(300000);
	if (strcmp(argv[1], "stop") == 0)
		raise(SIGSTOP);
	for (i = 0; i < n; i++) {
		close(socket(PF_INET, SOCK_STREAM, 0));
		usleep(200000);
	}
	s = socket(PF_INET, SOCK_STREAM, 0);
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = inet_addr("127.0.0.1");
	a.sin_port = htons((unsigned short)atoi(argv[2]));
	if (bind(s, (struct sockaddr *)&a, sizeof a) == -1 || listen(s, 5) == -1) {
		perror("bind/listen");
		return 1;
	}
	if (strcmp(argv[1], "listen") == 0)
		sleep(1);
	if (strcmp(argv[1], "long") == 0)
		sleep(8);
	if ((c = accept(s, NULL, NULL)) == -1) {
		perror("accept");
		return 1;
	}
	if (write(c, message, sizeof message - 1) == -1)
		perror("write");
	close(c);
	close(s);
	return 0;
}
