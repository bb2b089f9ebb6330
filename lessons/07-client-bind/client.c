/*
 * client for lesson 07 (binding the client): the chapter's open question
 * "如何实现？" -- bind() before connect() fixes the client's own address:
 * socket -> bind -> connect -> read -> close.
 * No SO_REUSEADDR: while one socket holds MYPORT (on any address), another
 * bind() to it fails with EADDRINUSE.
 * Usage: client IP PORT MYPORT
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
	int sock;
	struct sockaddr_in serv_addr, my_addr;
	char message[30];
	ssize_t str_len;

	if (argc != 4) {
		printf("Usage: %s <IP> <port> <my port>\n", argv[0]);
		exit(1);
	}

	sock = socket(PF_INET, SOCK_STREAM, 0);
	if (sock == -1)
		error_handling("socket() error");

	/* The client's own address, like a server's: IP and port. */
	memset(&my_addr, 0, sizeof(my_addr));
	my_addr.sin_family = AF_INET;
	my_addr.sin_addr.s_addr = htonl(INADDR_ANY);
	my_addr.sin_port = htons(atoi(argv[3]));

	if (bind(sock, (struct sockaddr *)&my_addr, sizeof(my_addr)) == -1)
		error_handling("bind() error");

	memset(&serv_addr, 0, sizeof(serv_addr));
	serv_addr.sin_family = AF_INET;
	serv_addr.sin_addr.s_addr = inet_addr(argv[1]);
	serv_addr.sin_port = htons(atoi(argv[2]));

	/* The socket is bound already: connect() keeps that address. */
	if (connect(sock, (struct sockaddr *)&serv_addr, sizeof(serv_addr)) == -1)
		error_handling("connect() error");

	str_len = read(sock, message, sizeof(message) - 1);
	if (str_len == -1)
		error_handling("read() error");
	message[str_len] = 0;

	printf("Message from server: %s\n", message);
	close(sock);
	return 0;
}
