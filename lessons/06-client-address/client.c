/*
 * client for lesson 06 (where is the client's address?):
 * socket -> getsockname -> connect -> getsockname -> read -> close.
 * There is no bind(): the kernel gives the socket an address inside
 * connect(), the IP from the route to the server and a port from
 * net.ipv4.ip_local_port_range.  getsockname() before and after
 * connect() shows when that happens.
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
	struct sockaddr_in serv_addr, my_addr;
	socklen_t my_addr_size;
	char message[64];
	ssize_t str_len;

	if (argc != 3) {
		printf("Usage: %s <IP> <port>\n", argv[0]);
		exit(1);
	}

	sock = socket(PF_INET, SOCK_STREAM, 0);
	if (sock == -1)
		error_handling("socket() error");

	/* No bind(): what address does the socket have now? */
	my_addr_size = sizeof(my_addr);
	if (getsockname(sock, (struct sockaddr *)&my_addr, &my_addr_size) == -1)
		error_handling("getsockname() error");
	printf("before connect(): %s:%d\n", inet_ntoa(my_addr.sin_addr),
	    ntohs(my_addr.sin_port));

	memset(&serv_addr, 0, sizeof(serv_addr));
	serv_addr.sin_family = AF_INET;
	serv_addr.sin_addr.s_addr = inet_addr(argv[1]);
	serv_addr.sin_port = htons(atoi(argv[2]));

	if (connect(sock, (struct sockaddr *)&serv_addr, sizeof(serv_addr)) == -1)
		error_handling("connect() error");

	/* connect() has bound the socket: IP and port, chosen by the kernel. */
	my_addr_size = sizeof(my_addr);
	if (getsockname(sock, (struct sockaddr *)&my_addr, &my_addr_size) == -1)
		error_handling("getsockname() error");
	printf("after connect(): %s:%d\n", inet_ntoa(my_addr.sin_addr),
	    ntohs(my_addr.sin_port));

	str_len = read(sock, message, sizeof(message) - 1);
	if (str_len == -1)
		error_handling("read() error");
	message[str_len] = 0;

	printf("Message from server: %s\n", message);
	close(sock);
	return 0;
}
