/*
 * echosrv: an iterative echo server that serves one client, then ends:
 * socket -> bind -> listen -> accept -> (read -> write) ... -> close.
 * Usage: echosrv PORT
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUF_SIZE	1024

int main(int argc, char *argv[])
{
	int serv_sock, clnt_sock, one = 1;
	struct sockaddr_in serv_adr;
	char message[BUF_SIZE];
	ssize_t str_len;

	if (argc != 2) {
		printf("Usage : %s <port>\n", argv[0]);
		exit(1);
	}
	serv_sock = socket(PF_INET, SOCK_STREAM, 0);
	setsockopt(serv_sock, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&serv_adr, 0, sizeof(serv_adr));
	serv_adr.sin_family = AF_INET;
	serv_adr.sin_addr.s_addr = inet_addr("127.0.0.1");
	serv_adr.sin_port = htons(atoi(argv[1]));
	if (bind(serv_sock, (struct sockaddr *)&serv_adr, sizeof(serv_adr)) == -1 ||
	    listen(serv_sock, 5) == -1) {
		perror("bind/listen");
		exit(1);
	}
	clnt_sock = accept(serv_sock, NULL, NULL);
	if (clnt_sock == -1) {
		perror("accept");
		exit(1);
	}
	while ((str_len = read(clnt_sock, message, BUF_SIZE)) > 0)
		write(clnt_sock, message, str_len);
	puts("client closed the connection");
	close(clnt_sock);
	close(serv_sock);
	return 0;
}
