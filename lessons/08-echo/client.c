/*
 * echo client for lesson 08: sends each message, reads the echo and
 * prints it, and closes the socket at "Q":
 * socket -> connect -> (write -> read) ... -> close.
 * The messages come from the command line, or are "Hello", "socket",
 * "Q" (no keyboard: the lab steps it).
 * Usage: client IP PORT [MESSAGE ...]
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUF_SIZE	1024

static void error_handling(const char *message)
{
	perror(message);
	exit(1);
}

int main(int argc, char *argv[])
{
	static char *builtin[] = { "Hello", "socket", "Q" };
	char **input;
	int sock, i, ninput;
	struct sockaddr_in serv_addr;
	char message[BUF_SIZE];
	ssize_t str_len;

	if (argc < 3) {
		printf("Usage: %s <IP> <port> [message ...]\n", argv[0]);
		exit(1);
	}
	if (argc > 3) {
		input = argv + 3;
		ninput = argc - 3;
	} else {
		input = builtin;
		ninput = sizeof(builtin) / sizeof(builtin[0]);
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

	for (i = 0; i < ninput; i++) {
		printf("Input message(Q to quit): %s\n", input[i]);
		if (!strcmp(input[i], "q") || !strcmp(input[i], "Q"))
			break;

		if (write(sock, input[i], strlen(input[i])) == -1)
			error_handling("write() error");
		str_len = read(sock, message, BUF_SIZE - 1);
		if (str_len == -1)
			error_handling("read() error");
		message[str_len] = 0;
		printf("Message from server: %s\n", message);
	}
	/* The server's read() returns 0 once this close()'s FIN arrives. */
	close(sock);
	return 0;
}
