/*
 * test-decode.c - unit tests for syscall-table.c, syscall-xlat.c and
 * syscall-decode.c.  Exits 0 when every check passes, 1 otherwise;
 * each failure prints file:line, what was expected and what came out.
 *
 * Most decoding runs over a fake sc_mem: a byte array whose addresses
 * are offsets into it, so every "tracee" byte is under the test's
 * control and reads past its end fail like an unmapped page would.
 */
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include "drive.h"
#include "check.h"

/* One scratch buffer for the formatters; each helper starts it over. */
static struct sbuf out;

static const char *
fmt_start(void)
{
	sbuf_reset(&out);
	return sbuf_str(&out);
}

/* ---- the fake tracee ---- */

#define FAKE_SIZE	4096

struct fake {
	unsigned char	mem[FAKE_SIZE];
	size_t		size;	/* readable bytes from address 0 */
	int		reads;
};

static ssize_t
fake_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	struct fake *f = ctx;

	f->reads++;
	if (addr >= f->size)
		return -1;
	if (len > f->size - addr)
		len = f->size - (size_t)addr;
	memcpy(buf, f->mem + addr, len);
	return (ssize_t)len;
}

static void
fake_init(struct fake *f, struct sc_mem *m)
{
	memset(f, 0, sizeof *f);
	f->size = FAKE_SIZE;
	m->read = fake_read;
	m->ctx = f;
}

static void
fake_put(struct fake *f, uint64_t addr, const void *p, size_t len)
{
	if (addr + len > FAKE_SIZE)
		abort();
	memcpy(f->mem + addr, p, len);
}

static void
fake_put_u32(struct fake *f, uint64_t addr, uint32_t v)
{
	fake_put(f, addr, &v, sizeof v);
}

static struct sockaddr_in
sin_make(const char *ip, uint16_t port)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	if (inet_pton(AF_INET, ip, &sin.sin_addr) != 1)
		abort();
	return sin;
}

static struct sockaddr_in6
sin6_make(const char *ip, uint16_t port, uint32_t scope)
{
	struct sockaddr_in6 sin6;

	memset(&sin6, 0, sizeof sin6);
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons(port);
	sin6.sin6_scope_id = scope;
	if (inet_pton(AF_INET6, ip, &sin6.sin6_addr) != 1)
		abort();
	return sin6;
}

/* A call by name, decoded at entry, as one string. */
static void
call_start(struct sc_call *c, const char *name, const uint64_t *args,
    const struct sc_mem *m)
{
	const struct sc_desc *d = sc_lookup_name(name);

	if (d == NULL) {
		fprintf(stderr, "no table row for %s\n", name);
		exit(1);
	}
	sc_call_init(c, d, args);
	sc_decode_entry(c, m);
}

static const char *
call_str(const struct sc_call *c)
{
	fmt_start();
	sc_format_call(&out, c);
	return sbuf_str(&out);
}

/* ---- syscall-table.c ---- */

static int
display_width(const char *s)
{
	wchar_t w[256];
	size_t n;

	n = mbstowcs(w, s, 256);
	if (n == (size_t)-1 || n >= 256)
		return 1000;
	return wcswidth(w, n);
}

static void
test_table(bool utf8)
{
	const struct sc_desc *d;
	size_t i;

	CHECK_INT((long long)sc_count(), 37);
	CHECK(sc_at(sc_count()) == NULL);
	CHECK(sc_lookup(-1) == NULL);
	CHECK(sc_lookup_name("ioctl") == NULL);

	d = sc_lookup(__NR_listen);
	CHECK(d != NULL);
	if (d != NULL) {
		CHECK_STR(d->name, "listen");
		CHECK_INT(d->stage, STAGE_LISTEN);
		CHECK_STR(d->explain_en, "make the socket a listener; "
		    "watch the accept queue appear (0/backlog)");
	}
	d = sc_lookup_name("accept4");
	CHECK(d != NULL && d->nr == __NR_accept4);
	CHECK(d != NULL && d->nargs == 4 && d->arg[3] == SA_ACCEPT_FLAGS);
	CHECK(d != NULL && d->flags == (SCF_FD0 | SCF_RET_FD));
	d = sc_lookup(__NR_socket);
	CHECK(d != NULL && d->flags == SCF_RET_FD);
	d = sc_lookup(__NR_connect);
	CHECK(d != NULL && d->stage == STAGE_CONNECT);

	/* Issue 19: the other ways bytes move.  Data calls run through on
	 * files and pipes; sendmmsg, like sendmsg, may carry an address. */
	d = sc_lookup(__NR_readv);
	CHECK(d != NULL && d->flags == (SCF_FD0 | SCF_DATA) &&
	    d->arg[1] == SA_IOV_OUT && d->stage == STAGE_RW);
	d = sc_lookup(__NR_writev);
	CHECK(d != NULL && d->flags == (SCF_FD0 | SCF_DATA) &&
	    d->arg[1] == SA_IOV_IN);
	d = sc_lookup(__NR_recvmmsg);
	CHECK(d != NULL && d->flags == (SCF_FD0 | SCF_DATA) && d->nargs == 5);
	d = sc_lookup(__NR_sendmmsg);
	CHECK(d != NULL && d->flags == SCF_FD0 && d->nargs == 4);
	d = sc_lookup(__NR_socketpair);
	CHECK(d != NULL && d->flags == SCF_RET_FDPAIR &&
	    d->arg[3] == SA_FDPAIR && d->stage == STAGE_SOCKET);
	d = sc_lookup(__NR_sendfile);
	CHECK(d != NULL && d->flags == (SCF_FD0 | SCF_FD1 | SCF_DATA));
	d = sc_lookup(__NR_splice);
	CHECK(d != NULL && d->flags == (SCF_FD0 | SCF_FD2 | SCF_DATA) &&
	    d->nargs == 6);

	for (i = 0; i < sc_count(); i++) {
		d = sc_at(i);
		CHECK(sc_lookup(d->nr) == d);
		CHECK(sc_lookup_name(d->name) == d);
		CHECK(d->nargs >= 1 && d->nargs <= SCF_MAXARGS);
		/* The tracer relies on this to skip calls on plain files. */
		if (d->arg[0] == SA_FD &&
		    (d->flags & (SCF_FD0 | SCF_EPOLL | SCF_FD2)) == 0)
			CHECK_STR(d->name, "(row with fd arg0 but no SCF_FD0)");
		if (((d->flags & SCF_FD1) && d->arg[1] != SA_FD) ||
		    ((d->flags & SCF_FD2) && d->arg[2] != SA_FD))
			CHECK_STR(d->name, "(SCF_FD1/2 on an arg that is no fd)");
		CHECK(d->explain_en != NULL && d->explain_en[0] != '\0');
		CHECK(d->explain_zh != NULL && d->explain_zh[0] != '\0');
		if (utf8 && display_width(d->explain_en) > 70)
			CHECK_STR(d->explain_en, "(at most 70 columns)");
		if (utf8 && display_width(d->explain_zh) > 70)
			CHECK_STR(d->explain_zh, "(at most 70 columns)");
	}

	CHECK_STR(sc_stage_name(STAGE_SOCKET), "socket");
	CHECK_STR(sc_stage_name(STAGE_BIND), "bind");
	CHECK_STR(sc_stage_name(STAGE_LISTEN), "listen");
	CHECK_STR(sc_stage_name(STAGE_ACCEPT), "accept");
	CHECK_STR(sc_stage_name(STAGE_CONNECT), "connect");
	CHECK_STR(sc_stage_name(STAGE_RW), "read/write");
	CHECK_STR(sc_stage_name(STAGE_CLOSE), "close");
	CHECK_STR(sc_stage_name((enum sc_stage)99), "none");
}

/* ---- syscall-xlat.c ---- */

static const char *
socktype(int v)
{
	fmt_start();
	sc_format_socktype(&out, v);
	return sbuf_str(&out);
}

static const char *
msgflags(unsigned v)
{
	fmt_start();
	sc_format_msg_flags(&out, v);
	return sbuf_str(&out);
}

static const char *
acceptflags(unsigned v)
{
	fmt_start();
	sc_format_accept_flags(&out, v);
	return sbuf_str(&out);
}

static const char *
protocol(int v)
{
	fmt_start();
	sc_format_protocol(&out, v);
	return sbuf_str(&out);
}

static const char *
shut_how(int v)
{
	fmt_start();
	sc_format_shut_how(&out, v);
	return sbuf_str(&out);
}

static const char *
optlevel(int v)
{
	fmt_start();
	sc_format_sockopt_level(&out, v);
	return sbuf_str(&out);
}

static const char *
optname(int level, int v)
{
	fmt_start();
	sc_format_sockopt_name(&out, level, v);
	return sbuf_str(&out);
}

static const char *
spliceflags(unsigned v)
{
	fmt_start();
	sc_format_splice_flags(&out, v);
	return sbuf_str(&out);
}

static void
test_xlat(void)
{
	CHECK_STR(sc_errno_name(ECONNREFUSED), "ECONNREFUSED");
	CHECK_STR(sc_errno_name(EADDRINUSE), "EADDRINUSE");
	CHECK_STR(sc_errno_name(EINPROGRESS), "EINPROGRESS");
	CHECK_STR(sc_errno_name(EPERM), "EPERM");
	CHECK_STR(sc_errno_name(ERANGE), "ERANGE");
	CHECK_STR(sc_errno_name(EAGAIN), "EAGAIN");
	CHECK_STR(sc_errno_name(EOPNOTSUPP), "EOPNOTSUPP");
	CHECK_STR(sc_errno_name(EHWPOISON), "EHWPOISON");
	CHECK_STR(sc_errno_name(512), "ERESTARTSYS");
	CHECK_STR(sc_errno_name(0), NULL);
	CHECK_STR(sc_errno_name(-1), NULL);
	CHECK_STR(sc_errno_name(4000), NULL);
	CHECK_STR(sc_errno_desc(ECONNREFUSED), "Connection refused");
	CHECK_STR(sc_errno_desc(512), "To be restarted if SA_RESTART is set");

	CHECK_STR(sc_domain_name(AF_LOCAL), "AF_UNIX");
	CHECK_STR(sc_domain_name(AF_INET), "AF_INET");
	CHECK_STR(sc_domain_name(AF_INET6), "AF_INET6");
	CHECK_STR(sc_domain_name(AF_NETLINK), "AF_NETLINK");
	CHECK_STR(sc_domain_name(AF_PACKET), "AF_PACKET");
	CHECK_STR(sc_domain_name(12345), NULL);

	CHECK_STR(socktype(SOCK_STREAM), "SOCK_STREAM");
	CHECK_STR(socktype(SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC),
	    "SOCK_STREAM|SOCK_NONBLOCK|SOCK_CLOEXEC");
	CHECK_STR(socktype(SOCK_DGRAM | SOCK_CLOEXEC),
	    "SOCK_DGRAM|SOCK_CLOEXEC");
	CHECK_STR(socktype(15 | SOCK_CLOEXEC), "15|SOCK_CLOEXEC");
	CHECK_STR(socktype(SOCK_STREAM | 0x100), "SOCK_STREAM|0x100");
	CHECK_STR(socktype(0), "0");

	CHECK_STR(protocol(0), "0");
	CHECK_STR(protocol(IPPROTO_TCP), "IPPROTO_TCP");
	CHECK_STR(protocol(IPPROTO_UDP), "IPPROTO_UDP");
	CHECK_STR(protocol(200), "200");

	CHECK_STR(msgflags(0), "0");
	CHECK_STR(msgflags(MSG_PEEK), "MSG_PEEK");
	CHECK_STR(msgflags(MSG_PEEK | MSG_DONTWAIT | 0x80000000U),
	    "MSG_PEEK|MSG_DONTWAIT|0x80000000");
	CHECK_STR(msgflags(MSG_NOSIGNAL | MSG_CMSG_CLOEXEC),
	    "MSG_NOSIGNAL|MSG_CMSG_CLOEXEC");
	CHECK_STR(msgflags(0x00100000), "0x100000");

	CHECK_STR(acceptflags(0), "0");
	CHECK_STR(acceptflags(SOCK_CLOEXEC), "SOCK_CLOEXEC");
	CHECK_STR(acceptflags(SOCK_NONBLOCK | SOCK_CLOEXEC | 1),
	    "SOCK_NONBLOCK|SOCK_CLOEXEC|0x1");

	CHECK_STR(shut_how(SHUT_RD), "SHUT_RD");
	CHECK_STR(shut_how(SHUT_WR), "SHUT_WR");
	CHECK_STR(shut_how(SHUT_RDWR), "SHUT_RDWR");
	CHECK_STR(shut_how(7), "7");

	CHECK_STR(optlevel(SOL_SOCKET), "SOL_SOCKET");
	CHECK_STR(optlevel(IPPROTO_TCP), "IPPROTO_TCP");
	CHECK_STR(optlevel(IPPROTO_IP), "IPPROTO_IP");
	CHECK_STR(optlevel(IPPROTO_IPV6), "IPPROTO_IPV6");
	CHECK_STR(optlevel(999), "999");
	/* Issue 19: raw sockets' level was shown as 255. */
	CHECK_STR(optlevel(SOL_RAW), "SOL_RAW");
	CHECK_STR(optlevel(255), "SOL_RAW");
	CHECK_STR(optname(SOL_RAW, 1), "ICMP_FILTER");
	CHECK_STR(optlevel(SOL_PACKET), "SOL_PACKET");

	CHECK_STR(spliceflags(0), "0");
	CHECK_STR(spliceflags(SPLICE_F_MOVE | SPLICE_F_MORE),
	    "SPLICE_F_MOVE|SPLICE_F_MORE");
	CHECK_STR(spliceflags(SPLICE_F_NONBLOCK | 0x100),
	    "SPLICE_F_NONBLOCK|0x100");
	CHECK_STR(optname(SOL_SOCKET, SO_REUSEADDR), "SO_REUSEADDR");
	CHECK_STR(optname(SOL_SOCKET, SO_REUSEPORT), "SO_REUSEPORT");
	CHECK_STR(optname(SOL_SOCKET, SO_ERROR), "SO_ERROR");
	CHECK_STR(optname(SOL_SOCKET, SO_LINGER), "SO_LINGER");
	CHECK_STR(optname(SOL_SOCKET, SO_RCVTIMEO), "SO_RCVTIMEO");
	CHECK_STR(optname(SOL_SOCKET, 9999), "9999");
	CHECK_STR(optname(IPPROTO_TCP, TCP_NODELAY), "TCP_NODELAY");
	CHECK_STR(optname(IPPROTO_TCP, TCP_INFO), "TCP_INFO");
	CHECK_STR(optname(IPPROTO_IPV6, IPV6_V6ONLY), "IPV6_V6ONLY");
	CHECK_STR(optname(IPPROTO_IP, IP_TTL), "IP_TTL");
	/* Same number, other level: the level picks the table. */
	CHECK_STR(optname(999, SO_REUSEADDR), "2");
}

/*
 * Formats len bytes copied to a heap block of exactly that size, so
 * AddressSanitizer catches any read past len.
 */
static const char *
sockaddr_str(const void *p, size_t len)
{
	void *copy = xmalloc(len);

	memcpy(copy, p, len);
	fmt_start();
	sc_format_sockaddr(&out, copy, len);
	free(copy);
	return sbuf_str(&out);
}

static const char *
addr_port(const void *p, size_t len)
{
	struct sockaddr_storage ss;

	memset(&ss, 0, sizeof ss);
	memcpy(&ss, p, len);
	fmt_start();
	sc_format_addr_port(&out, &ss);
	return sbuf_str(&out);
}

static void
test_sockaddr(void)
{
	struct sockaddr_in sin = sin_make("127.0.0.1", 9190);
	struct sockaddr_in6 sin6;
	struct sockaddr_un sun;
	sa_family_t fam;
	size_t off = offsetof(struct sockaddr_un, sun_path);

	CHECK_STR(sockaddr_str(&sin, sizeof sin), "{AF_INET, 127.0.0.1:9190}");
	CHECK_STR(sockaddr_str(&sin, 8), "{AF_INET, <truncated, 8 bytes>}");
	CHECK_STR(sockaddr_str(&sin, 1), "{<truncated, 1 bytes>}");
	CHECK_STR(sockaddr_str(&sin, 0), "{}");
	CHECK_STR(addr_port(&sin, sizeof sin), "127.0.0.1:9190");
	sin = sin_make("0.0.0.0", 0);
	CHECK_STR(sockaddr_str(&sin, sizeof sin), "{AF_INET, 0.0.0.0:0}");

	sin6 = sin6_make("::1", 9190, 0);
	CHECK_STR(sockaddr_str(&sin6, sizeof sin6), "{AF_INET6, [::1]:9190}");
	CHECK_STR(addr_port(&sin6, sizeof sin6), "[::1]:9190");
	sin6 = sin6_make("::ffff:127.0.0.1", 80, 0);
	CHECK_STR(sockaddr_str(&sin6, sizeof sin6),
	    "{AF_INET6, [::ffff:127.0.0.1]:80}");
	sin6 = sin6_make("fe80::1", 22, 2);
	CHECK_STR(sockaddr_str(&sin6, sizeof sin6),
	    "{AF_INET6, [fe80::1%2]:22}");
	/* The RFC 2133 length has no scope id but is complete. */
	CHECK_STR(sockaddr_str(&sin6, 24), "{AF_INET6, [fe80::1]:22}");
	CHECK_STR(sockaddr_str(&sin6, 16), "{AF_INET6, <truncated, 16 bytes>}");

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	strlcpy(sun.sun_path, "/tmp/sock", sizeof sun.sun_path);
	CHECK_STR(sockaddr_str(&sun, off + strlen("/tmp/sock") + 1),
	    "{AF_UNIX, \"/tmp/sock\"}");
	CHECK_STR(sockaddr_str(&sun, sizeof sun), "{AF_UNIX, \"/tmp/sock\"}");
	CHECK_STR(sockaddr_str(&sun, off + 4), "{AF_UNIX, \"/tmp\"}");
	CHECK_STR(sockaddr_str(&sun, off), "{AF_UNIX, unnamed}");
	CHECK_STR(addr_port(&sun, sizeof sun), "?");
	memcpy(sun.sun_path, "\0name\0x", 7);
	CHECK_STR(sockaddr_str(&sun, off + 5), "{AF_UNIX, @\"name\"}");
	CHECK_STR(sockaddr_str(&sun, off + 7), "{AF_UNIX, @\"name\\0x\"}");
	memcpy(sun.sun_path, "a\"b\n\377", 6);
	CHECK_STR(sockaddr_str(&sun, off + 6), "{AF_UNIX, \"a\\\"b\\n\\377\"}");

	fam = AF_UNSPEC;
	CHECK_STR(sockaddr_str(&fam, sizeof fam), "{sa_family=AF_UNSPEC}");
	fam = AF_NETLINK;
	CHECK_STR(sockaddr_str(&fam, sizeof fam), "{sa_family=AF_NETLINK}");
	fam = 12345;
	CHECK_STR(sockaddr_str(&fam, sizeof fam), "{sa_family=12345}");
	CHECK_STR(addr_port(&fam, sizeof fam), "?");
}

static const char *
buf_str(const void *p, size_t len, size_t total)
{
	void *copy = xmalloc(len);

	memcpy(copy, p, len);
	fmt_start();
	sc_format_buf(&out, copy, len, total);
	free(copy);
	return sbuf_str(&out);
}

static void
test_buf(void)
{
	char big[200], want[200];

	CHECK_STR(buf_str("", 0, 0), "\"\"");
	/* One byte: libbsd looks one past it; valgrind checks that. */
	CHECK_STR(buf_str("x", 1, 1), "\"x\"");
	CHECK_STR(buf_str("\0", 1, 1), "\"\\0\"");
	CHECK_STR(buf_str("hello\n", 6, 6), "\"hello\\n\"");
	CHECK_STR(buf_str("a\0b", 3, 3), "\"a\\0b\"");
	/* \0 before a digit must not read as \01: strvis widens it. */
	CHECK_STR(buf_str("\0" "1", 2, 2), "\"\\0001\"");
	CHECK_STR(buf_str("say \"hi\"", 8, 8), "\"say \\\"hi\\\"\"");
	CHECK_STR(buf_str("a\\b", 3, 3), "\"a\\\\b\"");
	CHECK_STR(buf_str("\t\r", 2, 2), "\"\\t\\r\"");
	CHECK_STR(buf_str("\x80\xff\x01", 3, 3), "\"\\200\\377\\001\"");
	/* UTF-8 is bytes here: the same text in every locale. */
	CHECK_STR(buf_str("\xe4\xb8\xad", 3, 3), "\"\\344\\270\\255\"");

	memset(big, 'x', sizeof big);
	memset(want, 0, sizeof want);
	want[0] = '"';
	memset(want + 1, 'x', 64);
	want[65] = '"';
	CHECK_STR(buf_str(big, 64, 64), want);
	strlcat(want, "...", sizeof want);
	CHECK_STR(buf_str(big, 65, 65), want);
	CHECK_STR(buf_str(big, 64, 1000), want);
	CHECK_STR(buf_str("ab", 2, 5), "\"ab\"...");
}

/* ---- syscall-decode.c over the fake tracee ---- */

static void
test_connect(void)
{
	struct fake f;
	struct sc_mem m;
	struct sc_call c;
	struct sockaddr_in sin = sin_make("127.0.0.1", 9190);
	uint64_t args[SCF_MAXARGS] = { 3, 0x100, sizeof sin };

	fake_init(&f, &m);
	fake_put(&f, 0x100, &sin, sizeof sin);
	call_start(&c, "connect", args, &m);
	CHECK_STR(c.argstr[1], "{AF_INET, 127.0.0.1:9190}");
	CHECK_STR(call_str(&c), "connect(3, {AF_INET, 127.0.0.1:9190}, 16)");
	sc_decode_exit(&c, &m, -ECONNREFUSED);
	CHECK_INT(c.ret, -1);
	CHECK_INT(c.err, ECONNREFUSED);
	CHECK_STR(call_str(&c), "connect(3, {AF_INET, 127.0.0.1:9190}, 16) = "
	    "-1 ECONNREFUSED (Connection refused)");
	sc_call_clear(&c);

	call_start(&c, "connect", args, &m);
	sc_decode_exit(&c, &m, 0);
	CHECK_STR(call_str(&c),
	    "connect(3, {AF_INET, 127.0.0.1:9190}, 16) = 0");
	fmt_start();
	sc_format_ret(&out, &c);
	CHECK_STR(sbuf_str(&out), "= 0");
	sc_call_clear(&c);

	/* A length past the end of the mapping: the pointer, no guess. */
	args[1] = FAKE_SIZE - 8;
	call_start(&c, "connect", args, &m);
	CHECK_STR(call_str(&c), "connect(3, 0xff8, 16)");
	sc_call_clear(&c);

	args[1] = 0;
	call_start(&c, "connect", args, &m);
	CHECK_STR(call_str(&c), "connect(3, NULL, 16)");
	sc_decode_exit(&c, &m, -EFAULT);
	CHECK_STR(call_str(&c),
	    "connect(3, NULL, 16) = -1 EFAULT (Bad address)");
	sc_call_clear(&c);

	args[1] = 0x7ffd1234;
	call_start(&c, "connect", args, &m);
	CHECK_STR(call_str(&c), "connect(3, 0x7ffd1234, 16)");
	sc_call_clear(&c);
}

static void
test_socket_listen_close(void)
{
	struct fake f;
	struct sc_mem m;
	struct sc_call c;
	uint64_t args[SCF_MAXARGS] = { AF_INET,
	    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP };

	fake_init(&f, &m);
	call_start(&c, "socket", args, &m);
	sc_decode_exit(&c, &m, 3);
	CHECK_STR(call_str(&c), "socket(AF_INET, "
	    "SOCK_STREAM|SOCK_NONBLOCK|SOCK_CLOEXEC, IPPROTO_TCP) = 3");
	sc_call_clear(&c);

	args[0] = 3;
	args[1] = 5;
	call_start(&c, "listen", args, &m);
	sc_decode_exit(&c, &m, -EADDRINUSE);
	CHECK_STR(call_str(&c),
	    "listen(3, 5) = -1 EADDRINUSE (Address already in use)");
	sc_call_clear(&c);

	args[1] = SHUT_WR;
	call_start(&c, "shutdown", args, &m);
	sc_decode_exit(&c, &m, 0);
	CHECK_STR(call_str(&c), "shutdown(3, SHUT_WR) = 0");
	sc_call_clear(&c);

	/* fds are ints: the high half of the register is not the tracee's. */
	args[0] = 0xffffffff00000004ULL;
	call_start(&c, "close", args, &m);
	sc_decode_exit(&c, &m, 0);
	CHECK_STR(call_str(&c), "close(4) = 0");
	sc_call_clear(&c);

	/* Before the exit: no " = ", and sc_format_ret says "?". */
	args[0] = 3;
	call_start(&c, "close", args, &m);
	CHECK_STR(call_str(&c), "close(3)");
	fmt_start();
	sc_format_ret(&out, &c);
	CHECK_STR(sbuf_str(&out), "= ?");
	sc_call_clear(&c);
}

static void
test_accept(void)
{
	struct fake f;
	struct sc_mem m;
	struct sc_call c, copy;
	struct sockaddr_in peer = sin_make("127.0.0.1", 54321);
	uint64_t args[SCF_MAXARGS] = { 3, 0x200, 0x300, SOCK_CLOEXEC };

	fake_init(&f, &m);
	fake_put_u32(&f, 0x300, 16);
	call_start(&c, "accept", args, &m);
	CHECK_STR(call_str(&c), "accept(3, 0x200, [16])");
	/* The kernel fills the address and the length... */
	fake_put(&f, 0x200, &peer, sizeof peer);
	sc_decode_exit(&c, &m, 4);
	CHECK_STR(call_str(&c),
	    "accept(3, {AF_INET, 127.0.0.1:54321}, [16->16]) = 4");
	CHECK_INT(c.addr_len, 16);
	fmt_start();
	sc_format_addr_port(&out, &c.addr);
	CHECK_STR(sbuf_str(&out), "127.0.0.1:54321");

	/* ...and a copy outlives the original. */
	sc_call_copy(&copy, &c);
	CHECK(copy.argstr[1] != c.argstr[1]);
	sc_call_clear(&c);
	CHECK(c.argstr[1] == NULL);
	CHECK_STR(call_str(&copy),
	    "accept(3, {AF_INET, 127.0.0.1:54321}, [16->16]) = 4");
	sc_call_clear(&copy);

	/* An error leaves the outputs as they were at entry. */
	call_start(&c, "accept4", args, &m);
	sc_decode_exit(&c, &m, -EAGAIN);
	CHECK_STR(call_str(&c), "accept4(3, 0x200, [16], SOCK_CLOEXEC) = "
	    "-1 EAGAIN (Resource temporarily unavailable)");
	CHECK_INT(c.addr_len, 0);
	sc_call_clear(&c);

	/* Interrupted by a signal: the tracer sees the kernel's code. */
	call_start(&c, "accept", args, &m);
	sc_decode_exit(&c, &m, -512);
	CHECK_STR(call_str(&c), "accept(3, 0x200, [16]) = "
	    "-1 ERESTARTSYS (To be restarted if SA_RESTART is set)");
	sc_call_clear(&c);

	/* Room for 4 bytes only: the kernel truncates, reports 16. */
	fake_put_u32(&f, 0x300, 4);
	call_start(&c, "accept", args, &m);
	fake_put_u32(&f, 0x300, 16);
	sc_decode_exit(&c, &m, 5);
	CHECK_STR(call_str(&c),
	    "accept(3, {AF_INET, <truncated, 4 bytes>}, [4->16]) = 5");
	CHECK_INT(c.addr_len, 4);
	sc_call_clear(&c);

	args[1] = args[2] = 0;
	call_start(&c, "accept", args, &m);
	sc_decode_exit(&c, &m, 6);
	CHECK_STR(call_str(&c), "accept(3, NULL, NULL) = 6");
	CHECK_INT(c.addr_len, 0);
	sc_call_clear(&c);

	/* Unreadable length pointer: both stay pointers. */
	args[1] = 0x200;
	args[2] = 0x50000;
	call_start(&c, "accept", args, &m);
	sc_decode_exit(&c, &m, 6);
	CHECK_STR(call_str(&c), "accept(3, 0x200, 0x50000) = 6");
	sc_call_clear(&c);
}

static void
test_getsockname(void)
{
	struct fake f;
	struct sc_mem m;
	struct sc_call c;
	struct sockaddr_in6 me = sin6_make("::1", 9190, 0);
	uint64_t args[SCF_MAXARGS] = { 3, 0x200, 0x300 };

	fake_init(&f, &m);
	fake_put_u32(&f, 0x300, 128);
	call_start(&c, "getsockname", args, &m);
	fake_put(&f, 0x200, &me, sizeof me);
	fake_put_u32(&f, 0x300, sizeof me);
	sc_decode_exit(&c, &m, 0);
	CHECK_STR(call_str(&c),
	    "getsockname(3, {AF_INET6, [::1]:9190}, [128->28]) = 0");
	CHECK_INT(c.addr_len, 28);
	CHECK_INT(c.addr.ss_family, AF_INET6);
	sc_call_clear(&c);
}

static void
test_read_write(void)
{
	struct fake f;
	struct sc_mem m;
	struct sc_call c;
	char big[100];
	uint64_t args[SCF_MAXARGS] = { 4, 0x400, 100 };

	fake_init(&f, &m);
	call_start(&c, "read", args, &m);
	CHECK_STR(call_str(&c), "read(4, 0x400, 100)");
	fake_put(&f, 0x400, "hi\n\0", 4);
	sc_decode_exit(&c, &m, 3);
	CHECK_STR(call_str(&c), "read(4, \"hi\\n\", 100) = 3");
	sc_call_clear(&c);

	call_start(&c, "read", args, &m);
	sc_decode_exit(&c, &m, 0);
	CHECK_STR(call_str(&c), "read(4, 0x400, 100) = 0");
	sc_call_clear(&c);

	call_start(&c, "read", args, &m);
	sc_decode_exit(&c, &m, -EINTR);
	CHECK_STR(call_str(&c),
	    "read(4, 0x400, 100) = -1 EINTR (Interrupted system call)");
	sc_call_clear(&c);

	/* A large read shows 64 bytes and says there is more. */
	memset(big, 'z', sizeof big);
	fake_put(&f, 0x400, big, sizeof big);
	call_start(&c, "read", args, &m);
	sc_decode_exit(&c, &m, 100);
	CHECK_STR(c.argstr[1], "\"zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"
	    "zzzzzzzzzzzzzzzzzzzzzzzz\"...");
	sc_call_clear(&c);

	/* The tail of the fake mapping: the read comes back short. */
	args[1] = FAKE_SIZE - 2;
	call_start(&c, "read", args, &m);
	sc_decode_exit(&c, &m, 10);
	CHECK_STR(call_str(&c), "read(4, 0xffe, 100) = 10");
	sc_call_clear(&c);

	args[1] = 0x500;
	args[2] = 7;
	fake_put(&f, 0x500, "GET /\r\n", 7);
	call_start(&c, "write", args, &m);
	sc_decode_exit(&c, &m, 7);
	CHECK_STR(call_str(&c), "write(4, \"GET /\\r\\n\", 7) = 7");
	sc_call_clear(&c);

	args[1] = 0;
	call_start(&c, "write", args, &m);
	sc_decode_exit(&c, &m, -EFAULT);
	CHECK_STR(call_str(&c), "write(4, NULL, 7) = -1 EFAULT (Bad address)");
	sc_call_clear(&c);

	args[1] = 0xdead0000;
	call_start(&c, "write", args, &m);
	sc_decode_exit(&c, &m, -EPIPE);
	CHECK_STR(call_str(&c),
	    "write(4, 0xdead0000, 7) = -1 EPIPE (Broken pipe)");
	sc_call_clear(&c);

	args[1] = 0x500;
	args[2] = 0;
	call_start(&c, "write", args, &m);
	CHECK_STR(call_str(&c), "write(4, \"\", 0)");
	sc_call_clear(&c);
}

static void
test_sendto_recvfrom(void)
{
	struct fake f;
	struct sc_mem m;
	struct sc_call c;
	struct sockaddr_in sin = sin_make("10.0.0.2", 53);
	uint64_t args[SCF_MAXARGS] = { 5, 0x100, 4, MSG_DONTWAIT, 0x200,
	    sizeof sin };

	fake_init(&f, &m);
	fake_put(&f, 0x100, "ping", 4);
	fake_put(&f, 0x200, &sin, sizeof sin);
	call_start(&c, "sendto", args, &m);
	sc_decode_exit(&c, &m, 4);
	CHECK_STR(call_str(&c), "sendto(5, \"ping\", 4, MSG_DONTWAIT, "
	    "{AF_INET, 10.0.0.2:53}, 16) = 4");
	sc_call_clear(&c);

	args[2] = 512;
	args[3] = 0;
	args[5] = 0x300;
	fake_put_u32(&f, 0x300, 16);
	call_start(&c, "recvfrom", args, &m);
	CHECK_STR(call_str(&c), "recvfrom(5, 0x100, 512, 0, 0x200, [16])");
	fake_put(&f, 0x100, "pong", 4);
	sc_decode_exit(&c, &m, 4);
	CHECK_STR(call_str(&c), "recvfrom(5, \"pong\", 512, 0, "
	    "{AF_INET, 10.0.0.2:53}, [16->16]) = 4");
	CHECK_INT(c.addr_len, 16);
	sc_call_clear(&c);
}

static void
test_sockopt(void)
{
	struct fake f;
	struct sc_mem m;
	struct sc_call c;
	struct linger lg = { 1, 0 };
	uint64_t args[SCF_MAXARGS] = { 3, SOL_SOCKET, SO_REUSEADDR, 0x100, 4 };

	fake_init(&f, &m);
	fake_put_u32(&f, 0x100, 1);
	call_start(&c, "setsockopt", args, &m);
	sc_decode_exit(&c, &m, 0);
	CHECK_STR(call_str(&c),
	    "setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0");
	sc_call_clear(&c);

	args[2] = SO_LINGER;
	args[4] = sizeof lg;
	fake_put(&f, 0x100, &lg, sizeof lg);
	call_start(&c, "setsockopt", args, &m);
	CHECK_STR(call_str(&c),
	    "setsockopt(3, SOL_SOCKET, SO_LINGER, {l_onoff=1, l_linger=0}, 8)");
	sc_call_clear(&c);

	args[1] = IPPROTO_TCP;
	args[2] = TCP_CONGESTION;
	args[4] = 5;
	fake_put(&f, 0x100, "cubic", 5);
	call_start(&c, "setsockopt", args, &m);
	CHECK_STR(call_str(&c),
	    "setsockopt(3, IPPROTO_TCP, TCP_CONGESTION, \"cubic\", 5)");
	sc_call_clear(&c);

	/* getsockopt(SO_ERROR) after a non-blocking connect. */
	args[1] = SOL_SOCKET;
	args[2] = SO_ERROR;
	args[4] = 0x200;
	fake_put_u32(&f, 0x200, 4);
	call_start(&c, "getsockopt", args, &m);
	CHECK_STR(call_str(&c),
	    "getsockopt(3, SOL_SOCKET, SO_ERROR, 0x100, [4])");
	fake_put_u32(&f, 0x100, ECONNREFUSED);
	sc_decode_exit(&c, &m, 0);
	CHECK_STR(call_str(&c),
	    "getsockopt(3, SOL_SOCKET, SO_ERROR, [ECONNREFUSED], [4->4]) = 0");
	sc_call_clear(&c);

	call_start(&c, "getsockopt", args, &m);
	fake_put_u32(&f, 0x100, 0);
	sc_decode_exit(&c, &m, 0);
	CHECK_STR(call_str(&c),
	    "getsockopt(3, SOL_SOCKET, SO_ERROR, [0], [4->4]) = 0");
	sc_call_clear(&c);

	args[2] = SO_TYPE;
	call_start(&c, "getsockopt", args, &m);
	fake_put_u32(&f, 0x100, SOCK_STREAM);
	sc_decode_exit(&c, &m, 0);
	CHECK_STR(c.argstr[3], "[SOCK_STREAM]");
	sc_call_clear(&c);

	args[2] = SO_RCVBUF;
	call_start(&c, "getsockopt", args, &m);
	fake_put_u32(&f, 0x100, 131072);
	sc_decode_exit(&c, &m, 0);
	CHECK_STR(c.argstr[3], "[131072]");
	sc_call_clear(&c);
}

static void
test_msghdr(void)
{
	struct fake f;
	struct sc_mem m;
	struct sc_call c;
	struct msghdr mh;
	struct iovec iov[2];
	struct sockaddr_in sin = sin_make("127.0.0.1", 7);
	uint64_t args[SCF_MAXARGS] = { 3, 0x100, MSG_NOSIGNAL };

	fake_init(&f, &m);
	fake_put(&f, 0x300, "abc", 3);
	fake_put(&f, 0x310, "de\n", 3);
	iov[0].iov_base = (void *)0x300;
	iov[0].iov_len = 3;
	iov[1].iov_base = (void *)0x310;
	iov[1].iov_len = 3;
	fake_put(&f, 0x200, iov, sizeof iov);
	memset(&mh, 0, sizeof mh);
	mh.msg_iov = (struct iovec *)0x200;
	mh.msg_iovlen = 2;
	fake_put(&f, 0x100, &mh, sizeof mh);

	call_start(&c, "sendmsg", args, &m);
	sc_decode_exit(&c, &m, 6);
	CHECK_STR(call_str(&c), "sendmsg(3, {msg_name=NULL, msg_iov=["
	    "{iov_base=\"abc\", iov_len=3}, {iov_base=\"de\\n\", iov_len=3}], "
	    "msg_iovlen=2, msg_controllen=0, msg_flags=0}, MSG_NOSIGNAL) = 6");
	sc_call_clear(&c);

	/* recvmsg: entry shows the pointer, exit spreads ret bytes. */
	args[2] = 0;
	mh.msg_name = (void *)0x400;
	mh.msg_namelen = sizeof sin;
	fake_put(&f, 0x100, &mh, sizeof mh);
	call_start(&c, "recvmsg", args, &m);
	CHECK_STR(call_str(&c), "recvmsg(3, 0x100, 0)");
	fake_put(&f, 0x400, &sin, sizeof sin);
	fake_put(&f, 0x300, "xyz", 3);
	fake_put(&f, 0x310, "w", 1);
	sc_decode_exit(&c, &m, 4);
	CHECK_STR(call_str(&c), "recvmsg(3, {msg_name={AF_INET, 127.0.0.1:7}, "
	    "msg_iov=[{iov_base=\"xyz\", iov_len=3}, "
	    "{iov_base=\"w\", iov_len=3}], msg_iovlen=2, msg_controllen=0, "
	    "msg_flags=0}, 0) = 4");
	CHECK_INT(c.addr_len, 16);
	sc_call_clear(&c);

	call_start(&c, "recvmsg", args, &m);
	sc_decode_exit(&c, &m, -ENOTCONN);
	CHECK_STR(call_str(&c), "recvmsg(3, 0x100, 0) = "
	    "-1 ENOTCONN (Transport endpoint is not connected)");
	sc_call_clear(&c);

	/* Garbage counts: four iovecs at most, lengths only printed. */
	memset(f.mem + 0x310, 'q', 80);
	mh.msg_name = NULL;
	mh.msg_iovlen = (size_t)-1;
	mh.msg_controllen = 99;
	mh.msg_flags = MSG_TRUNC;
	iov[1].iov_len = (size_t)1 << 62;
	fake_put(&f, 0x200, iov, sizeof iov);
	fake_put(&f, 0x100, &mh, sizeof mh);
	call_start(&c, "sendmsg", args, &m);
	CHECK_STR(call_str(&c), "sendmsg(3, {msg_name=NULL, msg_iov=["
	    "{iov_base=\"xyz\", iov_len=3}, {iov_base=\"qqqqqqqqqqqqqqqq"
	    "qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq\"..., "
	    "iov_len=4611686018427387904}, {iov_base=NULL, iov_len=0}, "
	    "{iov_base=NULL, iov_len=0}, ...], "
	    "msg_iovlen=18446744073709551615, msg_controllen=99, "
	    "msg_flags=MSG_TRUNC}, 0)");
	sc_call_clear(&c);

	/* An iovec array that is not there. */
	mh.msg_iov = (struct iovec *)0x70000;
	mh.msg_iovlen = 1;
	mh.msg_controllen = 0;
	mh.msg_flags = 0;
	fake_put(&f, 0x100, &mh, sizeof mh);
	call_start(&c, "sendmsg", args, &m);
	CHECK_STR(c.argstr[1], "{msg_name=NULL, msg_iov=0x70000, "
	    "msg_iovlen=1, msg_controllen=0, msg_flags=0}");
	sc_call_clear(&c);
}

/* ---- the real reader, on this process ---- */

static void
test_tracee_read(void)
{
	pid_t pid = getpid();
	struct sc_mem m = { sc_mem_tracee_read, &pid };
	struct sc_call c;
	struct sockaddr_in sin = sin_make("127.0.0.1", 9190);
	char buf[32], *page;
	long psz = sysconf(_SC_PAGESIZE);
	uint64_t args[SCF_MAXARGS];

	memset(buf, 0, sizeof buf);
	CHECK_INT(sc_mem_tracee_read(&pid, (uint64_t)(uintptr_t)"sockstep",
	    buf, 9), 9);
	CHECK_STR(buf, "sockstep");
	CHECK_INT(sc_mem_tracee_read(&pid, 0, buf, 4), -1);
	CHECK_INT(sc_mem_tracee_read(&pid, 8, buf, 4), -1);

	/* Two pages, the second inaccessible: a read across the hole. */
	page = mmap(NULL, 2 * (size_t)psz, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED) {
		CHECK_STR("mmap failed", "");
		return;
	}
	memset(page, 'p', (size_t)psz);
	mprotect(page + psz, (size_t)psz, PROT_NONE);
	CHECK_INT(sc_mem_tracee_read(&pid,
	    (uint64_t)(uintptr_t)(page + psz - 8), buf, 16), 8);
	CHECK_INT(sc_mem_tracee_read(&pid,
	    (uint64_t)(uintptr_t)(page + psz), buf, 16), -1);

	/* A write whose buffer runs into the hole shows its pointer. */
	args[0] = 3;
	args[1] = (uint64_t)(uintptr_t)(page + psz - 8);
	args[2] = 16;
	call_start(&c, "write", args, &m);
	snprintf(buf, sizeof buf, "%p", (void *)(page + psz - 8));
	CHECK_STR(c.argstr[1], buf);
	sc_call_clear(&c);
	munmap(page, 2 * (size_t)psz);

	args[1] = (uint64_t)(uintptr_t)&sin;
	args[2] = sizeof sin;
	call_start(&c, "connect", args, &m);
	sc_decode_exit(&c, &m, -ECONNREFUSED);
	CHECK_STR(call_str(&c), "connect(3, {AF_INET, 127.0.0.1:9190}, 16) = "
	    "-1 ECONNREFUSED (Connection refused)");
	sc_call_clear(&c);
}

/* ---- hostile memory: random bytes, every row, bounded output ---- */

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t
next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Small values, addresses inside and outside the fake, and huge ones. */
static uint64_t
rand_arg(void)
{
	switch (next_rand() % 5) {
	case 0:
		return next_rand() % 8;
	case 1:
		return next_rand() % FAKE_SIZE;
	case 2:
		return FAKE_SIZE - next_rand() % 64;
	case 3:
		return next_rand() % 300;
	default:
		return next_rand();
	}
}

static void
test_iov(void)
{
	struct fake f;
	struct sc_mem m;
	struct sc_call c;
	struct iovec iov[2];
	uint64_t args[SCF_MAXARGS] = { 4, 0x200, 2 };

	fake_init(&f, &m);
	fake_put(&f, 0x300, "wv-one ", 7);
	fake_put(&f, 0x310, "wv-two", 6);
	iov[0].iov_base = (void *)0x300;
	iov[0].iov_len = 7;
	iov[1].iov_base = (void *)0x310;
	iov[1].iov_len = 6;
	fake_put(&f, 0x200, iov, sizeof iov);

	/* writev: each buffer's bytes, as at entry. */
	call_start(&c, "writev", args, &m);
	sc_decode_exit(&c, &m, 13);
	CHECK_STR(call_str(&c), "writev(4, [{iov_base=\"wv-one \", iov_len=7}, "
	    "{iov_base=\"wv-two\", iov_len=6}], 2) = 13");
	sc_call_clear(&c);

	/* readv: a pointer until it returns, then ret bytes in order. */
	memset(f.mem + 0x300, 0, 16);
	memset(f.mem + 0x310, 0, 16);
	call_start(&c, "readv", args, &m);
	CHECK_STR(call_str(&c), "readv(4, 0x200, 2)");
	fake_put(&f, 0x300, "abcdefg", 7);
	fake_put(&f, 0x310, "hi", 2);
	sc_decode_exit(&c, &m, 9);
	CHECK_STR(call_str(&c), "readv(4, [{iov_base=\"abcdefg\", iov_len=7}, "
	    "{iov_base=\"hi\", iov_len=6}], 2) = 9");
	sc_call_clear(&c);

	/* End of stream: every buffer empty. */
	call_start(&c, "readv", args, &m);
	sc_decode_exit(&c, &m, 0);
	CHECK_STR(call_str(&c), "readv(4, [{iov_base=\"\", iov_len=7}, "
	    "{iov_base=\"\", iov_len=6}], 2) = 0");
	sc_call_clear(&c);

	call_start(&c, "readv", args, &m);
	sc_decode_exit(&c, &m, -EAGAIN);
	CHECK_STR(call_str(&c), "readv(4, 0x200, 2) = "
	    "-1 EAGAIN (Resource temporarily unavailable)");
	sc_call_clear(&c);

	/* A negative count is the kernel's EINVAL: nothing is read. */
	args[2] = (uint32_t)-1;
	f.reads = 0;
	call_start(&c, "writev", args, &m);
	sc_decode_exit(&c, &m, -EINVAL);
	CHECK_STR(call_str(&c), "writev(4, 0x200, -1) = "
	    "-1 EINVAL (Invalid argument)");
	CHECK_INT(f.reads, 0);
	sc_call_clear(&c);

	/* A huge count: four iovecs shown, then "...". */
	args[2] = 1000000;
	call_start(&c, "writev", args, &m);
	CHECK(strstr(call_str(&c), "iov_len=6}, {iov_base=") != NULL);
	CHECK(strstr(call_str(&c), ", ...], 1000000)") != NULL);
	sc_call_clear(&c);

	/* Unreadable vector: the pointer. */
	args[1] = 0x90000;
	args[2] = 2;
	call_start(&c, "writev", args, &m);
	CHECK_STR(call_str(&c), "writev(4, 0x90000, 2)");
	sc_call_clear(&c);
}

static void
put_mmsg(struct fake *f, uint64_t at, uint64_t name, socklen_t namelen,
    uint64_t iov, unsigned len)
{
	struct mmsghdr mm;

	memset(&mm, 0, sizeof mm);
	mm.msg_hdr.msg_name = (void *)(uintptr_t)name;
	mm.msg_hdr.msg_namelen = namelen;
	mm.msg_hdr.msg_iov = (struct iovec *)(uintptr_t)iov;
	mm.msg_hdr.msg_iovlen = 1;
	mm.msg_len = len;
	fake_put(f, at, &mm, sizeof mm);
}

static void
put_iov(struct fake *f, uint64_t at, uint64_t base, size_t len)
{
	struct iovec iov;

	iov.iov_base = (void *)(uintptr_t)base;
	iov.iov_len = len;
	fake_put(f, at, &iov, sizeof iov);
}

static void
test_mmsg(void)
{
	struct fake f;
	struct sc_mem m;
	struct sc_call c;
	struct sockaddr_in a = sin_make("127.0.0.1", 5353);
	struct sockaddr_in b = sin_make("127.0.0.2", 5354);
	uint64_t args[SCF_MAXARGS] = { 3, 0x100, 2, MSG_NOSIGNAL };
	const uint64_t mm1 = 0x100 + sizeof(struct mmsghdr);

	fake_init(&f, &m);
	put_iov(&f, 0x400, 0x500, 6);
	put_iov(&f, 0x410, 0x510, 7);
	fake_put(&f, 0x500, "mm-one", 6);
	fake_put(&f, 0x510, "mm-two!", 7);
	put_mmsg(&f, 0x100, 0, 0, 0x400, 0);
	put_mmsg(&f, mm1, 0, 0, 0x410, 0);

	/* sendmmsg: the messages at entry; at exit the ones that went,
	 * each with the msg_len the kernel wrote. */
	call_start(&c, "sendmmsg", args, &m);
	CHECK_STR(call_str(&c), "sendmmsg(3, [{msg_hdr={msg_name=NULL, "
	    "msg_iov=[{iov_base=\"mm-one\", iov_len=6}], msg_iovlen=1, "
	    "msg_controllen=0, msg_flags=0}}, {msg_hdr={msg_name=NULL, "
	    "msg_iov=[{iov_base=\"mm-two!\", iov_len=7}], msg_iovlen=1, "
	    "msg_controllen=0, msg_flags=0}}], 2, MSG_NOSIGNAL)");
	put_mmsg(&f, 0x100, 0, 0, 0x400, 6);
	sc_decode_exit(&c, &m, 1);
	CHECK_STR(call_str(&c), "sendmmsg(3, [{msg_hdr={msg_name=NULL, "
	    "msg_iov=[{iov_base=\"mm-one\", iov_len=6}], msg_iovlen=1, "
	    "msg_controllen=0, msg_flags=0}, msg_len=6}], 2, MSG_NOSIGNAL) = 1");
	sc_call_clear(&c);

	/* recvmmsg: each message its msg_len bytes and its sender; the
	 * first sender is the call's address. */
	args[3] = MSG_WAITFORONE;
	args[4] = 0;
	put_mmsg(&f, 0x100, 0x600, sizeof a, 0x400, 0);
	put_mmsg(&f, mm1, 0x620, sizeof b, 0x410, 0);
	call_start(&c, "recvmmsg", args, &m);
	CHECK_STR(call_str(&c), "recvmmsg(3, 0x100, 2, MSG_WAITFORONE, NULL)");
	fake_put(&f, 0x500, "abcdef", 6);
	fake_put(&f, 0x510, "xyz\0\0\0\0", 7);
	fake_put(&f, 0x600, &a, sizeof a);
	fake_put(&f, 0x620, &b, sizeof b);
	put_mmsg(&f, 0x100, 0x600, sizeof a, 0x400, 6);
	put_mmsg(&f, mm1, 0x620, sizeof b, 0x410, 3);
	sc_decode_exit(&c, &m, 2);
	CHECK_STR(call_str(&c), "recvmmsg(3, [{msg_hdr={msg_name={AF_INET, "
	    "127.0.0.1:5353}, msg_iov=[{iov_base=\"abcdef\", iov_len=6}], "
	    "msg_iovlen=1, msg_controllen=0, msg_flags=0}, msg_len=6}, "
	    "{msg_hdr={msg_name={AF_INET, 127.0.0.2:5354}, "
	    "msg_iov=[{iov_base=\"xyz\", iov_len=7}], msg_iovlen=1, "
	    "msg_controllen=0, msg_flags=0}, msg_len=3}], 2, MSG_WAITFORONE, "
	    "NULL) = 2");
	CHECK_INT(c.addr_len, sizeof a);
	fmt_start();
	sc_format_addr_port(&out, &c.addr);
	CHECK_STR(sbuf_str(&out), "127.0.0.1:5353");
	sc_call_clear(&c);

	call_start(&c, "recvmmsg", args, &m);
	sc_decode_exit(&c, &m, -EAGAIN);
	CHECK_STR(call_str(&c), "recvmmsg(3, 0x100, 2, MSG_WAITFORONE, NULL) = "
	    "-1 EAGAIN (Resource temporarily unavailable)");
	sc_call_clear(&c);

	/* A hostile vlen: four messages read at most, then "...". */
	args[2] = 0xffffffff;
	args[3] = 0;
	f.reads = 0;
	call_start(&c, "sendmmsg", args, &m);
	CHECK(strstr(call_str(&c), "}}, ...], 4294967295, 0)") != NULL);
	CHECK(f.reads < 40);
	sc_call_clear(&c);

	/* Unreadable: the pointer. */
	args[1] = 0x90000;
	args[2] = 2;
	call_start(&c, "sendmmsg", args, &m);
	sc_decode_exit(&c, &m, 2);
	CHECK_STR(call_str(&c), "sendmmsg(3, 0x90000, 2, 0) = 2");
	sc_call_clear(&c);
}

static void
test_socketpair(void)
{
	struct fake f;
	struct sc_mem m;
	struct sc_call c;
	int fds[2] = { 5, 6 };
	uint64_t args[SCF_MAXARGS] = { AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
	    0x100 };

	fake_init(&f, &m);
	call_start(&c, "socketpair", args, &m);
	CHECK_STR(call_str(&c),
	    "socketpair(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC, 0, 0x100)");
	fake_put(&f, 0x100, fds, sizeof fds);
	sc_decode_exit(&c, &m, 0);
	CHECK_STR(call_str(&c),
	    "socketpair(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC, 0, [5, 6]) = 0");
	sc_call_clear(&c);

	args[0] = AF_INET;
	call_start(&c, "socketpair", args, &m);
	sc_decode_exit(&c, &m, -EOPNOTSUPP);
	CHECK_STR(call_str(&c), "socketpair(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, "
	    "0, 0x100) = -1 EOPNOTSUPP (Operation not supported)");
	sc_call_clear(&c);

	args[3] = 0x90000;
	call_start(&c, "socketpair", args, &m);
	sc_decode_exit(&c, &m, 0);
	CHECK_STR(call_str(&c),
	    "socketpair(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, 0, 0x90000) = 0");
	sc_call_clear(&c);
}

static void
test_sendfile_splice(void)
{
	struct fake f;
	struct sc_mem m;
	struct sc_call c;
	int64_t off = 0;
	uint64_t args[SCF_MAXARGS] = { 4, 3, 0x100, 11 };

	fake_init(&f, &m);
	fake_put(&f, 0x100, &off, sizeof off);
	call_start(&c, "sendfile", args, &m);
	CHECK_STR(call_str(&c), "sendfile(4, 3, [0], 11)");
	off = 11;
	fake_put(&f, 0x100, &off, sizeof off);
	sc_decode_exit(&c, &m, 11);
	CHECK_STR(call_str(&c), "sendfile(4, 3, [0->11], 11) = 11");
	sc_call_clear(&c);

	args[2] = 0;
	call_start(&c, "sendfile", args, &m);
	sc_decode_exit(&c, &m, 11);
	CHECK_STR(call_str(&c), "sendfile(4, 3, NULL, 11) = 11");
	sc_call_clear(&c);

	args[2] = 0x100;
	call_start(&c, "sendfile", args, &m);
	sc_decode_exit(&c, &m, -EPIPE);
	CHECK_STR(call_str(&c),
	    "sendfile(4, 3, [11], 11) = -1 EPIPE (Broken pipe)");
	sc_call_clear(&c);

	/* Unreadable at entry, readable at exit: no "->" from nothing. */
	args[2] = 0x90000;
	call_start(&c, "sendfile", args, &m);
	sc_decode_exit(&c, &m, 1);
	CHECK_STR(call_str(&c), "sendfile(4, 3, 0x90000, 11) = 1");
	sc_call_clear(&c);

	args[0] = 5;
	args[1] = 0;
	args[2] = 8;
	args[3] = 0;
	args[4] = 7;
	args[5] = SPLICE_F_MOVE | SPLICE_F_MORE;
	call_start(&c, "splice", args, &m);
	sc_decode_exit(&c, &m, 7);
	CHECK_STR(call_str(&c),
	    "splice(5, NULL, 8, NULL, 7, SPLICE_F_MOVE|SPLICE_F_MORE) = 7");
	sc_call_clear(&c);

	args[3] = 0x100;
	call_start(&c, "splice", args, &m);
	off = 18;
	fake_put(&f, 0x100, &off, sizeof off);
	sc_decode_exit(&c, &m, 7);
	CHECK_STR(call_str(&c), "splice(5, NULL, 8, [11->18], 7, "
	    "SPLICE_F_MOVE|SPLICE_F_MORE) = 7");
	sc_call_clear(&c);
}

static void
test_fuzz(void)
{
	static struct fake f;
	struct sc_mem m;
	struct sc_call c, copy;
	uint64_t args[SCF_MAXARGS];
	size_t i, k, longest = 0;
	int iter;

	fake_init(&f, &m);
	for (iter = 0; iter < 20000; iter++) {
		/* Mostly-random memory with some plausible small numbers. */
		if (iter % 50 == 0) {
			for (i = 0; i < FAKE_SIZE; i++)
				f.mem[i] = (unsigned char)next_rand();
			for (i = 0; i < FAKE_SIZE; i += 8) {
				if (next_rand() % 3 == 0)
					f.mem[i] =
					    (unsigned char)(next_rand() % 40);
				if (next_rand() % 4 == 0)
					memset(f.mem + i + 1, 0, 3);
			}
		}
		f.size = FAKE_SIZE - next_rand() % 32;
		for (k = 0; k < SCF_MAXARGS; k++)
			args[k] = rand_arg();
		sc_call_init(&c, sc_at(next_rand() % sc_count()), args);
		sc_decode_entry(&c, &m);
		if (next_rand() % 4 == 0)
			memset(f.mem + next_rand() % FAKE_SIZE, 0x10, 1);
		sc_decode_exit(&c, &m, next_rand() % 3 == 0 ?
		    -(int64_t)(next_rand() % 5000) : (int64_t)rand_arg());
		sc_call_copy(&copy, &c);
		sc_call_clear(&c);
		fmt_start();
		sc_format_call(&out, &copy);
		if (out.len > longest)
			longest = out.len;
		sc_call_clear(&copy);
	}
	/* 4 iovecs of 64 escaped bytes and a few addresses at most, times
	 * 4 messages for sendmmsg/recvmmsg. */
	CHECK(longest < 8000);
}

int
main(void)
{
	bool utf8;

	/* Failures go to stderr; keep them in order with the summary. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	/*
	 * Run under a UTF-8 locale, as the screen does: escaping must not
	 * change with it, and the explain lines are measured in it.
	 */
	utf8 = setlocale(LC_ALL, "C.UTF-8") != NULL;
	if (!utf8)
		printf("note: no C.UTF-8 locale, explain widths not checked\n");
	sbuf_init(&out);

	test_table(utf8);
	test_xlat();
	test_sockaddr();
	test_buf();
	test_connect();
	test_socket_listen_close();
	test_accept();
	test_getsockname();
	test_read_write();
	test_sendto_recvfrom();
	test_sockopt();
	test_msghdr();
	test_iov();
	test_mmsg();
	test_socketpair();
	test_sendfile_splice();
	test_tracee_read();
	test_fuzz();

	sbuf_finish(&out);
	return check_finish();
}
