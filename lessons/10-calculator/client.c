/*
 * calculator client for lesson 10, in the style of the book's next
 * chapter: it reads the operands and the operator from the keyboard,
 * packs them into one buffer and sends it with ONE write():
 *
 *	1 byte		the operand count
 *	4 bytes each	the operands (int, this machine's byte order)
 *	1 byte		the operator: + - *
 *
 * then reads the 4-byte result.  TCP keeps no message boundaries: the
 * server must know from the count how many bytes make one request.
 * socket -> connect -> (prompts, scanf) -> write -> read -> close.
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
#define RLT_SIZE	4	/* the result: one int */
#define OPSZ		4	/* one operand: one int */

static void error_handling(const char *message)
{
	perror(message);
	exit(1);
}

/* A mistake in what was typed: no errno to show. */
static void input_error(const char *message)
{
	fprintf(stderr, "%s\n", message);
	exit(1);
}

int main(int argc, char *argv[])
{
	int sock;
	char opmsg[BUF_SIZE];
	int result, opnd_cnt, i;
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

	fputs("Operand count: ", stdout);
	/* The count travels in one byte: 1 to 255 operands fit, and the
	 * book's buffer holds (BUF_SIZE - 2) / OPSZ of them. */
	if (scanf("%d", &opnd_cnt) != 1 || opnd_cnt < 1 ||
	    opnd_cnt > (BUF_SIZE - 2) / OPSZ)
		input_error("bad operand count");
	opmsg[0] = (char)opnd_cnt;

	for (i = 0; i < opnd_cnt; i++) {
		printf("Operand %d: ", i + 1);
		if (scanf("%d", (int *)&opmsg[i * OPSZ + 1]) != 1)
			input_error("bad operand");
	}
	fputs("Operator: ", stdout);
	/* " %c" skips the newline left after the last operand. */
	if (scanf(" %c", &opmsg[opnd_cnt * OPSZ + 1]) != 1)
		input_error("no operator");

	/* One write() for the whole request: count, operands, operator. */
	if (write(sock, opmsg, opnd_cnt * OPSZ + 2) == -1)
		error_handling("write() error");
	/* One read() for the 4-byte result, as the book does: 4 bytes
	 * written at once arrive in one segment here; a careful client
	 * would loop on read() as the server does. */
	if (read(sock, &result, RLT_SIZE) == -1)
		error_handling("read() error");

	printf("Operation result: %d\n", result);
	close(sock);
	return 0;
}
