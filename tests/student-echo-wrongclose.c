/*
 * student-echo-wrongclose PORT: lesson 8's echo server that, done with
 * a client, closes the listening socket instead of the connected one:
 * the second client, waiting in the accept queue, is reset.
 * sockstep diff must name the socket and the consequence (issue 17 §3).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUF_SIZE	1024
#define CLIENTS		2

static void error_handling(const char *message)
{
	perror(message);
	exit(1);
}

int main(int argc, char *argv[])
{
	int serv_sock, clnt_sock, i;
	struct sockaddr_in serv_addr, clnt_addr;
	socklen_t clnt_addr_size;
	char message[BUF_SIZE];
	ssize_t str_len;

	if (argc < 2) {
		printf("Usage: %s <port>\n", argv[0]);
		exit(1);
	}

	serv_sock = socket(PF_INET, SOCK_STREAM, 0);
	if (serv_sock == -1)
		error_handling("socket() error");

	memset(&serv_addr, 0, sizeof(serv_addr));
	serv_addr.sin_family = AF_INET;
	serv_addr.sin_addr.s_addr = inet_addr("127.0.0.1");
	serv_addr.sin_port = htons(atoi(argv[1]));

	if (bind(serv_sock, (struct sockaddr *)&serv_addr, sizeof(serv_addr)) == -1)
		error_handling("bind() error");

	if (listen(serv_sock, 5) == -1)
		error_handling("listen() error");

	for (i = 0; i < CLIENTS; i++) {
		clnt_addr_size = sizeof(clnt_addr);
		clnt_sock = accept(serv_sock, (struct sockaddr *)&clnt_addr,
		    &clnt_addr_size);
		if (clnt_sock == -1)
			error_handling("accept() error");
		printf("Connected client %d\n", i + 1);

		/* 0 means end of stream: the client has closed its socket. */
		while ((str_len = read(clnt_sock, message, BUF_SIZE)) != 0) {
			if (str_len == -1)
				error_handling("read() error");
			if (write(clnt_sock, message, str_len) == -1)
				error_handling("write() error");
		}
		printf("client %d closed the connection\n", i + 1);
		close(serv_sock);	/* meant: close(clnt_sock) */
	}
	close(serv_sock);
	return 0;
}
