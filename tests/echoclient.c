/*
 * echoclient IP PORT MSG...: the book's echo client with its messages
 * given as arguments instead of typed: each is written, its echo read
 * back and printed.  Exits 3 when connect() fails.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUF_SIZE 1024

int main(int argc, char *argv[])
{
	int sock, i;
	char message[BUF_SIZE];
	ssize_t str_len, got, r;
	struct sockaddr_in serv_adr;

	if (argc < 3) {
		printf("Usage : %s <IP> <port> message...\n", argv[0]);
		return 1;
	}
	sock = socket(PF_INET, SOCK_STREAM, 0);
	memset(&serv_adr, 0, sizeof(serv_adr));
	serv_adr.sin_family = AF_INET;
	serv_adr.sin_addr.s_addr = inet_addr(argv[1]);
	serv_adr.sin_port = htons((unsigned short)atoi(argv[2]));
	if (connect(sock, (struct sockaddr *)&serv_adr, sizeof(serv_adr)) == -1) {
		perror("connect");
		return 3;
	}
	for (i = 3; i < argc; i++) {
		str_len = (ssize_t)strlen(argv[i]);
		if (write(sock, argv[i], (size_t)str_len) != str_len)
			return 1;
		/* The echo may come in pieces: read until all of it is back. */
		for (got = 0; got < str_len; got += r) {
			r = read(sock, message + got, (size_t)(str_len - got));
			if (r <= 0)
				return 1;
		}
		message[str_len] = 0;
		printf("Message from server: %s\n", message);
		fflush(stdout);
	}
	close(sock);
	return 0;
}
