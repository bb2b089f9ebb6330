/*
 * server_reuse for lesson 09 (restarting the server): the book's server
 * with one more call, setsockopt(SO_REUSEADDR) before bind(), so that it
 * can be started again at once on its port while the port's last
 * connection is in TIME-WAIT.  On Linux that holds only when the socket
 * the TIME-WAIT came from set SO_REUSEADDR too: so this server, not the
 * book's, runs first in the lesson.
 * Usage: server_reuse PORT
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
	int option = 1;

	if (argc != 2) {
		printf("Usage: %s <port>\n", argv[0]);
		exit(1);
	}

	serv_sock = socket(PF_INET, SOCK_STREAM, 0);
	if (serv_sock == -1)
		error_handling("socket() error");

	/* Before bind(): bind() may then take an address that only
	 * connections in TIME-WAIT still name. */
	if (setsockopt(serv_sock, SOL_SOCKET, SO_REUSEADDR, &option, sizeof(option)) == -1)
		error_handling("setsockopt() error");

	memset(&serv_addr, 0, sizeof(serv_addr));
	serv_addr.sin_family = AF_INET;
	serv_addr.sin_addr.s_addr = htonl(INADDR_ANY);
	serv_addr.sin_port = htons(atoi(argv[1]));

	if (bind(serv_sock, (struct sockaddr *)&serv_addr, sizeof(serv_addr)) == -1)
		error_handling("bind() error");

	if (listen(serv_sock, 5) == -1)
		error_handling("listen() error");

	clnt_addr_size = sizeof(clnt_addr);
	clnt_sock = accept(serv_sock, (struct sockaddr *)&clnt_addr, &clnt_addr_size);
	if (clnt_sock == -1)
		error_handling("accept() error");

	if (write(clnt_sock, message, sizeof(message) - 1) == -1)
		error_handling("write() error");
	close(clnt_sock);
	close(serv_sock);
	return 0;
}
