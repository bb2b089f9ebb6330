/*
 * forkecho PORT [N]: the fork-per-connection echo server of the book
 * (echo_mpserv.c): the parent accepts and closes the connected socket,
 * each child closes the listening socket and echoes until its client
 * closes.  Serves N clients (default 2), then waits for its children.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define BUF_SIZE 30

int main(int argc, char *argv[])
{
	int serv_sock, clnt_sock, i, n;
	struct sockaddr_in serv_adr;
	char buf[BUF_SIZE];
	ssize_t str_len;
	pid_t pid;

	if (argc < 2) {
		printf("Usage : %s <port> [clients]\n", argv[0]);
		return 1;
	}
	n = argc > 2 ? atoi(argv[2]) : 2;
	serv_sock = socket(PF_INET, SOCK_STREAM, 0);
	memset(&serv_adr, 0, sizeof(serv_adr));
	serv_adr.sin_family = AF_INET;
	serv_adr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	serv_adr.sin_port = htons((unsigned short)atoi(argv[1]));
	if (bind(serv_sock, (struct sockaddr *)&serv_adr, sizeof(serv_adr)) == -1 ||
	    listen(serv_sock, 5) == -1) {
		perror("bind/listen");
		return 1;
	}
	for (i = 0; i < n; i++) {
		clnt_sock = accept(serv_sock, NULL, NULL);
		if (clnt_sock == -1)
			continue;
		puts("new client connected...");
		fflush(stdout);
		pid = fork();
		if (pid == -1) {
			close(clnt_sock);
			continue;
		}
		if (pid == 0) {
			close(serv_sock);
			while ((str_len = read(clnt_sock, buf, BUF_SIZE)) > 0)
				if (write(clnt_sock, buf, (size_t)str_len) != str_len)
					break;
			close(clnt_sock);
			puts("client disconnected...");
			return 0;
		}
		close(clnt_sock);
	}
	while (wait(NULL) > 0)
		;
	close(serv_sock);
	return 0;
}
