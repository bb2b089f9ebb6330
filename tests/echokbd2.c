/*
 * echokbd2: an echo client in two threads, as the book's chapter 18
 * writes it: the main thread reads the keyboard and sends, a second
 * thread receives and prints.  "Q" or end-of-file: shutdown(SHUT_WR),
 * then the receiver ends when the server closes.  Usage: echokbd2 IP PORT
 * [threads]; with "threads" the keyboard is read by a thread of its own
 * too, as the book's chat_clnt.c does, and main only joins them.
 */
#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUF_SIZE	1024

static void *recv_msg(void *arg)
{
	int sock = *(int *)arg;
	char msg[BUF_SIZE];
	ssize_t n;

	while ((n = read(sock, msg, BUF_SIZE - 1)) > 0) {
		msg[n] = 0;
		printf("Message from server: %s", msg);
		fflush(stdout);
	}
	return NULL;
}

static void *send_msg(void *arg)
{
	int sock = *(int *)arg;
	char msg[BUF_SIZE];

	while (fgets(msg, BUF_SIZE, stdin) != NULL) {
		if (!strcmp(msg, "q\n") || !strcmp(msg, "Q\n"))
			break;
		write(sock, msg, strlen(msg));
	}
	shutdown(sock, SHUT_WR);
	return NULL;
}

int main(int argc, char *argv[])
{
	int sock;
	struct sockaddr_in serv_addr;
	pthread_t rcv, snd;

	if (argc != 3 && !(argc == 4 && !strcmp(argv[3], "threads"))) {
		printf("Usage : %s <IP> <port> [threads]\n", argv[0]);
		exit(1);
	}
	sock = socket(PF_INET, SOCK_STREAM, 0);
	memset(&serv_addr, 0, sizeof(serv_addr));
	serv_addr.sin_family = AF_INET;
	serv_addr.sin_addr.s_addr = inet_addr(argv[1]);
	serv_addr.sin_port = htons(atoi(argv[2]));
	if (connect(sock, (struct sockaddr *)&serv_addr, sizeof(serv_addr)) == -1) {
		perror("connect() error");
		exit(1);
	}
	pthread_create(&rcv, NULL, recv_msg, &sock);
	if (argc == 4) {
		pthread_create(&snd, NULL, send_msg, &sock);
		pthread_join(snd, NULL);
	} else
		send_msg(&sock);
	pthread_join(rcv, NULL);
	close(sock);
	return 0;
}
