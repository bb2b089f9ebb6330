/*
 * syscall-xlat.c - constants to names, addresses and buffers to text.
 *
 * Everything here prints exactly what strace would let a student
 * recognise: symbolic names where the value is known, the plain number
 * where it is not, and unknown flag bits as a hex remainder so nothing
 * the tracee passed is silently dropped.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

/* Only strnvisx is used; pick a strnvis flavour so vis.h stays quiet. */
#ifndef LIBBSD_NETBSD_VIS
#define LIBBSD_OPENBSD_VIS
#endif
#include <vis.h>

#include "model.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * Linux errno values are dense from 1 to 133: index by value.  Aliases
 * (EWOULDBLOCK, EDEADLOCK, ENOTSUP) are left out; they share a value.
 */
#define ERRNO(e)	[e] = #e
static const char *const errno_names[] = {
	ERRNO(EPERM), ERRNO(ENOENT), ERRNO(ESRCH), ERRNO(EINTR),
	ERRNO(EIO), ERRNO(ENXIO), ERRNO(E2BIG), ERRNO(ENOEXEC),
	ERRNO(EBADF), ERRNO(ECHILD), ERRNO(EAGAIN), ERRNO(ENOMEM),
	ERRNO(EACCES), ERRNO(EFAULT), ERRNO(ENOTBLK), ERRNO(EBUSY),
	ERRNO(EEXIST), ERRNO(EXDEV), ERRNO(ENODEV), ERRNO(ENOTDIR),
	ERRNO(EISDIR), ERRNO(EINVAL), ERRNO(ENFILE), ERRNO(EMFILE),
	ERRNO(ENOTTY), ERRNO(ETXTBSY), ERRNO(EFBIG), ERRNO(ENOSPC),
	ERRNO(ESPIPE), ERRNO(EROFS), ERRNO(EMLINK), ERRNO(EPIPE),
	ERRNO(EDOM), ERRNO(ERANGE), ERRNO(EDEADLK), ERRNO(ENAMETOOLONG),
	ERRNO(ENOLCK), ERRNO(ENOSYS), ERRNO(ENOTEMPTY), ERRNO(ELOOP),
	ERRNO(ENOMSG), ERRNO(EIDRM), ERRNO(ECHRNG), ERRNO(EL2NSYNC),
	ERRNO(EL3HLT), ERRNO(EL3RST), ERRNO(ELNRNG), ERRNO(EUNATCH),
	ERRNO(ENOCSI), ERRNO(EL2HLT), ERRNO(EBADE), ERRNO(EBADR),
	ERRNO(EXFULL), ERRNO(ENOANO), ERRNO(EBADRQC), ERRNO(EBADSLT),
	ERRNO(EBFONT), ERRNO(ENOSTR), ERRNO(ENODATA), ERRNO(ETIME),
	ERRNO(ENOSR), ERRNO(ENONET), ERRNO(ENOPKG), ERRNO(EREMOTE),
	ERRNO(ENOLINK), ERRNO(EADV), ERRNO(ESRMNT), ERRNO(ECOMM),
	ERRNO(EPROTO), ERRNO(EMULTIHOP), ERRNO(EDOTDOT), ERRNO(EBADMSG),
	ERRNO(EOVERFLOW), ERRNO(ENOTUNIQ), ERRNO(EBADFD), ERRNO(EREMCHG),
	ERRNO(ELIBACC), ERRNO(ELIBBAD), ERRNO(ELIBSCN), ERRNO(ELIBMAX),
	ERRNO(ELIBEXEC), ERRNO(EILSEQ), ERRNO(ERESTART), ERRNO(ESTRPIPE),
	ERRNO(EUSERS), ERRNO(ENOTSOCK), ERRNO(EDESTADDRREQ),
	ERRNO(EMSGSIZE), ERRNO(EPROTOTYPE), ERRNO(ENOPROTOOPT),
	ERRNO(EPROTONOSUPPORT), ERRNO(ESOCKTNOSUPPORT), ERRNO(EOPNOTSUPP),
	ERRNO(EPFNOSUPPORT), ERRNO(EAFNOSUPPORT), ERRNO(EADDRINUSE),
	ERRNO(EADDRNOTAVAIL), ERRNO(ENETDOWN), ERRNO(ENETUNREACH),
	ERRNO(ENETRESET), ERRNO(ECONNABORTED), ERRNO(ECONNRESET),
	ERRNO(ENOBUFS), ERRNO(EISCONN), ERRNO(ENOTCONN), ERRNO(ESHUTDOWN),
	ERRNO(ETOOMANYREFS), ERRNO(ETIMEDOUT), ERRNO(ECONNREFUSED),
	ERRNO(EHOSTDOWN), ERRNO(EHOSTUNREACH), ERRNO(EALREADY),
	ERRNO(EINPROGRESS), ERRNO(ESTALE), ERRNO(EUCLEAN), ERRNO(ENOTNAM),
	ERRNO(ENAVAIL), ERRNO(EISNAM), ERRNO(EREMOTEIO), ERRNO(EDQUOT),
	ERRNO(ENOMEDIUM), ERRNO(EMEDIUMTYPE), ERRNO(ECANCELED),
	ERRNO(ENOKEY), ERRNO(EKEYEXPIRED), ERRNO(EKEYREVOKED),
	ERRNO(EKEYREJECTED), ERRNO(EOWNERDEAD), ERRNO(ENOTRECOVERABLE),
	ERRNO(ERFKILL), ERRNO(EHWPOISON),
};
#undef ERRNO

/*
 * Kernel-internal codes (include/linux/errno.h).  A ptrace tracer sees
 * them at syscall exit when a signal interrupts a blocking accept or
 * read, before the kernel restarts the call or turns them into EINTR.
 * libc has no text for them, so the descriptions are strace's.
 */
struct errno_internal {
	int		 val;
	const char	*name;
	const char	*desc;
};
static const struct errno_internal errno_internal[] = {
	{ 512, "ERESTARTSYS", "To be restarted if SA_RESTART is set" },
	{ 513, "ERESTARTNOINTR", "To be restarted" },
	{ 514, "ERESTARTNOHAND", "To be restarted if no handler" },
	{ 515, "ENOIOCTLCMD", "No ioctl command" },
	{ 516, "ERESTART_RESTARTBLOCK", "Interrupted by signal" },
	{ 517, "EPROBE_DEFER", "Requested probe deferral" },
	{ 518, "EOPENSTALE", "Open found a stale dentry" },
	{ 519, "ENOPARAM", "Parameter not supported" },
	{ 521, "EBADHANDLE", "Illegal NFS file handle" },
	{ 522, "ENOTSYNC", "Update synchronization mismatch" },
	{ 523, "EBADCOOKIE", "Cookie is stale" },
	{ 524, "ENOTSUPP", "Operation is not supported" },
	{ 525, "ETOOSMALL", "Buffer or request is too small" },
	{ 526, "ESERVERFAULT", "An untranslatable error occurred" },
	{ 527, "EBADTYPE", "Type not supported by server" },
	{ 528, "EJUKEBOX",
	    "Request initiated, but will not complete before timeout" },
	{ 529, "EIOCBQUEUED", "iocb queued, will get completion event" },
	{ 530, "ERECALLCONFLICT", "Conflict with recalled state" },
};

static const struct errno_internal *
errno_internal_find(int e)
{
	size_t i;

	for (i = 0; i < NITEMS(errno_internal); i++) {
		if (errno_internal[i].val == e)
			return &errno_internal[i];
	}
	return NULL;
}

const char *
sc_errno_name(int e)
{
	const struct errno_internal *ei;

	if (e > 0 && (size_t)e < NITEMS(errno_names))
		return errno_names[e];
	if ((ei = errno_internal_find(e)) != NULL)
		return ei->name;
	return NULL;
}

/*
 * English text for an errno.  strerror would follow LC_MESSAGES and the
 * lab runs in a Chinese locale too; the transcript must not change.
 */
const char *
sc_errno_desc(int e)
{
	const struct errno_internal *ei;
	const char *s;

	if ((ei = errno_internal_find(e)) != NULL)
		return ei->desc;
	if ((s = strerrordesc_np(e)) != NULL)
		return s;
	return NULL;
}

static const struct xlat domains[] = {
	XLAT(AF_UNSPEC),
	XLAT(AF_UNIX),		/* AF_LOCAL is the same value */
	XLAT(AF_INET),
	XLAT(AF_INET6),
	XLAT(AF_NETLINK),
	XLAT(AF_PACKET),
	XLAT(AF_BLUETOOTH),
	XLAT(AF_CAN),
	XLAT(AF_ALG),
	XLAT(AF_VSOCK),
};

static const char *
xlat_find(const struct xlat *x, size_t n, unsigned val)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (x[i].val == val)
			return x[i].name;
	}
	return NULL;
}

/* A name when known, else the decimal value: the strace rule. */
void
sc_xlat_value(struct sbuf *sb, const struct xlat *x, size_t n, int val)
{
	const char *name;

	if ((name = xlat_find(x, n, (unsigned)val)) != NULL)
		sbuf_add(sb, name);
	else
		sbuf_addf(sb, "%d", val);
}

/*
 * Bits joined with '|', then any bits no table entry claims as a hex
 * remainder.  Nothing appended when v is 0; returns whether anything was.
 */
static bool
xlat_bits(struct sbuf *sb, const struct xlat *x, size_t n, unsigned v,
    bool sep)
{
	size_t i;

	for (i = 0; i < n && v != 0; i++) {
		if ((v & x[i].val) != x[i].val || x[i].val == 0)
			continue;
		if (sep)
			sbuf_addc(sb, '|');
		sbuf_add(sb, x[i].name);
		v &= ~x[i].val;
		sep = true;
	}
	if (v != 0) {
		if (sep)
			sbuf_addc(sb, '|');
		sbuf_addf(sb, "%#x", v);
		sep = true;
	}
	return sep;
}

void
sc_xlat_flags(struct sbuf *sb, const struct xlat *x, size_t n, unsigned v)
{
	if (!xlat_bits(sb, x, n, v, false))
		sbuf_addc(sb, '0');
}

const char *
sc_domain_name(int d)
{
	return xlat_find(domains, NITEMS(domains), (unsigned)d);
}

static const struct xlat socktypes[] = {
	XLAT(SOCK_STREAM),
	XLAT(SOCK_DGRAM),
	XLAT(SOCK_RAW),
	XLAT(SOCK_RDM),
	XLAT(SOCK_SEQPACKET),
	XLAT(SOCK_DCCP),
	XLAT(SOCK_PACKET),
};

/* Ascending bit order, so SOCK_NONBLOCK prints before SOCK_CLOEXEC. */
static const struct xlat sockflags[] = {
	XLAT(SOCK_NONBLOCK),
	XLAT(SOCK_CLOEXEC),
};

/* The kernel's SOCK_TYPE_MASK: the type is the low nibble. */
#define SOCKTYPE_MASK	0xfU

void
sc_format_socktype(struct sbuf *sb, int type)
{
	unsigned v = (unsigned)type;

	sc_xlat_value(sb, socktypes, NITEMS(socktypes), (int)(v & SOCKTYPE_MASK));
	xlat_bits(sb, sockflags, NITEMS(sockflags), v & ~SOCKTYPE_MASK, true);
}

static const struct xlat protocols[] = {
	XLAT(IPPROTO_ICMP),
	XLAT(IPPROTO_TCP),
	XLAT(IPPROTO_UDP),
	XLAT(IPPROTO_IPV6),
	XLAT(IPPROTO_ICMPV6),
	XLAT(IPPROTO_SCTP),
	XLAT(IPPROTO_UDPLITE),
	XLAT(IPPROTO_RAW),
	XLAT(IPPROTO_MPTCP),
};

/* 0 stays "0": it means "the default for the type", not IPPROTO_IP. */
void
sc_format_protocol(struct sbuf *sb, int proto)
{
	sc_xlat_value(sb, protocols, NITEMS(protocols), proto);
}

static const struct xlat msg_flags[] = {
	XLAT(MSG_OOB),
	XLAT(MSG_PEEK),
	XLAT(MSG_DONTROUTE),
	XLAT(MSG_CTRUNC),
	XLAT(MSG_PROXY),
	XLAT(MSG_TRUNC),
	XLAT(MSG_DONTWAIT),
	XLAT(MSG_EOR),
	XLAT(MSG_WAITALL),
	XLAT(MSG_FIN),
	XLAT(MSG_SYN),
	XLAT(MSG_CONFIRM),
	XLAT(MSG_RST),
	XLAT(MSG_ERRQUEUE),
	XLAT(MSG_NOSIGNAL),
	XLAT(MSG_MORE),
	XLAT(MSG_WAITFORONE),
	XLAT(MSG_BATCH),
	XLAT(MSG_ZEROCOPY),
	XLAT(MSG_FASTOPEN),
	XLAT(MSG_CMSG_CLOEXEC),
};

void
sc_format_msg_flags(struct sbuf *sb, unsigned flags)
{
	sc_xlat_flags(sb, msg_flags, NITEMS(msg_flags), flags);
}

void
sc_format_accept_flags(struct sbuf *sb, unsigned flags)
{
	sc_xlat_flags(sb, sockflags, NITEMS(sockflags), flags);
}

static const struct xlat shut_how[] = {
	XLAT(SHUT_RD),
	XLAT(SHUT_WR),
	XLAT(SHUT_RDWR),
};

void
sc_format_shut_how(struct sbuf *sb, int how)
{
	sc_xlat_value(sb, shut_how, NITEMS(shut_how), how);
}

static const struct xlat splice_flags[] = {
	XLAT(SPLICE_F_MOVE),
	XLAT(SPLICE_F_NONBLOCK),
	XLAT(SPLICE_F_MORE),
	XLAT(SPLICE_F_GIFT),
};

void
sc_format_splice_flags(struct sbuf *sb, unsigned flags)
{
	sc_xlat_flags(sb, splice_flags, NITEMS(splice_flags), flags);
}

/* SOL_RAW is 255, the same number as IPPROTO_RAW: raw sockets' level. */
static const struct xlat sockopt_levels[] = {
	XLAT(SOL_SOCKET),
	XLAT(IPPROTO_IP),
	XLAT(IPPROTO_TCP),
	XLAT(IPPROTO_UDP),
	XLAT(IPPROTO_IPV6),
	XLAT(IPPROTO_ICMPV6),
	XLAT(SOL_RAW),
	XLAT(SOL_PACKET),
	XLAT(SOL_NETLINK),
	XLAT(SOL_TLS),
};

void
sc_format_sockopt_level(struct sbuf *sb, int level)
{
	sc_xlat_value(sb, sockopt_levels, NITEMS(sockopt_levels), level);
}

static const struct xlat so_names[] = {
	XLAT(SO_DEBUG),
	XLAT(SO_REUSEADDR),
	XLAT(SO_TYPE),
	XLAT(SO_ERROR),
	XLAT(SO_DONTROUTE),
	XLAT(SO_BROADCAST),
	XLAT(SO_SNDBUF),
	XLAT(SO_RCVBUF),
	XLAT(SO_KEEPALIVE),
	XLAT(SO_OOBINLINE),
	XLAT(SO_NO_CHECK),
	XLAT(SO_PRIORITY),
	XLAT(SO_LINGER),
	XLAT(SO_BSDCOMPAT),
	XLAT(SO_REUSEPORT),
	XLAT(SO_PASSCRED),
	XLAT(SO_PEERCRED),
	XLAT(SO_RCVLOWAT),
	XLAT(SO_SNDLOWAT),
	/* 64-bit time_t: the _OLD numbers are the ones x86_64 uses. */
	{ SO_RCVTIMEO_OLD, "SO_RCVTIMEO" },
	{ SO_SNDTIMEO_OLD, "SO_SNDTIMEO" },
	XLAT(SO_BINDTODEVICE),
	XLAT(SO_TIMESTAMP_OLD),
	XLAT(SO_ACCEPTCONN),
	XLAT(SO_PEERSEC),
	XLAT(SO_SNDBUFFORCE),
	XLAT(SO_RCVBUFFORCE),
	XLAT(SO_PASSSEC),
	XLAT(SO_MARK),
	XLAT(SO_PROTOCOL),
	XLAT(SO_DOMAIN),
	XLAT(SO_RXQ_OVFL),
	XLAT(SO_PEEK_OFF),
	XLAT(SO_BUSY_POLL),
	XLAT(SO_INCOMING_CPU),
	XLAT(SO_ZEROCOPY),
};

static const struct xlat tcp_names[] = {
	XLAT(TCP_NODELAY),
	XLAT(TCP_MAXSEG),
	XLAT(TCP_CORK),
	XLAT(TCP_KEEPIDLE),
	XLAT(TCP_KEEPINTVL),
	XLAT(TCP_KEEPCNT),
	XLAT(TCP_SYNCNT),
	XLAT(TCP_LINGER2),
	XLAT(TCP_DEFER_ACCEPT),
	XLAT(TCP_WINDOW_CLAMP),
	XLAT(TCP_INFO),
	XLAT(TCP_QUICKACK),
	XLAT(TCP_CONGESTION),
	XLAT(TCP_USER_TIMEOUT),
	XLAT(TCP_FASTOPEN),
	XLAT(TCP_NOTSENT_LOWAT),
	XLAT(TCP_FASTOPEN_CONNECT),
};

static const struct xlat ip_names[] = {
	XLAT(IP_TOS),
	XLAT(IP_TTL),
	XLAT(IP_HDRINCL),
	XLAT(IP_OPTIONS),
	XLAT(IP_PKTINFO),
	XLAT(IP_MTU_DISCOVER),
	XLAT(IP_RECVERR),
	XLAT(IP_MTU),
	XLAT(IP_FREEBIND),
	XLAT(IP_TRANSPARENT),
	XLAT(IP_BIND_ADDRESS_NO_PORT),
	XLAT(IP_MULTICAST_IF),
	XLAT(IP_MULTICAST_TTL),
	XLAT(IP_MULTICAST_LOOP),
	XLAT(IP_ADD_MEMBERSHIP),
	XLAT(IP_DROP_MEMBERSHIP),
};

static const struct xlat ipv6_names[] = {
	XLAT(IPV6_UNICAST_HOPS),
	XLAT(IPV6_MULTICAST_IF),
	XLAT(IPV6_MULTICAST_HOPS),
	XLAT(IPV6_MULTICAST_LOOP),
	XLAT(IPV6_MTU_DISCOVER),
	XLAT(IPV6_MTU),
	XLAT(IPV6_RECVERR),
	XLAT(IPV6_V6ONLY),
	XLAT(IPV6_RECVPKTINFO),
	XLAT(IPV6_TCLASS),
};

static const struct xlat udp_names[] = {
	XLAT(UDP_CORK),
	XLAT(UDP_SEGMENT),
	XLAT(UDP_GRO),
};

/* <linux/icmp.h> would clash with <netinet/ip_icmp.h>: its one option. */
#ifndef ICMP_FILTER
#define ICMP_FILTER	1
#endif
static const struct xlat raw_names[] = {
	XLAT(ICMP_FILTER),
};

void
sc_format_sockopt_name(struct sbuf *sb, int level, int name)
{
	const struct xlat *x;
	size_t n;

	switch (level) {
	case SOL_SOCKET:
		x = so_names;
		n = NITEMS(so_names);
		break;
	case IPPROTO_TCP:
		x = tcp_names;
		n = NITEMS(tcp_names);
		break;
	case IPPROTO_IP:
		x = ip_names;
		n = NITEMS(ip_names);
		break;
	case IPPROTO_IPV6:
		x = ipv6_names;
		n = NITEMS(ipv6_names);
		break;
	case IPPROTO_UDP:
		x = udp_names;
		n = NITEMS(udp_names);
		break;
	case SOL_RAW:
		x = raw_names;
		n = NITEMS(raw_names);
		break;
	default:
		x = NULL;
		n = 0;
		break;
	}
	sc_xlat_value(sb, x, n, name);
}

/*
 * n bytes, quoted and escaped like a C string.  VIS_NOLOCALE keeps the
 * text the same whatever locale the screen set up: every byte >= 0x80
 * is octal, never half of a character the terminal might mangle.
 * strnvisx takes an explicit length, so embedded NULs are fine.
 *
 * libbsd's strnvisx reads one byte past src when n is 1 (its look-ahead
 * for "\0" before a digit), and writes the NUL one past dlen when the
 * output fills dlen.  So it gets a NUL-terminated copy, and a dst that
 * always has room: callers pass at most SC_BUF_SHOW or sun_path bytes.
 */
static void
add_quoted(struct sbuf *sb, const void *p, size_t n)
{
	char *src, *dst;
	size_t dlen = 4 * n + 1;	/* worst case "\ooo" per byte */

	src = xmalloc(n + 1);
	memcpy(src, p, n);
	src[n] = '\0';
	dst = xmalloc(dlen);
	if (strnvisx(dst, dlen, src, n, VIS_CSTYLE | VIS_TAB | VIS_NL |
	    VIS_OCTAL | VIS_DQ | VIS_NOLOCALE) < 0)
		dst[0] = '\0';
	sbuf_addc(sb, '"');
	sbuf_add(sb, dst);
	sbuf_addc(sb, '"');
	free(dst);
	free(src);
}

void
sc_format_buf(struct sbuf *sb, const void *p, size_t len, size_t total)
{
	size_t show = len < SC_BUF_SHOW ? len : SC_BUF_SHOW;

	add_quoted(sb, p, show);
	if (total > show)
		sbuf_add(sb, "...");
}

static void
add_inet(struct sbuf *sb, const struct sockaddr_in *sin)
{
	char host[INET_ADDRSTRLEN];

	if (inet_ntop(AF_INET, &sin->sin_addr, host, sizeof host) == NULL)
		strlcpy(host, "?", sizeof host);
	sbuf_addf(sb, "%s:%u", host, (unsigned)ntohs(sin->sin_port));
}

static void
add_inet6(struct sbuf *sb, const struct sockaddr_in6 *sin6)
{
	char host[INET6_ADDRSTRLEN];

	if (inet_ntop(AF_INET6, &sin6->sin6_addr, host, sizeof host) == NULL)
		strlcpy(host, "?", sizeof host);
	sbuf_addf(sb, "[%s", host);
	/* A link-local address means nothing without its interface. */
	if (sin6->sin6_scope_id != 0)
		sbuf_addf(sb, "%%%u", (unsigned)sin6->sin6_scope_id);
	sbuf_addf(sb, "]:%u", (unsigned)ntohs(sin6->sin6_port));
}

/*
 * sun_path is the len - 2 bytes after the family.  A leading NUL marks
 * an abstract name: every byte counts, NULs included, and strace (and
 * ss) show it with '@'.  A path name ends at its first NUL.
 */
static void
add_unix(struct sbuf *sb, const unsigned char *p, size_t len)
{
	const size_t off = offsetof(struct sockaddr_un, sun_path);
	const unsigned char *path = p + off;
	size_t n = len - off, i;

	if (n > sizeof(((struct sockaddr_un *)0)->sun_path))
		n = sizeof(((struct sockaddr_un *)0)->sun_path);
	if (n == 0) {
		sbuf_add(sb, "unnamed");
		return;
	}
	if (path[0] == '\0') {
		sbuf_addc(sb, '@');
		add_quoted(sb, path + 1, n - 1);
		return;
	}
	for (i = 0; i < n && path[i] != '\0'; i++)
		continue;
	add_quoted(sb, path, i);
}

/* The shortest length at which a family's address is complete. */
static size_t
family_minlen(int family)
{
	switch (family) {
	case AF_INET:
		return sizeof(struct sockaddr_in);
	case AF_INET6:
		/* RFC 2133 size, no scope id: the kernel still takes it. */
		return offsetof(struct sockaddr_in6, sin6_scope_id);
	case AF_UNIX:
		return offsetof(struct sockaddr_un, sun_path);
	default:
		return sizeof(sa_family_t);
	}
}

void
sc_format_sockaddr(struct sbuf *sb, const void *p, size_t len)
{
	struct sockaddr_storage ss;
	const char *name;
	int family;

	if (len == 0) {
		sbuf_add(sb, "{}");
		return;
	}
	if (len < sizeof(sa_family_t)) {
		sbuf_addf(sb, "{<truncated, %zu bytes>}", len);
		return;
	}
	/* Copy: the caller's bytes need not be aligned for the struct. */
	if (len > sizeof ss)
		len = sizeof ss;
	memset(&ss, 0, sizeof ss);
	memcpy(&ss, p, len);
	family = ss.ss_family;
	name = sc_domain_name(family);

	if (family != AF_INET && family != AF_INET6 && family != AF_UNIX) {
		if (name != NULL)
			sbuf_addf(sb, "{sa_family=%s}", name);
		else
			sbuf_addf(sb, "{sa_family=%d}", family);
		return;
	}
	sbuf_addf(sb, "{%s, ", name);
	if (len < family_minlen(family))
		sbuf_addf(sb, "<truncated, %zu bytes>", len);
	else if (family == AF_INET)
		add_inet(sb, (struct sockaddr_in *)&ss);
	else if (family == AF_INET6)
		add_inet6(sb, (struct sockaddr_in6 *)&ss);
	else
		add_unix(sb, (const unsigned char *)&ss, len);
	sbuf_addc(sb, '}');
}

void
sc_format_addr_port(struct sbuf *sb, const struct sockaddr_storage *ss)
{
	switch (ss->ss_family) {
	case AF_INET:
		add_inet(sb, (const struct sockaddr_in *)ss);
		break;
	case AF_INET6:
		add_inet6(sb, (const struct sockaddr_in6 *)ss);
		break;
	default:
		sbuf_addc(sb, '?');
		break;
	}
}
