/*
 * echo client for lesson 08, as the book writes it: it reads each
 * message from the keyboard, sends it, reads the echo and prints it,
 * and closes the socket at "Q" (or "q"):
 * socket -> connect -> (prompt, fgets, write -> read) ... -> close.
 * On screen the learner types (i); batch types the lesson's [input].
 * Usage: client IP PORT
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
	int sock;
	char message[BUF_SIZE];
	ssize_t str_len;
	struct sockaddr_in serv_adr;

	if (argc != 3) {
		printf("Usage : %s <IP> <port>\n", argv[0]);
		exit(1);
	}

	sock = socket(PF_INET, SOCK_STREAM, 0);
	if (sock == -1)
		error_handling("socket() error");

	memset(&serv_adr, 0, sizeof(serv_adr));
	serv_adr.sin_family = AF_INET;
	serv_adr.sin_addr.s_addr = inet_addr(argv[1]);
	serv_adr.sin_port = htons(atoi(argv[2]));

	if (connect(sock, (struct sockaddr *)&serv_adr, sizeof(serv_adr)) == -1)
		error_handling("connect() error!");
	else
		puts("Connected...........");

	while (1) {
		fputs("Input message(Q to quit): ", stdout);
		/* The book does not look at fgets' answer; at end of input
		 * (Ctrl-D) it would send the last message again. */
		if (fgets(message, BUF_SIZE, stdin) == NULL)
			break;

		if (!strcmp(message, "q\n") || !strcmp(message, "Q\n"))
			break;

		if (write(sock, message, strlen(message)) == -1)
			error_handling("write() error");
		str_len = read(sock, message, BUF_SIZE - 1);
		if (str_len == -1)
			error_handling("read() error");
		message[str_len] = 0;
		printf("Message from server: %s", message);
	}
	/* The server's read() returns 0 once this close()'s FIN arrives. */
	close(sock);
	return 0;
}
