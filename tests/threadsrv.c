/*
 * threadsrv PORT: the thread-per-connection echo server of the book's
 * chapter 18: accept in the main thread, a thread per client that echoes
 * until the client closes.  Its threads are tasks of the server side.
 */
#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void *handle_clnt(void *arg)
{
	int clnt_sock = *(int *)arg;
	char msg[64];
	ssize_t str_len;

	free(arg);
	while ((str_len = read(clnt_sock, msg, sizeof(msg))) > 0)
		if (write(clnt_sock, msg, (size_t)str_len) != str_len)
			break;
	close(clnt_sock);
	return NULL;
}

int main(int argc, char *argv[])
{
	struct sockaddr_in serv_adr;
	pthread_t t_id;
	int serv_sock, *clnt;

	if (argc != 2) {
		printf("Usage: %s <port>\n", argv[0]);
		return 1;
	}
	serv_sock = socket(PF_INET, SOCK_STREAM, 0);
	memset(&serv_adr, 0, sizeof(serv_adr));
	serv_adr.sin_family = AF_INET;
	serv_adr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	serv_adr.sin_port = htons((unsigned short)atoi(argv[1]));
	if (bind(serv_sock, (struct sockaddr *)&serv_adr, sizeof(serv_adr)) == -1 ||
	    listen(serv_sock, 5) == -1) {
		perror("bind/listen");
		return 1;
	}
	for (;;) {
		clnt = malloc(sizeof *clnt);
		if (clnt == NULL || (*clnt = accept(serv_sock, NULL, NULL)) == -1)
			return 1;
		printf("Connected client %d\n", *clnt);
		fflush(stdout);
		pthread_create(&t_id, NULL, handle_clnt, clnt);
		pthread_detach(t_id);
	}
}
