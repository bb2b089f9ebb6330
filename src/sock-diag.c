/*
 * sock-diag.c - the kernel's list of TCP sockets on the lab port, read
 * through NETLINK_SOCK_DIAG (what ss(8) uses), never counted by us.
 */
#include <sys/socket.h>
#include <sys/uio.h>

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>

#include <netinet/in.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model.h"

/*
 * The kernel's TCP_* numbers (include/net/tcp_states.h).  Userland
 * <netinet/tcp.h> stops at TCP_CLOSING, so the table is indexed by the
 * raw number.  NEW-SYN-RECV is a request sock; sock_diag reports those
 * as SYN-RECV.  Since Linux 6.8 a socket that is bound but neither
 * listening nor connecting is dumped too when every state bit is asked
 * for; it comes as CLOSE, its real sk_state.
 */
static const char *const tcp_state_names[] = {
	[1] = "ESTABLISHED",
	[2] = "SYN-SENT",
	[3] = "SYN-RECV",
	[4] = "FIN-WAIT-1",
	[5] = "FIN-WAIT-2",
	[6] = "TIME-WAIT",
	[7] = "CLOSE",
	[8] = "CLOSE-WAIT",
	[9] = "LAST-ACK",
	[10] = "LISTEN",
	[11] = "CLOSING",
	[12] = "NEW-SYN-RECV",
};

#define NITEMS(a) (sizeof(a) / sizeof((a)[0]))

/*
 * What each answer carries beyond struct inet_diag_msg: tcp_info (ss -i),
 * for the retransmissions, rtt and bytes not sent yet (issue 16 §3).
 * The kernel adds it to full sockets only; TIME-WAIT and request socks
 * come without it.
 */
#define DIAG_EXT	(1U << (INET_DIAG_INFO - 1))

/* One datagram of a dump is at most 32 KiB on every arch today. */
#define DIAG_RECVBUF	(64 * 1024)

const char *
tcp_state_name(int state)
{
	if (state < 0 || (size_t)state >= NITEMS(tcp_state_names) ||
	    tcp_state_names[state] == NULL)
		return "UNKNOWN";
	return tcp_state_names[state];
}

struct diag_req {
	struct nlmsghdr		nlh;
	struct inet_diag_req_v2	r;
	struct nlattr		bc_attr;
	struct inet_diag_bc_op	bc[5];
};

/*
 * The older request (TCPDIAG_GETSOCK, struct inet_diag_req) is the only
 * one the kernel takes with AF_UNSPEC: it dumps IPv4 and IPv6 in one
 * walk of the established hash, where one SOCK_DIAG_BY_FAMILY request
 * per family walks it twice.  That walk (every bucket of a table sized
 * by RAM, 262144 here) is most of a snapshot's cost, so one walk halves
 * it; the answer is the same sockets, in the same inet_diag_msg form.
 */
struct diag_req_any {
	struct nlmsghdr		nlh;
	struct inet_diag_req	r;
	struct nlattr		bc_attr;
	struct inet_diag_bc_op	bc[5];
};

/*
 * "sport == port || dport == port" in the kernel's filter language
 * (net/ipv4/inet_diag.c: inet_diag_bc_run).  Every op jumps forward by
 * "yes" bytes when its test holds and by "no" bytes when it fails; the
 * program accepts when it runs off its exact end and rejects when it
 * jumps 4 bytes past it.  A port compare keeps the port, in host order,
 * in the "no" field of a second op.  The auditor walks the "yes" chain,
 * so the OR needs ss(8)'s shape: a JMP between the two tests.
 *
 *	 0  S_EQ  yes 8  no 12		sport == port?  no: try dport
 *	 4  (port)
 *	 8  JMP   yes 4  no 12		matched: jump to 20, the end
 *	12  D_EQ  yes 8  no 12		dport == port?  yes: 20, no: 24
 *	16  (port)
 */
static void
diag_filter(struct inet_diag_bc_op *bc, uint16_t port)
{
	static const struct inet_diag_bc_op prog[5] = {
		{ INET_DIAG_BC_S_EQ, 8, 12 },
		{ INET_DIAG_BC_NOP, 0, 0 },
		{ INET_DIAG_BC_JMP, 4, 12 },
		{ INET_DIAG_BC_D_EQ, 8, 12 },
		{ INET_DIAG_BC_NOP, 0, 0 },
	};

	memcpy(bc, prog, sizeof(prog));
	bc[1].no = port;
	bc[4].no = port;
}

/* Keeps errno: the caller still looks at it. */
static void
diag_set_err(char *err, size_t errlen, const char *what, int errnum)
{
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "sock_diag %s: %s", what,
		    strerror(errnum));
	errno = errnum;
}

/* What the kernel answers when it has no handler for a family. */
static bool
no_family(int errnum)
{
	return errnum == ENOENT || errnum == EAFNOSUPPORT ||
	    errnum == EPROTONOSUPPORT;
}

static int
diag_sendmsg(int fd, const void *req, size_t len)
{
	struct sockaddr_nl sa;
	ssize_t n;

	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	do
		n = sendto(fd, req, len, 0, (struct sockaddr *)&sa,
		    sizeof(sa));
	while (n == -1 && errno == EINTR);
	if (n == -1)
		return -1;
	if ((size_t)n != len) {
		errno = EIO;
		return -1;
	}
	return 0;
}

/* family AF_UNSPEC: both families in one walk (struct diag_req_any). */
static int
diag_send(int fd, int family, uint16_t port, uint32_t seq)
{
	struct diag_req req;
	struct diag_req_any any;

	if (family == AF_UNSPEC) {
		memset(&any, 0, sizeof(any));
		any.nlh.nlmsg_len = sizeof(any);
		any.nlh.nlmsg_type = TCPDIAG_GETSOCK;
		any.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
		any.nlh.nlmsg_seq = seq;
		any.r.idiag_family = AF_UNSPEC;
		any.r.idiag_ext = DIAG_EXT;
		any.r.idiag_states = ~0U;
		any.bc_attr.nla_type = INET_DIAG_REQ_BYTECODE;
		any.bc_attr.nla_len = NLA_HDRLEN + sizeof(any.bc);
		diag_filter(any.bc, port);
		return diag_sendmsg(fd, &any, sizeof(any));
	}
	memset(&req, 0, sizeof(req));
	req.nlh.nlmsg_len = sizeof(req);
	req.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	req.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.nlh.nlmsg_seq = seq;
	req.r.sdiag_family = family;
	req.r.sdiag_protocol = IPPROTO_TCP;
	req.r.idiag_ext = DIAG_EXT;
	req.r.idiag_states = ~0U;
	req.bc_attr.nla_type = INET_DIAG_REQ_BYTECODE;
	req.bc_attr.nla_len = NLA_HDRLEN + sizeof(req.bc);
	diag_filter(req.bc, port);
	return diag_sendmsg(fd, &req, sizeof(req));
}

/* The address and port of one end, as a sockaddr like getsockname's. */
static void
diag_addr(struct sockaddr_storage *ss, int family, const __be32 *addr,
    __be16 port, uint32_t ifindex)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		sin->sin_family = AF_INET;
		sin->sin_port = port;
		memcpy(&sin->sin_addr, addr, sizeof(sin->sin_addr));
	} else if (family == AF_INET6) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = port;
		memcpy(&sin6->sin6_addr, addr, sizeof(sin6->sin6_addr));
		if (IN6_IS_ADDR_LINKLOCAL(&sin6->sin6_addr))
			sin6->sin6_scope_id = ifindex;
	} else
		ss->ss_family = family;
}

struct diag_out {
	struct ksock	*socks;
	size_t		 n;
	size_t		 cap;
};

/*
 * tcp_info from an answer's attributes, when it has one.  An older
 * kernel's struct is shorter: what it lacks stays 0.
 */
static void
diag_info(struct ksock *k, const struct nlmsghdr *h)
{
	const char *p = (const char *)h +
	    NLA_ALIGN(NLMSG_LENGTH(sizeof(struct inet_diag_msg)));
	const char *end = (const char *)h + h->nlmsg_len;
	const struct nlattr *a;
	struct tcp_info ti;
	size_t alen;

	k->has_info = false;
	for (; end - p >= NLA_HDRLEN; p += NLA_ALIGN(a->nla_len)) {
		a = (const struct nlattr *)p;
		if (a->nla_len < NLA_HDRLEN || a->nla_len > end - p)
			return;		/* malformed: the rest is not read */
		if ((a->nla_type & NLA_TYPE_MASK) != INET_DIAG_INFO)
			continue;
		alen = a->nla_len - NLA_HDRLEN;
		memset(&ti, 0, sizeof(ti));
		memcpy(&ti, p + NLA_HDRLEN, alen < sizeof(ti) ? alen :
		    sizeof(ti));
		k->has_info = true;
		k->retransmits = ti.tcpi_retransmits;
		k->total_retrans = ti.tcpi_total_retrans;
		k->rtt_us = ti.tcpi_rtt;
		k->rttvar_us = ti.tcpi_rttvar;
		k->notsent = ti.tcpi_notsent_bytes;
		return;
	}
}

static void
diag_add(struct diag_out *out, const struct nlmsghdr *h)
{
	const struct inet_diag_msg *m = NLMSG_DATA(h);
	struct ksock *k;

	if (out->n == out->cap) {
		out->cap = out->cap == 0 ? 64 : out->cap * 2;
		out->socks = xreallocarray(out->socks, out->cap,
		    sizeof(*out->socks));
	}
	k = &out->socks[out->n++];
	memset(k, 0, sizeof(*k));
	k->state = m->idiag_state;
	k->family = m->idiag_family;
	diag_addr(&k->local, m->idiag_family, m->id.idiag_src,
	    m->id.idiag_sport, m->id.idiag_if);
	diag_addr(&k->peer, m->idiag_family, m->id.idiag_dst,
	    m->id.idiag_dport, m->id.idiag_if);
	k->rqueue = m->idiag_rqueue;
	k->wqueue = m->idiag_wqueue;
	k->inode = m->idiag_inode;
	k->in_diag = true;
	k->side = -1;
	k->pid = 0;
	k->fd = -1;
	k->in_accept_queue = false;
	k->cookie[0] = m->id.idiag_cookie[0];
	k->cookie[1] = m->id.idiag_cookie[1];
	k->ifindex = m->id.idiag_if;
	diag_info(k, h);
}

/*
 * Reads one datagram, growing the buffer first when the kernel queued
 * a bigger one than expected: a truncated dump would silently lose
 * sockets.  Returns its length, or -1.
 */
static ssize_t
diag_recv(int fd, char **buf, size_t *len)
{
	ssize_t n;

	for (;;) {
		n = recv(fd, *buf, *len, MSG_PEEK | MSG_TRUNC);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if ((size_t)n <= *len)
			break;
		*len = (size_t)n;
		*buf = xreallocarray(*buf, *len, 1);
	}
	do
		n = recv(fd, *buf, *len, 0);
	while (n == -1 && errno == EINTR);
	return n;
}

/*
 * Walks the messages of one datagram.  Returns 1 when the dump is
 * done, 0 when more datagrams follow, -1 on error with errno set.
 */
static int
diag_parse(struct diag_out *out, const char *buf, size_t len, uint32_t seq)
{
	const struct nlmsghdr *h = (const struct nlmsghdr *)buf;
	const struct nlmsgerr *e;
	int left = (int)len;

	for (; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
		if (h->nlmsg_seq != seq)
			continue;	/* a leftover from an older request */
		switch (h->nlmsg_type) {
		case NLMSG_DONE:
			/* A dump the kernel had to cut short says why here. */
			if (h->nlmsg_len >= NLMSG_LENGTH(sizeof(int)) &&
			    *(const int *)NLMSG_DATA(h) < 0) {
				errno = -*(const int *)NLMSG_DATA(h);
				return -1;
			}
			return 1;
		case NLMSG_ERROR:
			if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*e))) {
				errno = EPROTO;
				return -1;
			}
			e = NLMSG_DATA(h);
			if (e->error == 0)
				continue;	/* an ack */
			errno = -e->error;
			return -1;
		case SOCK_DIAG_BY_FAMILY:
		case TCPDIAG_GETSOCK:	/* the answer to diag_req_any */
			if (h->nlmsg_len <
			    NLMSG_LENGTH(sizeof(struct inet_diag_msg))) {
				errno = EPROTO;
				return -1;
			}
			diag_add(out, h);
			break;
		default:
			break;
		}
	}
	if (left > 0) {
		/* A partial header or a length that overruns the datagram. */
		errno = EPROTO;
		return -1;
	}
	return 0;
}

static int
diag_dump_family(int fd, int family, uint16_t port, uint32_t seq,
    struct diag_out *out, char **buf, size_t *buflen, char *err,
    size_t errlen)
{
	ssize_t n;
	int done;

	if (diag_send(fd, family, port, seq) == -1) {
		diag_set_err(err, errlen, "send", errno);
		return -1;
	}
	for (;;) {
		if ((n = diag_recv(fd, buf, buflen)) == -1) {
			diag_set_err(err, errlen, "recv", errno);
			return -1;
		}
		if (n == 0) {
			diag_set_err(err, errlen, "recv", ECONNRESET);
			return -1;
		}
		done = diag_parse(out, *buf, (size_t)n, seq);
		if (done == -1) {
			diag_set_err(err, errlen, family == AF_INET ?
			    "dump AF_INET" : family == AF_INET6 ?
			    "dump AF_INET6" : "dump", errno);
			return -1;
		}
		if (done == 1)
			return 0;
	}
}

/* Kept sockets (fds below 64) whose last exchange was read to its
 * end, so nothing is queued: the drain, one recv a snapshot, is
 * skipped.  An exchange under way is not clean. */
static uint64_t diag_clean;

static void
diag_mark_clean(int fd)
{
	if (fd >= 0 && fd < 64)
		diag_clean |= 1ULL << fd;
}

/*
 * A socket kept open (issue 16 §1: one made in each host of the lab
 * network) may hold what an earlier request left unread (a dump cut
 * short, a lookup given up on): dropped, so that no old answer is read
 * as a new one.  The socket of one call has nothing queued.
 */
static int
diag_socket(int kept)
{
	char c;

	if (kept < 0)
		return socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC,
		    NETLINK_SOCK_DIAG);
	if (kept < 64 && (diag_clean & (1ULL << kept))) {
		diag_clean &= ~(1ULL << kept);
		return kept;
	}
	while (recv(kept, &c, 1, MSG_DONTWAIT | MSG_TRUNC) >= 0 ||
	    errno == EINTR)
		;
	return kept;
}

int
sock_diag_dump(uint16_t port, struct ksock **socks, size_t *nsocks,
    char *err, size_t errlen)
{
	return sock_diag_dump_on(-1, port, socks, nsocks, err, errlen);
}

int
sock_diag_dump_on(int kept, uint16_t port, struct ksock **socks,
    size_t *nsocks, char *err, size_t errlen)
{
	static const int families[] = { AF_INET, AF_INET6 };
	struct diag_out out = { NULL, 0, 0 };
	size_t buflen = DIAG_RECVBUF, i;
	char *buf;
	int fd, rc = 0;

	*socks = NULL;
	*nsocks = 0;
	fd = diag_socket(kept);
	if (fd == -1) {
		diag_set_err(err, errlen, "socket", errno);
		return -1;
	}
	buf = xmalloc(buflen);
	/*
	 * One walk for both families; a kernel that no longer takes the
	 * old request (or refuses it) gets one request per family, from
	 * an empty list: nothing is counted twice.  Leftovers of the
	 * failed dump carry its own sequence number and are skipped.
	 */
	if (diag_dump_family(fd, AF_UNSPEC, port, 3, &out, &buf, &buflen,
	    err, errlen) == 0) {
		if (err != NULL && errlen > 0)
			err[0] = '\0';
		goto done;
	}
	out.n = 0;
	for (i = 0; i < NITEMS(families) && rc == 0; i++) {
		rc = diag_dump_family(fd, families[i], port, (uint32_t)i + 1,
		    &out, &buf, &buflen, err, errlen);
		/* A kernel without IPv6 simply has no IPv6 sockets. */
		if (rc == -1 && families[i] == AF_INET6 && no_family(errno)) {
			if (err != NULL && errlen > 0)
				err[0] = '\0';
			rc = 0;
		}
	}
done:
	free(buf);
	if (fd != kept)
		close(fd);
	else if (rc == 0)
		diag_mark_clean(fd);	/* read to its NLMSG_DONE */
	if (rc == -1) {
		free(out.socks);
		return -1;
	}
	*socks = out.socks;
	*nsocks = out.n;
	return 0;
}

/*
 * Exact lookups (no NLM_F_DUMP) cost a hash probe each, where a dump
 * walks every bucket of the established table (about 170 us even for
 * three sockets): the per-step figure of issue 8.  All requests go in
 * one datagram; the kernel answers each in turn while sendto() runs,
 * one message apiece (the socket, or an error), read back with one
 * recvmmsg().  More sockets than this cost more than one dump, and
 * their answers could overflow the receive buffer: the caller dumps.
 */
#define DIAG_EXACT_MAX	32
#define DIAG_ANSWER_MAX	1024	/* a message with its tcp_info, or an error quoting the request */

struct diag_exact {
	struct nlmsghdr		nlh;
	struct inet_diag_req_v2	r;
};

/* The socket's own addresses, as sock_diag names them (src is local). */
static void
diag_exact_id(struct inet_diag_sockid *id, const struct ksock *k)
{
	const struct sockaddr_in *l4 = (const struct sockaddr_in *)&k->local;
	const struct sockaddr_in *p4 = (const struct sockaddr_in *)&k->peer;
	const struct sockaddr_in6 *l6 = (const struct sockaddr_in6 *)&k->local;
	const struct sockaddr_in6 *p6 = (const struct sockaddr_in6 *)&k->peer;

	if (k->family == AF_INET) {
		id->idiag_sport = l4->sin_port;
		id->idiag_dport = p4->sin_port;
		memcpy(id->idiag_src, &l4->sin_addr, sizeof(l4->sin_addr));
		memcpy(id->idiag_dst, &p4->sin_addr, sizeof(p4->sin_addr));
	} else {
		id->idiag_sport = l6->sin6_port;
		id->idiag_dport = p6->sin6_port;
		memcpy(id->idiag_src, &l6->sin6_addr, sizeof(l6->sin6_addr));
		memcpy(id->idiag_dst, &p6->sin6_addr, sizeof(p6->sin6_addr));
	}
	id->idiag_if = k->ifindex;
	/* The kernel answers ESTALE when the socket at these addresses is
	 * not this one: a new socket is never taken for the old. */
	id->idiag_cookie[0] = k->cookie[0];
	id->idiag_cookie[1] = k->cookie[1];
}

/* One answer: 0 the same socket in the same state, 1 changed, -1 error. */
static int
diag_exact_answer(struct ksock *socks, size_t n, const char *buf, size_t len)
{
	const struct nlmsghdr *h = (const struct nlmsghdr *)buf;
	const struct inet_diag_msg *m;
	const struct nlmsgerr *e;
	struct ksock *k;

	if (!NLMSG_OK(h, (int)len) || h->nlmsg_seq == 0 || h->nlmsg_seq > n) {
		errno = EPROTO;
		return -1;
	}
	k = &socks[h->nlmsg_seq - 1];
	if (h->nlmsg_type == NLMSG_ERROR) {
		if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*e))) {
			errno = EPROTO;
			return -1;
		}
		e = NLMSG_DATA(h);
		/* Gone, or another socket at its addresses: changed. */
		if (e->error == -ENOENT || e->error == -ESTALE)
			return 1;
		errno = e->error < 0 ? -e->error : EPROTO;
		return -1;
	}
	if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY ||
	    h->nlmsg_len < NLMSG_LENGTH(sizeof(*m))) {
		errno = EPROTO;
		return -1;
	}
	m = NLMSG_DATA(h);
	if (m->idiag_state != k->state)
		return 1;
	/* A listener's queue moves only when a connection completes or is
	 * accepted: either way a socket came or went. */
	if (k->state == TCP_LISTEN_STATE && m->idiag_rqueue != k->rqueue)
		return 1;
	k->rqueue = m->idiag_rqueue;
	k->wqueue = m->idiag_wqueue;
	diag_info(k, h);
	return 0;
}

int
sock_diag_refresh(struct ksock *socks, size_t n, char *err, size_t errlen)
{
	return sock_diag_refresh_on(-1, socks, n, err, errlen);
}

int
sock_diag_refresh_on(int kept, struct ksock *socks, size_t n, char *err,
    size_t errlen)
{
	struct diag_exact req[DIAG_EXACT_MAX];
	static char answers[DIAG_EXACT_MAX][DIAG_ANSWER_MAX];
	struct mmsghdr mm[DIAG_EXACT_MAX];
	struct iovec iov[DIAG_EXACT_MAX];
	size_t i;
	int fd, got, r, rc = 0;

	if (n == 0 || n > DIAG_EXACT_MAX)
		return 1;
	memset(req, 0, sizeof(req[0]) * n);
	for (i = 0; i < n; i++) {
		if (socks[i].family != AF_INET && socks[i].family != AF_INET6)
			return 1;
		req[i].nlh.nlmsg_len = sizeof(req[i]);
		req[i].nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
		req[i].nlh.nlmsg_flags = NLM_F_REQUEST;
		req[i].nlh.nlmsg_seq = (uint32_t)i + 1;
		req[i].r.sdiag_family = (uint8_t)socks[i].family;
		req[i].r.sdiag_protocol = IPPROTO_TCP;
		req[i].r.idiag_states = ~0U;
		req[i].r.idiag_ext = DIAG_EXT;
		diag_exact_id(&req[i].r.id, &socks[i]);
	}
	if ((fd = diag_socket(kept)) == -1) {
		diag_set_err(err, errlen, "socket", errno);
		return -1;
	}
	if (diag_sendmsg(fd, req, sizeof(req[0]) * n) == -1) {
		diag_set_err(err, errlen, "send", errno);
		if (fd != kept)
			close(fd);
		return -1;
	}
	memset(mm, 0, sizeof(mm[0]) * n);
	for (i = 0; i < n; i++) {
		iov[i].iov_base = answers[i];
		iov[i].iov_len = sizeof(answers[i]);
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
	}
	/* Every answer is queued before sendto() returns. */
	got = recvmmsg(fd, mm, (unsigned)n, MSG_DONTWAIT, NULL);
	if (fd != kept)
		close(fd);
	if (got != (int)n)
		return got == -1 && errno != EAGAIN ? -1 : 1;
	/* One answer a request, each read whole: nothing is left. */
	if (fd == kept)
		diag_mark_clean(fd);
	for (i = 0; i < n && rc == 0; i++) {
		if (mm[i].msg_hdr.msg_flags & MSG_TRUNC)
			return 1;
		r = diag_exact_answer(socks, n, answers[i], mm[i].msg_len);
		if (r == -1) {
			diag_set_err(err, errlen, "lookup", errno);
			return -1;
		}
		rc = r;
	}
	return rc;
}
