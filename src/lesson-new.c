/*
 * lesson-new.c - `sockstep new-lesson NAME`: a lesson skeleton in the
 * current directory (issue 17 §1).  A server and a client in the
 * textbook's style (lesson 1's, with one read before the answer, so the
 * skeleton uses [input]) and a lesson.ini with every section explained
 * in comments, in both languages, that passes check-lesson as written
 * (tests/test_lesson_data.py checks that, from an installed sockstep).
 *
 * The files are here, in the program, not installed beside it: the
 * skeleton can never be missing or from another version.  One string
 * per line: ISO C does not promise string literals of 4 KiB.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lesson.h"

static const char *const new_lesson_ini[] = {
	"# @NAME@: a lesson of your own, written by 'sockstep new-lesson'.  Check it with",
	"#     sockstep check-lesson @NAME@",
	"# (it validates this file, builds server.c and client.c with cc -g -O0,",
	"# runs the guided order and evaluates every check), then follow it with",
	"#     sockstep lesson @NAME@",
	"# The format: [section], key = value, # comments, UTF-8.  A line that",
	"# begins with a space or a tab continues the value above it.  Every text",
	"# a learner reads has an .en and a .zh key.",
	"",
	"[lesson]",
	"# The title and the goal, shown at the top of the screen and in",
	"# 'sockstep lessons' (when this directory is on the lesson path).",
	"title.en = Hello, world: a server that reads before it writes",
	"title.zh = 你好，world：先读后写的服务端",
	"goal.en = Step the server to accept(), let the client send the name it was given, and watch the server read it and answer.",
	"goal.zh = 让服务端执行到 accept()，客户端发送输入的名字，观察服务端读取它并回答。",
	"# The commands.  A first word W is the program built from W.c beside",
	"# this file (else a program on PATH).  {port} is the lab's port, {ip}",
	"# the server's address, {port2} a second free port.",
	"server = server {port}",
	"client = client {ip} {port}",
	"# How many copies of the client run (client, client2 ... client9).",
	"clients = 1",
	"# The guided order that the space key and 'sockstep batch' follow:",
	"# s = a step of the server, c = of client 1 (c2 ... c9), s@bind = up to",
	"# and through the server's bind(), s+ = run until it blocks or exits,",
	"# s! = start the server again, s!NAME = start [programs] NAME instead.",
	"# Steps are numbered from 1: [predict] and [checks] refer to them.",
	"#  1-3: the server: socket, bind, listen;  4-5: the client: socket,",
	"#  connect;  6: accept;  7: the client writes the name [input] types;",
	"#  8-9: the server reads it and writes;  10-11: the client reads and",
	"#  closes;  12-13: the server closes both sockets.",
	"steps = s@socket s@bind s@listen c@socket c@connect s@accept c@write s@read s@write c@read c@close s@close s@close",
	"",
	"# [SIDE.]CALL.before.LANG is shown while CALL is pending, .after. once it",
	"# returned without an error.  SIDE: server, client (every client),",
	"# client2 ...; without it, any side.",
	"[narration]",
	"socket.before.en = socket() asks the kernel for a new endpoint; nothing is on the network yet.",
	"socket.before.zh = socket() 向内核申请一个新的通信端点；此时网络上还什么都没有。",
	"server.listen.after.en = The socket listens now: the kernel answers a client's SYN by itself.",
	"server.listen.after.zh = 套接字开始监听：内核会自己回应客户端的 SYN。",
	"client.connect.after.en = The handshake is done, although the server has not called accept(): the connection waits in the accept queue.",
	"client.connect.after.zh = 三次握手已经完成，尽管服务端还没有调用 accept()：连接在连接请求队列中等待。",
	"server.accept.after.en = accept() took the connection from the queue and returned a new socket for it.",
	"server.accept.after.zh = accept() 从队列中取出连接，并为它返回一个新的套接字。",
	"server.read.after.en = read() returned the bytes the client wrote: the name, without a newline.",
	"server.read.after.zh = read() 返回了客户端写入的字节：名字本身，不含换行符。",
	"",
	"# N.question, N.choices (a | b | c, up to 6), N.answer (1-based) and",
	"# N.explain: asked before guided step N.",
	"[predict]",
	"8.question.en = The client wrote \"world\" (5 bytes). What will the server's read() return?",
	"8.question.zh = 客户端写入了 \"world\"（5 个字节）。服务端的 read() 会返回什么？",
	"8.choices.en = 0 | 5 | -1, the data has not arrived yet",
	"8.choices.zh = 0 | 5 | -1，数据还没有到达",
	"8.answer = 2",
	"8.explain.en = write() returned once the kernel had the bytes; they wait in the server socket's receive queue, and read() takes all 5.",
	"8.explain.zh = write() 在内核收下这些字节后就返回了；它们在服务端套接字的接收队列中等待，read() 一次取走全部 5 个字节。",
	"",
	"# after N = EXPR is evaluated after guided step N, end = EXPR after the",
	"# last; each reads the kernel at that moment, or what the programs did.",
	"[checks]",
	"after 3 = sockets LISTEN = 1",
	"after 5 = client connect = 0",
	"after 5 = queue = 1",
	"after 6 = server accept >= 0",
	"after 6 = queue = 0",
	"after 8 = server read = 5",
	"after 10 = client read = 13",
	"end = client output \"Message from server: Hello, world!\"",
	"end = client is exited",
	"end = server is exited",
	"",
	"# SIDE = TEXT: a line typed into SIDE's terminal each time it waits for",
	"# input, in this order; end-of-file after the last.  On screen the",
	"# learner types instead (key i).",
	"[input]",
	"client = world",
	"",
	"# NAME = COMMAND: another program a step can start a side with (s!NAME),",
	"# for example the book's server beside a fixed one; a command as above.",
	"# [programs]",
	"# book = server_book {port}",
	NULL
};

static const char *const new_server_c[] = {
	"/*",
	" * hello server, as the textbook writes it: socket -> bind -> listen ->",
	" * accept -> read -> write -> close.  It reads a name from the client",
	" * and answers \"Hello, NAME!\".",
	" * Usage: server PORT",
	" */",
	"#include <arpa/inet.h>",
	"#include <stdio.h>",
	"#include <stdlib.h>",
	"#include <string.h>",
	"#include <sys/socket.h>",
	"#include <unistd.h>",
	"",
	"#define BUF_SIZE 64",
	"",
	"static void error_handling(const char *message)",
	"{",
	"\tperror(message);",
	"\texit(1);",
	"}",
	"",
	"int main(int argc, char *argv[])",
	"{",
	"\tint serv_sock, clnt_sock;",
	"\tstruct sockaddr_in serv_addr, clnt_addr;",
	"\tsocklen_t clnt_addr_size;",
	"\tchar name[BUF_SIZE], message[BUF_SIZE + 16];",
	"\tssize_t str_len;",
	"",
	"\tif (argc != 2) {",
	"\t\tprintf(\"Usage: %s <port>\\n\", argv[0]);",
	"\t\texit(1);",
	"\t}",
	"",
	"\tserv_sock = socket(PF_INET, SOCK_STREAM, 0);",
	"\tif (serv_sock == -1)",
	"\t\terror_handling(\"socket() error\");",
	"",
	"\tmemset(&serv_addr, 0, sizeof(serv_addr));",
	"\tserv_addr.sin_family = AF_INET;",
	"\tserv_addr.sin_addr.s_addr = htonl(INADDR_ANY);",
	"\tserv_addr.sin_port = htons(atoi(argv[1]));",
	"",
	"\tif (bind(serv_sock, (struct sockaddr *)&serv_addr, sizeof(serv_addr)) == -1)",
	"\t\terror_handling(\"bind() error\");",
	"",
	"\tif (listen(serv_sock, 5) == -1)",
	"\t\terror_handling(\"listen() error\");",
	"",
	"\tclnt_addr_size = sizeof(clnt_addr);",
	"\tclnt_sock = accept(serv_sock, (struct sockaddr *)&clnt_addr, &clnt_addr_size);",
	"\tif (clnt_sock == -1)",
	"\t\terror_handling(\"accept() error\");",
	"",
	"\tstr_len = read(clnt_sock, name, sizeof(name) - 1);",
	"\tif (str_len == -1)",
	"\t\terror_handling(\"read() error\");",
	"\tname[str_len] = 0;",
	"",
	"\tsnprintf(message, sizeof(message), \"Hello, %s!\", name);",
	"\tif (write(clnt_sock, message, strlen(message)) == -1)",
	"\t\terror_handling(\"write() error\");",
	"\tclose(clnt_sock);",
	"\tclose(serv_sock);",
	"\treturn 0;",
	"}",
	NULL
};

static const char *const new_client_c[] = {
	"/*",
	" * hello client, as the textbook writes it: socket -> connect -> write",
	" * -> read -> close.  It asks for a name on its terminal, sends it, and",
	" * prints the server's answer.",
	" * Usage: client IP PORT",
	" */",
	"#include <arpa/inet.h>",
	"#include <stdio.h>",
	"#include <stdlib.h>",
	"#include <string.h>",
	"#include <sys/socket.h>",
	"#include <unistd.h>",
	"",
	"#define BUF_SIZE 64",
	"",
	"static void error_handling(const char *message)",
	"{",
	"\tperror(message);",
	"\texit(1);",
	"}",
	"",
	"int main(int argc, char *argv[])",
	"{",
	"\tint sock;",
	"\tstruct sockaddr_in serv_addr;",
	"\tchar name[BUF_SIZE], message[BUF_SIZE + 16];",
	"\tssize_t str_len;",
	"",
	"\tif (argc != 3) {",
	"\t\tprintf(\"Usage: %s <IP> <port>\\n\", argv[0]);",
	"\t\texit(1);",
	"\t}",
	"",
	"\tsock = socket(PF_INET, SOCK_STREAM, 0);",
	"\tif (sock == -1)",
	"\t\terror_handling(\"socket() error\");",
	"",
	"\tmemset(&serv_addr, 0, sizeof(serv_addr));",
	"\tserv_addr.sin_family = AF_INET;",
	"\tserv_addr.sin_addr.s_addr = inet_addr(argv[1]);",
	"\tserv_addr.sin_port = htons(atoi(argv[2]));",
	"",
	"\tif (connect(sock, (struct sockaddr *)&serv_addr, sizeof(serv_addr)) == -1)",
	"\t\terror_handling(\"connect() error\");",
	"",
	"\tfputs(\"Your name: \", stdout);",
	"\tfflush(stdout);",
	"\tif (fgets(name, sizeof(name), stdin) == NULL)",
	"\t\tstrcpy(name, \"nobody\");",
	"\tname[strcspn(name, \"\\n\")] = 0;",
	"",
	"\tif (write(sock, name, strlen(name)) == -1)",
	"\t\terror_handling(\"write() error\");",
	"",
	"\tstr_len = read(sock, message, sizeof(message) - 1);",
	"\tif (str_len == -1)",
	"\t\terror_handling(\"read() error\");",
	"\tmessage[str_len] = 0;",
	"",
	"\tprintf(\"Message from server: %s\\n\", message);",
	"\tclose(sock);",
	"\treturn 0;",
	"}",
	NULL
};
static const struct {
	const char		*name;
	const char *const	*lines;
} new_files[] = {
	{ "lesson.ini", new_lesson_ini },
	{ "server.c", new_server_c },
	{ "client.c", new_client_c },
};

/* A lesson's name: a directory here, in letters, digits, '.', '_', '-'. */
static bool
new_name_ok(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789._-");

	return n > 0 && n <= 64 && s[n] == '\0' && s[0] != '.' && s[0] != '-';
}

/* The lines, with @NAME@ the lesson's name; written whole or not at
 * all, in the directory just made. */
static int
new_write(const char *dir, const char *file, const char *const *lines,
    char *err, size_t errlen)
{
	struct sbuf text;
	const char *p, *at;
	char *path;
	int rc;

	sbuf_init(&text);
	for (; *lines != NULL; lines++) {
		for (p = *lines; (at = strstr(p, "@NAME@")) != NULL; p = at + 6) {
			sbuf_addn(&text, p, (size_t)(at - p));
			sbuf_add(&text, dir);
		}
		sbuf_add(&text, p);
		sbuf_addc(&text, '\n');
	}
	xasprintf(&path, "%s/%s", dir, file);
	rc = atomic_write(path, sbuf_str(&text), strlen(sbuf_str(&text)),
	    0644, err, errlen);
	free(path);
	sbuf_finish(&text);
	return rc;
}

int
lesson_new(const char *name, char *err, size_t errlen)
{
	size_t i;

	if (!new_name_ok(name)) {
		snprintf(err, errlen, _("new-lesson: '%s': a lesson's name is "
		    "a directory here, of letters, digits, '.', '_' and '-'"),
		    name);
		return -1;
	}
	if (mkdir(name, 0755) == -1) {
		snprintf(err, errlen, errno == EEXIST ? _("new-lesson: %s is "
		    "there already: choose another name") : "new-lesson: %s: %s",
		    name, strerror(errno));
		return -1;
	}
	for (i = 0; i < sizeof new_files / sizeof new_files[0]; i++)
		if (new_write(name, new_files[i].name, new_files[i].lines, err,
		    errlen) == -1)
			return -1;
	return 0;
}
