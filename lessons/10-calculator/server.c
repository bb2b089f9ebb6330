/*
 * calculator server for lesson 10, in the style of the book's next
 * chapter.  A request is 1 byte of operand count, 4 bytes per operand
 * and 1 byte of operator, sent by the client with one write().  TCP
 * keeps no message boundaries, so the server reads what it knows it
 * needs: first the count with read(..., 1), one byte of that write;
 * then it reads until count * OPSZ + 1 bytes have come, however many
 * read()s that takes.  It answers with the 4-byte result:
 * socket -> bind -> listen -> (accept -> read(1) -> read ... -> write
 * -> close) x CLIENTS -> close.
 * Usage: server PORT
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUF_SIZE	1024
#define OPSZ		4	/* one operand: one int */
#define CLIENTS		1	/* the book serves 5; the lesson needs one */

static void error_handling(const char *message)
{
	perror(message);
	exit(1);
}

static int calculate(int opnum, const int opnds[], char op)
{
	int result = opnds[0], i;

	switch (op) {
	case '+':
		for (i = 1; i < opnum; i++)
			result += opnds[i];
		break;
	case '-':
		for (i = 1; i < opnum; i++)
			result -= opnds[i];
		break;
	case '*':
		for (i = 1; i < opnum; i++)
			result *= opnds[i];
		break;
	}
	return result;
}

int main(int argc, char *argv[])
{
	int serv_sock, clnt_sock;
	char opinfo[BUF_SIZE];
	int result, opnd_cnt, i;
	ssize_t recv_cnt;
	int recv_len;
	struct sockaddr_in serv_adr, clnt_adr;
	socklen_t clnt_adr_sz;

	if (argc != 2) {
		printf("Usage : %s <port>\n", argv[0]);
		exit(1);
	}

	serv_sock = socket(PF_INET, SOCK_STREAM, 0);
	if (serv_sock == -1)
		error_handling("socket() error");

	memset(&serv_adr, 0, sizeof(serv_adr));
	serv_adr.sin_family = AF_INET;
	serv_adr.sin_addr.s_addr = htonl(INADDR_ANY);
	serv_adr.sin_port = htons(atoi(argv[1]));

	if (bind(serv_sock, (struct sockaddr *)&serv_adr, sizeof(serv_adr)) == -1)
		error_handling("bind() error");
	if (listen(serv_sock, 5) == -1)
		error_handling("listen() error");

	for (i = 0; i < CLIENTS; i++) {
		clnt_adr_sz = sizeof(clnt_adr);
		clnt_sock = accept(serv_sock, (struct sockaddr *)&clnt_adr,
		    &clnt_adr_sz);
		if (clnt_sock == -1)
			error_handling("accept() error");
		printf("Connected client %d\n", i + 1);

		/* The count: one byte, whatever else has arrived.  opnd_cnt
		 * is zeroed first, as the byte fills only its lowest byte
		 * (on this little-endian machine). */
		opnd_cnt = 0;
		if (read(clnt_sock, &opnd_cnt, 1) != 1)
			error_handling("read() error");

		/* The operands and the operator: read until they are all
		 * here, one read() or many. */
		recv_len = 0;
		while (opnd_cnt * OPSZ + 1 > recv_len) {
			recv_cnt = read(clnt_sock, &opinfo[recv_len],
			    BUF_SIZE - 1 - recv_len);
			if (recv_cnt == -1)
				error_handling("read() error");
			if (recv_cnt == 0) {
				fputs("client closed before its request was "
				    "complete\n", stderr);
				exit(1);
			}
			recv_len += recv_cnt;
		}

		result = calculate(opnd_cnt, (int *)opinfo,
		    opinfo[recv_len - 1]);
		printf("client %d: %d operands, operator %c, result %d\n",
		    i + 1, opnd_cnt, opinfo[recv_len - 1], result);
		if (write(clnt_sock, (char *)&result, sizeof(result)) == -1)
			error_handling("write() error");
		close(clnt_sock);
	}
	close(serv_sock);
	return 0;
}
