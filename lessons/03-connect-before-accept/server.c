/*
 * server for lesson 03 (connect before accept):
 * socket -> bind -> listen -> accept -> read -> write -> close.
 * A client may connect, and even send, before this server calls
 * accept(): the kernel completes the connection and keeps it, with the
 * bytes, in the listening socket's accept queue.  accept() then only
 * takes it out.
 * Usage: server PORT
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void error_handling(const char *message)
{
	perror(message);
	exit(1);
}

int main(int argc, char *argv[])
{
	int serv_sock, clnt_sock;
	struct sockaddr_in serv_addr, clnt_addr;
	socklen_t clnt_addr_size;
	char message[] = "Hello World!";
	char buf[30];
	ssize_t str_len;

	if (argc != 2) {
		printf("Usage: %s <port>\n", argv[0]);
		exit(1);
	}

	serv_sock = socket(PF_INET, SOCK_STREAM, 0);
	if (serv_sock == -1)
		error_handling("socket() error");

	memset(&serv_addr, 0, sizeof(serv_addr));
	serv_addr.sin_family = AF_INET;
	serv_addr.sin_addr.s_addr = htonl(INADDR_ANY);
	serv_addr.sin_port = htons(atoi(argv[1]));

	if (bind(serv_sock, (struct sockaddr *)&serv_addr, sizeof(serv_addr)) == -1)
		error_handling("bind() error");

	if (listen(serv_sock, 5) == -1)
		error_handling("listen() error");

	/* A connection already in the accept queue: returns at once. */
	clnt_addr_size = sizeof(clnt_addr);
	clnt_sock = accept(serv_sock, (struct sockaddr *)&clnt_addr, &clnt_addr_size);
	if (clnt_sock == -1)
		error_handling("accept() error");

	/* What the client sent before accept() is waiting here. */
	str_len = read(clnt_sock, buf, sizeof(buf) - 1);
	if (str_len == -1)
		error_handling("read() error");
	buf[str_len] = 0;
	printf("Message from client: %s\n", buf);

	if (write(clnt_sock, message, sizeof(message) - 1) == -1)
		error_handling("write() error");
	close(clnt_sock);
	close(serv_sock);
	return 0;
}
