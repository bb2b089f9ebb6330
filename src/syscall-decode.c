/*
 * syscall-decode.c - a stopped call's arguments as strace would print
 * them, read out of the tracee through an sc_mem reader.
 *
 * Inputs are decoded at entry, while they still hold what the tracee
 * passed; outputs show as a pointer at entry and are decoded again at
 * exit, once the kernel has filled them.  The tracee's memory is not to
 * be trusted (and a fuzzer feeds random bytes through sc_mem): every
 * read is bounded by a fixed size here, whatever lengths the tracee
 * claims, and a failed or short read shows the pointer instead.
 */
#include <sys/socket.h>
#include <sys/uio.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model.h"

/* iovecs shown per msghdr: enough to see scatter/gather at work. */
#define SC_IOV_SHOW	4
/* Messages shown per sendmmsg/recvmmsg, each up to SC_IOV_SHOW iovecs. */
#define SC_MMSG_SHOW	4

/* The kernel's errno range: a return in -4095..-1 is an error. */
#define SC_MAX_ERRNO	4095

static ssize_t
vm_read(pid_t pid, uint64_t addr, void *buf, size_t len)
{
	struct iovec local, remote;

	local.iov_base = buf;
	local.iov_len = len;
	remote.iov_base = (void *)(uintptr_t)addr;
	remote.iov_len = len;
	return process_vm_readv(pid, &local, 1, &remote, 1, 0);
}

/*
 * One process_vm_readv for the common case.  It fails outright when
 * the range crosses into an unmapped page, so then go page by page and
 * return what could be read before the hole.
 */
ssize_t
sc_mem_tracee_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	pid_t pid;
	size_t done = 0, chunk, page;
	ssize_t n;
	long sz;

	if (ctx == NULL)
		return -1;
	pid = *(pid_t *)ctx;
	if (len == 0)
		return 0;
	if (len > SSIZE_MAX)
		len = SSIZE_MAX;
	n = vm_read(pid, addr, buf, len);
	if (n >= 0 && (size_t)n >= len)
		return n;
	if (n > 0)
		done = (size_t)n;

	sz = sysconf(_SC_PAGESIZE);
	page = sz > 0 ? (size_t)sz : 4096;
	while (done < len) {
		chunk = page - (size_t)((addr + done) % page);
		if (chunk > len - done)
			chunk = len - done;
		n = vm_read(pid, addr + done, (char *)buf + done, chunk);
		if (n <= 0)
			break;
		done += (size_t)n;
		if ((size_t)n < chunk)
			break;
	}
	if (done == 0 && n < 0)
		return -1;
	return (ssize_t)done;
}

/* All of it or nothing: half an address would be decoded wrongly. */
bool
sc_mem_read(const struct sc_mem *m, uint64_t addr, void *buf, size_t len)
{
	ssize_t n;

	if (len == 0)
		return true;
	if (addr == 0 || m == NULL || m->read == NULL)
		return false;
	n = m->read(m->ctx, addr, buf, len);
	return n >= 0 && (size_t)n == len;
}

void
sc_add_ptr(struct sbuf *sb, uint64_t addr)
{
	if (addr == 0)
		sbuf_add(sb, "NULL");
	else
		sbuf_addf(sb, "%#" PRIx64, addr);
}

static unsigned
call_nargs(const struct sc_call *c)
{
	if (c->desc == NULL)
		return 0;
	return c->desc->nargs < SCF_MAXARGS ? c->desc->nargs : SCF_MAXARGS;
}

static enum sc_arg
arg_kind(const struct sc_call *c, unsigned i)
{
	return i < call_nargs(c) ? c->desc->arg[i] : SA_NONE;
}

/* The length that goes with a pointer is the argument after it. */
static uint64_t
next_arg(const struct sc_call *c, unsigned i, enum sc_arg kind)
{
	return arg_kind(c, i + 1) == kind ? c->args[i + 1] : 0;
}

/* The value of the first argument of a kind, e.g. the sockopt level. */
static int
find_int(const struct sc_call *c, enum sc_arg kind)
{
	unsigned i;

	for (i = 0; i < call_nargs(c); i++) {
		if (c->desc->arg[i] == kind)
			return (int)(uint32_t)c->args[i];
	}
	return -1;
}

static void
set_arg(struct sc_call *c, unsigned i, struct sbuf *sb)
{
	free(c->argstr[i]);
	c->argstr[i] = xstrdup(sbuf_str(sb));
	sbuf_reset(sb);
}

/* Arguments that need no memory: registers only. */
static void
decode_scalar(struct sbuf *sb, const struct sc_call *c, unsigned i)
{
	uint64_t v = c->args[i];
	int iv = (int)(uint32_t)v;
	const char *name;

	switch (arg_kind(c, i)) {
	case SA_INT:
	case SA_FD:
		sbuf_addf(sb, "%d", iv);
		break;
	case SA_DOMAIN:
		if ((name = sc_domain_name(iv)) != NULL)
			sbuf_add(sb, name);
		else
			sbuf_addf(sb, "%d", iv);
		break;
	case SA_SOCKTYPE:
		sc_format_socktype(sb, iv);
		break;
	case SA_PROTOCOL:
		sc_format_protocol(sb, iv);
		break;
	case SA_SOCKLEN:
	case SA_UINT:
		sbuf_addf(sb, "%u", (unsigned)(uint32_t)v);
		break;
	case SA_SIZE:
		sbuf_addf(sb, "%" PRIu64, v);
		break;
	case SA_ACCEPT_FLAGS:
		sc_format_accept_flags(sb, (uint32_t)v);
		break;
	case SA_MSG_FLAGS:
		sc_format_msg_flags(sb, (uint32_t)v);
		break;
	case SA_SHUT_HOW:
		sc_format_shut_how(sb, iv);
		break;
	case SA_SOCKOPT_LEVEL:
		sc_format_sockopt_level(sb, iv);
		break;
	case SA_SOCKOPT_NAME:
		sc_format_sockopt_name(sb, find_int(c, SA_SOCKOPT_LEVEL), iv);
		break;
	case SA_SOCKADDR_IN:
	case SA_SOCKADDR_OUT:
	case SA_SOCKLEN_PTR:
	case SA_BUF_IN:
	case SA_BUF_OUT:
	case SA_SOCKOPT_VAL_IN:
	case SA_SOCKOPT_VAL_OUT:
	case SA_MSGHDR_IN:
	case SA_MSGHDR_OUT:
	case SA_IOV_IN:
	case SA_IOV_OUT:
	case SA_MMSGHDR_IN:
	case SA_MMSGHDR_OUT:
	case SA_FDPAIR:
	case SA_LOFF_PTR:
	case SA_PTR:
		sc_add_ptr(sb, v);
		break;
	case SA_SPLICE_FLAGS:
		sc_format_splice_flags(sb, (uint32_t)v);
		break;
	case SA_NONE:
	default:
		sbuf_addf(sb, "%" PRIu64, v);
		break;
	}
}

/* Shows min(len, SC_BUF_SHOW) bytes of a buffer of total bytes. */
static void
decode_buf(struct sbuf *sb, const struct sc_mem *m, uint64_t addr,
    uint64_t len, uint64_t total)
{
	unsigned char buf[SC_BUF_SHOW];
	size_t want = len < SC_BUF_SHOW ? (size_t)len : SC_BUF_SHOW;

	if (addr == 0 || !sc_mem_read(m, addr, buf, want)) {
		sc_add_ptr(sb, addr);
		return;
	}
	sc_format_buf(sb, buf, want, (size_t)total);
}

/* An address of len bytes; kept in the call when store is set. */
static void
decode_sockaddr(struct sbuf *sb, const struct sc_mem *m, uint64_t addr,
    uint64_t len, struct sc_call *store)
{
	struct sockaddr_storage ss;
	size_t want = len < sizeof ss ? (size_t)len : sizeof ss;

	if (addr == 0 || !sc_mem_read(m, addr, &ss, want)) {
		sc_add_ptr(sb, addr);
		return;
	}
	sc_format_sockaddr(sb, &ss, want);
	if (store != NULL) {
		memset(&store->addr, 0, sizeof store->addr);
		memcpy(&store->addr, &ss, want);
		store->addr_len = (socklen_t)want;
	}
}

static bool
read_socklen(const struct sc_mem *m, uint64_t addr, socklen_t *out)
{
	return sc_mem_read(m, addr, out, sizeof *out);
}

/* An int option, by name where the value is itself a constant. */
static void
add_int_opt(struct sbuf *sb, int level, int name, int v)
{
	const char *s;

	sbuf_addc(sb, '[');
	if (level == SOL_SOCKET && name == SO_ERROR && v != 0 &&
	    (s = sc_errno_name(v)) != NULL)
		sbuf_add(sb, s);
	else if (level == SOL_SOCKET && name == SO_TYPE)
		sc_format_socktype(sb, v);
	else if (level == SOL_SOCKET && name == SO_DOMAIN &&
	    (s = sc_domain_name(v)) != NULL)
		sbuf_add(sb, s);
	else if (level == SOL_SOCKET && name == SO_PROTOCOL)
		sc_format_protocol(sb, v);
	else
		sbuf_addf(sb, "%d", v);
	sbuf_addc(sb, ']');
}

/* The few tcp_info fields that explain a connection's progress. */
#define TCPI_SHOWN_LEN	(offsetof(struct tcp_info, tcpi_snd_cwnd) + \
	sizeof(((struct tcp_info *)0)->tcpi_snd_cwnd))

static void
add_tcp_info(struct sbuf *sb, const struct tcp_info *ti)
{
	sbuf_addf(sb, "{tcpi_state=%u, tcpi_unacked=%u, tcpi_retrans=%u, "
	    "tcpi_rtt=%u, tcpi_snd_cwnd=%u, ...}", (unsigned)ti->tcpi_state,
	    (unsigned)ti->tcpi_unacked, (unsigned)ti->tcpi_retrans,
	    (unsigned)ti->tcpi_rtt, (unsigned)ti->tcpi_snd_cwnd);
}

static void
decode_optval(struct sbuf *sb, const struct sc_call *c,
    const struct sc_mem *m, uint64_t addr, uint64_t len)
{
	int level = find_int(c, SA_SOCKOPT_LEVEL);
	int name = find_int(c, SA_SOCKOPT_NAME);
	struct linger lg;
	struct tcp_info ti;
	int v;

	if (addr == 0) {
		sbuf_add(sb, "NULL");
		return;
	}
	if (len == sizeof v) {
		if (!sc_mem_read(m, addr, &v, sizeof v))
			sc_add_ptr(sb, addr);
		else
			add_int_opt(sb, level, name, v);
		return;
	}
	if (level == SOL_SOCKET && name == SO_LINGER && len >= sizeof lg) {
		if (!sc_mem_read(m, addr, &lg, sizeof lg))
			sc_add_ptr(sb, addr);
		else
			sbuf_addf(sb, "{l_onoff=%d, l_linger=%d}", lg.l_onoff,
			    lg.l_linger);
		return;
	}
	if (level == IPPROTO_TCP && name == TCP_INFO && len >= TCPI_SHOWN_LEN) {
		memset(&ti, 0, sizeof ti);
		if (!sc_mem_read(m, addr, &ti, TCPI_SHOWN_LEN))
			sc_add_ptr(sb, addr);
		else
			add_tcp_info(sb, &ti);
		return;
	}
	decode_buf(sb, m, addr, len, len);
}

/*
 * "[{iov_base=..., iov_len=N}, ...]".  Going in, each iovec shows its
 * own bytes; coming out, only the avail bytes the call returned, spread
 * over the iovecs in order as the kernel fills them.
 */
static void
decode_iov(struct sbuf *sb, const struct sc_mem *m, uint64_t addr,
    uint64_t iovlen, bool out, uint64_t avail)
{
	struct iovec iov[SC_IOV_SHOW];
	size_t n = iovlen < SC_IOV_SHOW ? (size_t)iovlen : SC_IOV_SHOW, k;
	uint64_t base, len, show;

	if (addr == 0 || !sc_mem_read(m, addr, iov, n * sizeof iov[0])) {
		sc_add_ptr(sb, addr);
		return;
	}
	sbuf_addc(sb, '[');
	for (k = 0; k < n; k++) {
		base = (uint64_t)(uintptr_t)iov[k].iov_base;
		len = iov[k].iov_len;
		show = len;
		if (out) {
			show = len < avail ? len : avail;
			avail -= show;
		}
		if (k > 0)
			sbuf_add(sb, ", ");
		sbuf_add(sb, "{iov_base=");
		decode_buf(sb, m, base, show, show);
		sbuf_addf(sb, ", iov_len=%" PRIu64 "}", len);
	}
	if (iovlen > n)
		sbuf_add(sb, ", ...");
	sbuf_addc(sb, ']');
}

/* A msghdr already read; the sender's address is kept in store if set. */
static void
format_msghdr(struct sbuf *sb, struct sc_call *store, const struct sc_mem *m,
    const struct msghdr *mh, bool out, uint64_t avail)
{
	sbuf_add(sb, "{msg_name=");
	decode_sockaddr(sb, m, (uint64_t)(uintptr_t)mh->msg_name,
	    mh->msg_namelen, out ? store : NULL);
	sbuf_add(sb, ", msg_iov=");
	decode_iov(sb, m, (uint64_t)(uintptr_t)mh->msg_iov, mh->msg_iovlen,
	    out, avail);
	sbuf_addf(sb, ", msg_iovlen=%" PRIu64 ", msg_controllen=%" PRIu64
	    ", msg_flags=", (uint64_t)mh->msg_iovlen,
	    (uint64_t)mh->msg_controllen);
	sc_format_msg_flags(sb, (unsigned)mh->msg_flags);
	sbuf_addc(sb, '}');
}

static void
decode_msghdr(struct sbuf *sb, struct sc_call *c, const struct sc_mem *m,
    uint64_t addr, bool out, uint64_t avail)
{
	struct msghdr mh;

	if (addr == 0 || !sc_mem_read(m, addr, &mh, sizeof mh)) {
		sc_add_ptr(sb, addr);
		return;
	}
	format_msghdr(sb, c, m, &mh, out, avail);
}

/*
 * sendmmsg/recvmmsg: "[{msg_hdr={...}, msg_len=5}, ...]", count of
 * them (vlen at entry, the return at exit) but at most SC_MMSG_SHOW.
 * msg_len is the kernel's answer, so it shows only at exit; coming out,
 * each message shows its own msg_len bytes, and the first one's sender
 * is the call's address.
 */
static void
decode_mmsgvec(struct sbuf *sb, struct sc_call *c, const struct sc_mem *m,
    uint64_t addr, uint64_t count, bool out, bool at_exit)
{
	struct mmsghdr mm[SC_MMSG_SHOW];
	size_t n = count < SC_MMSG_SHOW ? (size_t)count : SC_MMSG_SHOW, k;

	if (addr == 0 || !sc_mem_read(m, addr, mm, n * sizeof mm[0])) {
		sc_add_ptr(sb, addr);
		return;
	}
	sbuf_addc(sb, '[');
	for (k = 0; k < n; k++) {
		if (k > 0)
			sbuf_add(sb, ", ");
		sbuf_add(sb, "{msg_hdr=");
		format_msghdr(sb, k == 0 ? c : NULL, m, &mm[k].msg_hdr, out,
		    mm[k].msg_len);
		if (at_exit)
			sbuf_addf(sb, ", msg_len=%u", mm[k].msg_len);
		sbuf_addc(sb, '}');
	}
	if (count > n)
		sbuf_add(sb, ", ...");
	sbuf_addc(sb, ']');
}

/* The iovec count of readv/writev: an int, the argument after. */
static bool
iov_count(const struct sc_call *c, unsigned i, uint64_t *count)
{
	int n = (int)(uint32_t)next_arg(c, i, SA_INT);

	*count = n >= 0 ? (uint64_t)n : 0;
	return n >= 0;
}

/* An loff_t *: "[0]" at entry; at exit "[0->12]" (the file moved on). */
static void
decode_loff(struct sbuf *sb, const struct sc_mem *m, uint64_t addr,
    const char *at_entry)
{
	int64_t off;
	size_t len;

	if (addr == 0) {
		sbuf_add(sb, "NULL");
		return;
	}
	if (!sc_mem_read(m, addr, &off, sizeof off)) {
		sc_add_ptr(sb, addr);
		return;
	}
	len = at_entry != NULL ? strlen(at_entry) : 0;
	if (len >= 2 && at_entry[0] == '[' && at_entry[len - 1] == ']')
		sbuf_addf(sb, "%.*s->%" PRId64 "]", (int)(len - 1), at_entry,
		    off);
	else
		sbuf_addf(sb, "[%" PRId64 "]", off);
}

/* socketpair's int[2], once the kernel filled it. */
static void
decode_fdpair(struct sbuf *sb, const struct sc_mem *m, uint64_t addr)
{
	int fds[2];

	if (addr == 0 || !sc_mem_read(m, addr, fds, sizeof fds))
		sc_add_ptr(sb, addr);
	else
		sbuf_addf(sb, "[%d, %d]", fds[0], fds[1]);
}

void
sc_call_init(struct sc_call *c, const struct sc_desc *desc,
    const uint64_t *args)
{
	memset(c, 0, sizeof *c);
	c->desc = desc;
	c->nr = desc != NULL ? desc->nr : -1;
	if (args != NULL)
		memcpy(c->args, args, sizeof c->args);
}

void
sc_decode_entry(struct sc_call *c, const struct sc_mem *m)
{
	struct sbuf sb;
	uint64_t v, count;
	unsigned i;

	sbuf_init(&sb);
	c->socklen_in_ok = false;
	c->socklen_in = 0;
	for (i = 0; i < call_nargs(c); i++) {
		v = c->args[i];
		switch (c->desc->arg[i]) {
		case SA_SOCKADDR_IN:
			decode_sockaddr(&sb, m, v,
			    (uint32_t)next_arg(c, i, SA_SOCKLEN), NULL);
			break;
		case SA_SOCKLEN_PTR:
			if (v != 0 && read_socklen(m, v, &c->socklen_in)) {
				c->socklen_in_ok = true;
				sbuf_addf(&sb, "[%u]", (unsigned)c->socklen_in);
			} else
				sc_add_ptr(&sb, v);
			break;
		case SA_BUF_IN:
			decode_buf(&sb, m, v, next_arg(c, i, SA_SIZE),
			    next_arg(c, i, SA_SIZE));
			break;
		case SA_SOCKOPT_VAL_IN:
			decode_optval(&sb, c, m, v,
			    (uint32_t)next_arg(c, i, SA_SOCKLEN));
			break;
		case SA_MSGHDR_IN:
			decode_msghdr(&sb, c, m, v, false, 0);
			break;
		case SA_IOV_IN:
			if (iov_count(c, i, &count))
				decode_iov(&sb, m, v, count, false, 0);
			else
				sc_add_ptr(&sb, v);
			break;
		case SA_MMSGHDR_IN:
			decode_mmsgvec(&sb, c, m, v,
			    (uint32_t)next_arg(c, i, SA_UINT), false, false);
			break;
		case SA_LOFF_PTR:
			decode_loff(&sb, m, v, NULL);
			break;
		default:
			if (!sc_decode_poll_arg(&sb, c, m, i, false))
				decode_scalar(&sb, c, i);
			break;
		}
		set_arg(c, i, &sb);
	}
	sbuf_finish(&sb);
}

/*
 * How many bytes the kernel wrote behind an output pointer: what it
 * says in *socklen afterwards, but never more than the room the tracee
 * offered at entry (the kernel truncates, then reports the full size).
 */
static bool
exit_len(const struct sc_call *c, const struct sc_mem *m, unsigned i,
    uint64_t *len)
{
	socklen_t out;
	uint64_t lenp = next_arg(c, i, SA_SOCKLEN_PTR);

	if (lenp == 0 || !read_socklen(m, lenp, &out))
		return false;
	*len = out;
	if (c->socklen_in_ok && c->socklen_in < out)
		*len = c->socklen_in;
	return true;
}

/* Re-decodes argument i after a successful call; false keeps the old. */
static bool
decode_exit_arg(struct sbuf *sb, struct sc_call *c, const struct sc_mem *m,
    unsigned i)
{
	uint64_t v = c->args[i], len, count;
	socklen_t out;

	switch (c->desc->arg[i]) {
	case SA_BUF_OUT:
		if (c->ret <= 0)
			return false;
		decode_buf(sb, m, v, (uint64_t)c->ret, (uint64_t)c->ret);
		return true;
	case SA_SOCKADDR_OUT:
		if (v == 0 || !exit_len(c, m, i, &len))
			return false;
		decode_sockaddr(sb, m, v, len, c);
		return true;
	case SA_SOCKLEN_PTR:
		if (v == 0 || !read_socklen(m, v, &out))
			return false;
		if (c->socklen_in_ok)
			sbuf_addf(sb, "[%u->%u]", (unsigned)c->socklen_in,
			    (unsigned)out);
		else
			sbuf_addf(sb, "[%u]", (unsigned)out);
		return true;
	case SA_SOCKOPT_VAL_OUT:
		if (v == 0 || !exit_len(c, m, i, &len))
			return false;
		decode_optval(sb, c, m, v, len);
		return true;
	case SA_MSGHDR_OUT:
		decode_msghdr(sb, c, m, v, true, (uint64_t)c->ret);
		return true;
	case SA_IOV_OUT:
		if (!iov_count(c, i, &count))
			return false;
		decode_iov(sb, m, v, count, true, (uint64_t)c->ret);
		return true;
	case SA_MMSGHDR_IN:
	case SA_MMSGHDR_OUT:
		/* The first ret messages went (came): each with its msg_len. */
		decode_mmsgvec(sb, c, m, v, (uint64_t)c->ret,
		    c->desc->arg[i] == SA_MMSGHDR_OUT, true);
		return true;
	case SA_FDPAIR:
		decode_fdpair(sb, m, v);
		return true;
	case SA_LOFF_PTR:
		if (v == 0)
			return false;
		decode_loff(sb, m, v, c->argstr[i]);
		return true;
	default:
		return sc_decode_poll_arg(sb, c, m, i, true);
	}
}

void
sc_decode_exit(struct sc_call *c, const struct sc_mem *m, int64_t ret)
{
	struct sbuf sb;
	unsigned i;

	c->returned = true;
	c->addr_len = 0;
	if (ret < 0 && ret >= -SC_MAX_ERRNO) {
		/* Outputs hold nothing new: keep what entry showed. */
		c->err = (int)-ret;
		c->ret = -1;
		return;
	}
	c->err = 0;
	c->ret = ret;
	sbuf_init(&sb);
	for (i = 0; i < call_nargs(c); i++) {
		if (decode_exit_arg(&sb, c, m, i))
			set_arg(c, i, &sb);
		else
			sbuf_reset(&sb);
	}
	sbuf_finish(&sb);
}

void
sc_call_clear(struct sc_call *c)
{
	unsigned i;

	for (i = 0; i < SCF_MAXARGS; i++) {
		free(c->argstr[i]);
		c->argstr[i] = NULL;
	}
}

/* dst is overwritten, not freed: clear it first if it held a call. */
void
sc_call_copy(struct sc_call *dst, const struct sc_call *src)
{
	unsigned i;

	if (dst == src)
		return;
	*dst = *src;
	for (i = 0; i < SCF_MAXARGS; i++) {
		if (src->argstr[i] != NULL)
			dst->argstr[i] = xstrdup(src->argstr[i]);
	}
}

void
sc_format_args(struct sbuf *sb, const struct sc_call *c)
{
	unsigned i, n = call_nargs(c);

	/* Without a table row there are no kinds: show all registers. */
	if (c->desc == NULL) {
		for (i = 0; i < SCF_MAXARGS; i++) {
			if (i > 0)
				sbuf_add(sb, ", ");
			sc_add_ptr(sb, c->args[i]);
		}
		return;
	}
	for (i = 0; i < n; i++) {
		if (i > 0)
			sbuf_add(sb, ", ");
		if (c->argstr[i] != NULL)
			sbuf_add(sb, c->argstr[i]);
		else
			decode_scalar(sb, c, i);
	}
}

void
sc_format_ret(struct sbuf *sb, const struct sc_call *c)
{
	const char *name, *desc;

	if (!c->returned) {
		sbuf_add(sb, "= ?");
		return;
	}
	if (c->err == 0) {
		sbuf_addf(sb, "= %" PRId64, c->ret);
		return;
	}
	name = sc_errno_name(c->err);
	desc = sc_errno_desc(c->err);
	if (name != NULL)
		sbuf_addf(sb, "= -1 %s", name);
	else
		sbuf_addf(sb, "= -1 errno %d", c->err);
	if (desc != NULL)
		sbuf_addf(sb, " (%s)", desc);
}

void
sc_format_call(struct sbuf *sb, const struct sc_call *c)
{
	if (c->desc != NULL)
		sbuf_add(sb, c->desc->name);
	else
		sbuf_addf(sb, "syscall_%ld", c->nr);
	sbuf_addc(sb, '(');
	sc_format_args(sb, c);
	sbuf_addc(sb, ')');
	if (c->returned) {
		sbuf_addc(sb, ' ');
		sc_format_ret(sb, c);
	}
}
