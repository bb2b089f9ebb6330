/*
 * client for lesson 05 (backlog): the hello client,
 * socket -> connect -> read -> close, started five times.
 * When the server's accept queue is full, the kernel drops this client's
 * connection request (SYN) and connect() waits.  The client's kernel sends
 * the SYN again a second later, and again (net.ipv4.tcp_syn_retries,
 * tcp_syn_linear_timeouts); the first one sent after accept() has made
 * room gets in, and connect() returns.
 * Usage: client IP PORT
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
	struct sockaddr_in serv_addr;
	char message[30];
	ssize_t str_len;

	if (argc != 3) {
		printf("Usage: %s <IP> <port>\n", argv[0]);
		exit(1);
	}

	sock = socket(PF_INET, SOCK_STREAM, 0);
	if (sock == -1)
		error_handling("socket() error");

	memset(&serv_addr, 0, sizeof(serv_addr));
	serv_addr.sin_family = AF_INET;
	serv_addr.sin_addr.s_addr = inet_addr(argv[1]);
	serv_addr.sin_port = htons(atoi(argv[2]));

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
