/*
 * syscall-table.c - the system calls sockstep stops at, one row each
 * (strace's syscallent habit): argument kinds for the decoder, the
 * flowchart stage, and one line each language telling the student what
 * the call does and what to look at in the kernel view.
 */
#include <sys/syscall.h>

#include <string.h>

#include "model.h"

static const struct sc_desc sc_table[] = {
	{
		.nr = __NR_socket,
		.name = "socket",
		.nargs = 3,
		.arg = { SA_DOMAIN, SA_SOCKTYPE, SA_PROTOCOL },
		.flags = SCF_RET_FD,
		.stage = STAGE_SOCKET,
		.explain_en = "create an endpoint; watch a new fd appear, with no address yet",
		.explain_zh = "创建通信端点；观察新 fd 出现，此时还没有地址",
	},
	{
		.nr = __NR_bind,
		.name = "bind",
		.nargs = 3,
		.arg = { SA_FD, SA_SOCKADDR_IN, SA_SOCKLEN },
		.flags = SCF_FD0,
		.stage = STAGE_BIND,
		.explain_en = "give the socket a local address; watch the port become taken",
		.explain_zh = "给套接字分配本地地址；观察端口被占用",
	},
	{
		.nr = __NR_listen,
		.name = "listen",
		.nargs = 2,
		.arg = { SA_FD, SA_INT },
		.flags = SCF_FD0,
		.stage = STAGE_LISTEN,
		.explain_en = "make the socket a listener; watch the accept queue appear (0/backlog)",
		.explain_zh = "把套接字变为监听状态；观察接受队列出现（0/backlog）",
	},
	{
		.nr = __NR_accept,
		.name = "accept",
		.nargs = 3,
		.arg = { SA_FD, SA_SOCKADDR_OUT, SA_SOCKLEN_PTR },
		.flags = SCF_FD0 | SCF_RET_FD,
		.stage = STAGE_ACCEPT,
		.explain_en = "take one connection off the queue; blocks while the queue is empty",
		.explain_zh = "从接受队列取出一个连接；队列为空时阻塞",
	},
	{
		.nr = __NR_accept4,
		.name = "accept4",
		.nargs = 4,
		.arg = { SA_FD, SA_SOCKADDR_OUT, SA_SOCKLEN_PTR,
		    SA_ACCEPT_FLAGS },
		.flags = SCF_FD0 | SCF_RET_FD,
		.stage = STAGE_ACCEPT,
		.explain_en = "accept, setting flags on the new fd; watch the queue shrink by one",
		.explain_zh = "accept 并给新 fd 设置标志；观察接受队列减少一个",
	},
	{
		.nr = __NR_connect,
		.name = "connect",
		.nargs = 3,
		.arg = { SA_FD, SA_SOCKADDR_IN, SA_SOCKLEN },
		.flags = SCF_FD0,
		.stage = STAGE_CONNECT,
		.explain_en = "start the three-way handshake; watch SYN-SENT become ESTABLISHED",
		.explain_zh = "发起三次握手；观察 SYN-SENT 变为 ESTABLISHED",
	},
	{
		.nr = __NR_read,
		.name = "read",
		.nargs = 3,
		.arg = { SA_FD, SA_BUF_OUT, SA_SIZE },
		.flags = SCF_FD0 | SCF_DATA,
		.stage = STAGE_RW,
		.explain_en = "take bytes from the receive queue; blocks while it is empty",
		.explain_zh = "从接收队列取数据；队列为空时阻塞",
	},
	{
		.nr = __NR_write,
		.name = "write",
		.nargs = 3,
		.arg = { SA_FD, SA_BUF_IN, SA_SIZE },
		.flags = SCF_FD0 | SCF_DATA,
		.stage = STAGE_RW,
		.explain_en = "copy bytes to the send queue; returns before the peer reads them",
		.explain_zh = "把数据复制到发送队列；不等对端读取就返回",
	},
	{
		.nr = __NR_recvfrom,
		.name = "recvfrom",
		.nargs = 6,
		.arg = { SA_FD, SA_BUF_OUT, SA_SIZE, SA_MSG_FLAGS,
		    SA_SOCKADDR_OUT, SA_SOCKLEN_PTR },
		.flags = SCF_FD0 | SCF_DATA,
		.stage = STAGE_RW,
		.explain_en = "read with flags, and the sender's address; watch Recv-Q drain",
		.explain_zh = "带标志读取并取得发送方地址；观察接收队列减少",
	},
	{
		.nr = __NR_sendto,
		.name = "sendto",
		.nargs = 6,
		.arg = { SA_FD, SA_BUF_IN, SA_SIZE, SA_MSG_FLAGS,
		    SA_SOCKADDR_IN, SA_SOCKLEN },
		.flags = SCF_FD0 | SCF_DATA,
		.stage = STAGE_RW,
		.explain_en = "write with flags (and an address for UDP); watch Send-Q grow",
		.explain_zh = "带标志写出（UDP 可带地址）；观察发送队列增长",
	},
	{
		.nr = __NR_recvmsg,
		.name = "recvmsg",
		.nargs = 3,
		.arg = { SA_FD, SA_MSGHDR_OUT, SA_MSG_FLAGS },
		.flags = SCF_FD0 | SCF_DATA,
		.stage = STAGE_RW,
		.explain_en = "read into several buffers at once; watch Recv-Q drain",
		.explain_zh = "一次读入多个缓冲区；观察接收队列减少",
	},
	{
		.nr = __NR_sendmsg,
		.name = "sendmsg",
		.nargs = 3,
		.arg = { SA_FD, SA_MSGHDR_IN, SA_MSG_FLAGS },
		.flags = SCF_FD0,
		.stage = STAGE_RW,
		.explain_en = "write several buffers as one message; watch Send-Q grow",
		.explain_zh = "把多个缓冲区作为一条消息写出；观察发送队列增长",
	},
	{
		.nr = __NR_shutdown,
		.name = "shutdown",
		.nargs = 2,
		.arg = { SA_FD, SA_SHUT_HOW },
		.flags = SCF_FD0,
		.stage = STAGE_CLOSE,
		.explain_en = "close one direction; SHUT_WR sends FIN while the fd stays open",
		.explain_zh = "关闭一个方向；SHUT_WR 发出 FIN，但 fd 仍然打开",
	},
	{
		.nr = __NR_close,
		.name = "close",
		.nargs = 1,
		.arg = { SA_FD },
		.flags = SCF_FD0,
		.stage = STAGE_CLOSE,
		.explain_en = "drop the fd; the last close sends FIN, the first closer gets TIME-WAIT",
		.explain_zh = "释放 fd；最后一次 close 发出 FIN，先关闭的一方进入 TIME-WAIT",
	},
	{
		.nr = __NR_getsockname,
		.name = "getsockname",
		.nargs = 3,
		.arg = { SA_FD, SA_SOCKADDR_OUT, SA_SOCKLEN_PTR },
		.flags = SCF_FD0 | SCF_DATA,
		.stage = STAGE_NONE,
		.explain_en = "ask for the local address; shows the port the kernel picked",
		.explain_zh = "查询本地地址；可看到内核选定的端口",
	},
	{
		.nr = __NR_getpeername,
		.name = "getpeername",
		.nargs = 3,
		.arg = { SA_FD, SA_SOCKADDR_OUT, SA_SOCKLEN_PTR },
		.flags = SCF_FD0 | SCF_DATA,
		.stage = STAGE_NONE,
		.explain_en = "ask who is at the other end; ENOTCONN until connected",
		.explain_zh = "查询对端地址；连接建立前返回 ENOTCONN",
	},
	{
		.nr = __NR_setsockopt,
		.name = "setsockopt",
		.nargs = 5,
		.arg = { SA_FD, SA_SOCKOPT_LEVEL, SA_SOCKOPT_NAME,
		    SA_SOCKOPT_VAL_IN, SA_SOCKLEN },
		.flags = SCF_FD0,
		.stage = STAGE_SOCKET,
		.explain_en = "set an option; SO_REUSEADDR lets bind ignore TIME-WAIT leftovers",
		.explain_zh = "设置选项；SO_REUSEADDR 让 bind 不受 TIME-WAIT 残留影响",
	},
	{
		.nr = __NR_getsockopt,
		.name = "getsockopt",
		.nargs = 5,
		.arg = { SA_FD, SA_SOCKOPT_LEVEL, SA_SOCKOPT_NAME,
		    SA_SOCKOPT_VAL_OUT, SA_SOCKLEN_PTR },
		.flags = SCF_FD0 | SCF_DATA,
		.stage = STAGE_NONE,
		.explain_en = "read an option; SO_ERROR tells how a non-blocking connect ended",
		.explain_zh = "读取选项；SO_ERROR 给出非阻塞 connect 的结果",
	},
	/* Waiting for several fds at once: pause only when one is a socket. */
#ifdef __NR_poll
	{
		.nr = __NR_poll,
		.name = "poll",
		.nargs = 3,
		.arg = { SA_POLLFDS, SA_NFDS, SA_INT },
		.flags = SCF_FDLIST | SCF_DATA,
		.stage = STAGE_NONE,
		.explain_en = "wait until one of the fds is ready; revents tells which",
		.explain_zh = "等待其中某个 fd 就绪；revents 说明是哪一个",
	},
#endif
	{
		.nr = __NR_ppoll,
		.name = "ppoll",
		.nargs = 5,
		.arg = { SA_POLLFDS, SA_NFDS, SA_TIMESPEC, SA_PTR, SA_SIZE },
		.flags = SCF_FDLIST | SCF_DATA,
		.stage = STAGE_NONE,
		.explain_en = "wait until one of the fds is ready; revents tells which",
		.explain_zh = "等待其中某个 fd 就绪；revents 说明是哪一个",
	},
#ifdef __NR_select
	{
		.nr = __NR_select,
		.name = "select",
		.nargs = 5,
		.arg = { SA_INT, SA_FDSET, SA_FDSET, SA_FDSET, SA_TIMEVAL },
		.flags = SCF_FDLIST | SCF_DATA,
		.stage = STAGE_NONE,
		.explain_en = "wait for fds to be readable or writable; only the ready ones come back",
		.explain_zh = "等待 fd 可读或可写；返回时集合里只剩就绪的 fd",
	},
#endif
	{
		.nr = __NR_pselect6,
		.name = "pselect6",
		.nargs = 6,
		.arg = { SA_INT, SA_FDSET, SA_FDSET, SA_FDSET, SA_TIMESPEC,
		    SA_PTR },
		.flags = SCF_FDLIST | SCF_DATA,
		.stage = STAGE_NONE,
		.explain_en = "wait for fds to be readable or writable; only the ready ones come back",
		.explain_zh = "等待 fd 可读或可写；返回时集合里只剩就绪的 fd",
	},
#ifdef __NR_epoll_wait
	{
		.nr = __NR_epoll_wait,
		.name = "epoll_wait",
		.nargs = 4,
		.arg = { SA_FD, SA_EPOLL_EVENTS, SA_INT, SA_INT },
		.flags = SCF_EPOLL | SCF_DATA,
		.stage = STAGE_NONE,
		.explain_en = "wait for events on the sockets the epoll set watches",
		.explain_zh = "等待 epoll 集合所监视的套接字上的事件",
	},
#endif
	{
		.nr = __NR_epoll_pwait,
		.name = "epoll_pwait",
		.nargs = 6,
		.arg = { SA_FD, SA_EPOLL_EVENTS, SA_INT, SA_INT, SA_PTR,
		    SA_SIZE },
		.flags = SCF_EPOLL | SCF_DATA,
		.stage = STAGE_NONE,
		.explain_en = "wait for events on the sockets the epoll set watches",
		.explain_zh = "等待 epoll 集合所监视的套接字上的事件",
	},
#ifdef __NR_epoll_pwait2
	{
		.nr = __NR_epoll_pwait2,
		.name = "epoll_pwait2",
		.nargs = 6,
		.arg = { SA_FD, SA_EPOLL_EVENTS, SA_INT, SA_TIMESPEC, SA_PTR,
		    SA_SIZE },
		.flags = SCF_EPOLL | SCF_DATA,
		.stage = STAGE_NONE,
		.explain_en = "wait for events on the sockets the epoll set watches",
		.explain_zh = "等待 epoll 集合所监视的套接字上的事件",
	},
#endif
	{
		.nr = __NR_epoll_ctl,
		.name = "epoll_ctl",
		.nargs = 4,
		.arg = { SA_FD, SA_EPOLL_OP, SA_FD, SA_EPOLL_EVENT_IN },
		.flags = SCF_FD2,
		.stage = STAGE_NONE,
		.explain_en = "add a socket to an epoll set (or change, remove it)",
		.explain_zh = "把套接字加入 epoll 集合（或修改、删除）",
	},
	/* Another fd for the same socket: the kernel view shows both. */
	{
		.nr = __NR_dup,
		.name = "dup",
		.nargs = 1,
		.arg = { SA_FD },
		.flags = SCF_FD0 | SCF_RET_FD,
		.stage = STAGE_NONE,
		.explain_en = "a second fd for the same socket; it stays open until both are closed",
		.explain_zh = "同一个套接字的第二个 fd；两个都关闭后套接字才释放",
	},
#ifdef __NR_dup2
	{
		.nr = __NR_dup2,
		.name = "dup2",
		.nargs = 2,
		.arg = { SA_FD, SA_FD },
		.flags = SCF_FD0 | SCF_RET_FD,
		.stage = STAGE_NONE,
		.explain_en = "make newfd refer to the socket (closing what it was)",
		.explain_zh = "让 newfd 指向这个套接字（先关闭它原来指向的）",
	},
#endif
	{
		.nr = __NR_dup3,
		.name = "dup3",
		.nargs = 3,
		.arg = { SA_FD, SA_FD, SA_DUP_FLAGS },
		.flags = SCF_FD0 | SCF_RET_FD,
		.stage = STAGE_NONE,
		.explain_en = "make newfd refer to the socket (closing what it was)",
		.explain_zh = "让 newfd 指向这个套接字（先关闭它原来指向的）",
	},
	{
		.nr = __NR_fcntl,
		.name = "fcntl",
		.nargs = 3,
		.arg = { SA_FD, SA_FCNTL_CMD, SA_FCNTL_ARG },
		.flags = SCF_FD0,
		.stage = STAGE_SOCKET,
		.explain_en = "set fd flags; with O_NONBLOCK connect, accept, read never wait",
		.explain_zh = "修改 fd 的标志；O_NONBLOCK 让 connect、accept、read 立即返回",
	},
	/*
	 * The other doors bytes go through (issue 19): without these rows a
	 * read() got bytes the transcript never showed being sent.  Rows
	 * are added at the end so the fuzzer's seeds keep their rows.
	 */
	{
		.nr = __NR_readv,
		.name = "readv",
		.nargs = 3,
		.arg = { SA_FD, SA_IOV_OUT, SA_INT },
		.flags = SCF_FD0 | SCF_DATA,
		.stage = STAGE_RW,
		.explain_en = "read into several buffers in turn; blocks while Recv-Q is empty",
		.explain_zh = "依次读入多个缓冲区；接收队列为空时阻塞",
	},
	{
		.nr = __NR_writev,
		.name = "writev",
		.nargs = 3,
		.arg = { SA_FD, SA_IOV_IN, SA_INT },
		.flags = SCF_FD0 | SCF_DATA,
		.stage = STAGE_RW,
		.explain_en = "write several buffers as one stream of bytes; watch Send-Q grow",
		.explain_zh = "把多个缓冲区作为一段字节流写出；观察发送队列增长",
	},
	{
		.nr = __NR_recvmmsg,
		.name = "recvmmsg",
		.nargs = 5,
		.arg = { SA_FD, SA_MMSGHDR_OUT, SA_UINT, SA_MSG_FLAGS,
		    SA_TIMESPEC },
		.flags = SCF_FD0 | SCF_DATA,
		.stage = STAGE_RW,
		.explain_en = "several recvmsg calls in one; returns how many messages came",
		.explain_zh = "一次完成多个 recvmsg；返回收到的消息个数",
	},
	/* Not SCF_DATA, like sendmsg: a message may carry an address. */
	{
		.nr = __NR_sendmmsg,
		.name = "sendmmsg",
		.nargs = 4,
		.arg = { SA_FD, SA_MMSGHDR_IN, SA_UINT, SA_MSG_FLAGS },
		.flags = SCF_FD0,
		.stage = STAGE_RW,
		.explain_en = "several sendmsg calls in one; returns how many messages went",
		.explain_zh = "一次完成多个 sendmsg；返回发出的消息个数",
	},
	{
		.nr = __NR_socketpair,
		.name = "socketpair",
		.nargs = 4,
		.arg = { SA_DOMAIN, SA_SOCKTYPE, SA_PROTOCOL, SA_FDPAIR },
		.flags = SCF_RET_FDPAIR,
		.stage = STAGE_SOCKET,
		.explain_en = "two sockets already connected to each other, no address needed",
		.explain_zh = "创建一对已互相连接的套接字，不需要地址",
	},
	/* From a file (or a pipe) straight into the socket, no user buffer. */
	{
		.nr = __NR_sendfile,
		.name = "sendfile",
		.nargs = 4,
		.arg = { SA_FD, SA_FD, SA_LOFF_PTR, SA_SIZE },
		.flags = SCF_FD0 | SCF_FD1 | SCF_DATA,
		.stage = STAGE_RW,
		.explain_en = "the kernel copies a file into the socket; watch Send-Q grow",
		.explain_zh = "内核把文件内容直接送入套接字；观察发送队列增长",
	},
	{
		.nr = __NR_splice,
		.name = "splice",
		.nargs = 6,
		.arg = { SA_FD, SA_LOFF_PTR, SA_FD, SA_LOFF_PTR, SA_SIZE,
		    SA_SPLICE_FLAGS },
		.flags = SCF_FD0 | SCF_FD2 | SCF_DATA,
		.stage = STAGE_RW,
		.explain_en = "move bytes between a pipe and a socket inside the kernel",
		.explain_zh = "在内核中把字节在管道和套接字之间搬运",
	},
};

#define SC_NTABLE	(sizeof(sc_table) / sizeof(sc_table[0]))

/* Under forty rows: a loop is as fast as anything cleverer and cannot rot. */
const struct sc_desc *
sc_lookup(long nr)
{
	size_t i;

	for (i = 0; i < SC_NTABLE; i++) {
		if (sc_table[i].nr == nr)
			return &sc_table[i];
	}
	return NULL;
}

const struct sc_desc *
sc_lookup_name(const char *name)
{
	size_t i;

	for (i = 0; i < SC_NTABLE; i++) {
		if (strcmp(sc_table[i].name, name) == 0)
			return &sc_table[i];
	}
	return NULL;
}

size_t
sc_count(void)
{
	return SC_NTABLE;
}

const struct sc_desc *
sc_at(size_t i)
{
	return i < SC_NTABLE ? &sc_table[i] : NULL;
}

static const char *const stage_names[] = {
	[STAGE_NONE] = "none",
	[STAGE_SOCKET] = "socket",
	[STAGE_BIND] = "bind",
	[STAGE_LISTEN] = "listen",
	[STAGE_ACCEPT] = "accept",
	[STAGE_CONNECT] = "connect",
	[STAGE_RW] = "read/write",
	[STAGE_CLOSE] = "close",
};

const char *
sc_stage_name(enum sc_stage stage)
{
	if ((unsigned)stage >= sizeof(stage_names) / sizeof(stage_names[0]))
		return "none";
	return stage_names[stage];
}

/* Families a guided step may name by one member (its chapter's word). */
static const char *const sc_families[][8] = {
	{ "accept", "accept4" },
	{ "read", "recvfrom", "recvmsg", "readv", "recvmmsg" },
	{ "write", "sendto", "sendmsg", "writev", "sendmmsg", "sendfile" },
};

bool
sc_name_matches(const char *name, const char *want)
{
	size_t f, i;
	bool has_want, has_name;

	if (strcmp(name, want) == 0)
		return true;
	for (f = 0; f < sizeof sc_families / sizeof sc_families[0]; f++) {
		has_want = has_name = false;
		for (i = 0; i < 8 && sc_families[f][i] != NULL; i++) {
			has_want |= strcmp(sc_families[f][i], want) == 0;
			has_name |= strcmp(sc_families[f][i], name) == 0;
		}
		if (has_want && has_name)
			return true;
	}
	return false;
}

/* Which way a data call moves bytes on its socket: 1 out (write, send*,
 * writev, sendmmsg, sendfile), -1 in (read, recv*, readv, recvmmsg), 0
 * neither or either (splice: it depends on which fd is the socket). */
int
sc_data_direction(const struct sc_desc *d)
{
	if (d == NULL)
		return 0;
	if (sc_name_matches(d->name, "write"))
		return 1;
	if (sc_name_matches(d->name, "read"))
		return -1;
	return 0;
}
