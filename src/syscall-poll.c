/*
 * syscall-poll.c - the waiting calls of non-blocking programs (poll,
 * ppoll, select, pselect6, epoll_wait, epoll_pwait, epoll_pwait2,
 * epoll_ctl) and the descriptor calls (dup, dup2, dup3, fcntl): their
 * arguments decoded the strace way, and the list of fds a poll or
 * select names, so the lab pauses only when one of them is a socket.
 *
 * As in syscall-decode.c, tracee memory is hostile: every read is
 * bounded here by a fixed count, whatever nfds or maxevents claim.
 */
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/time.h>

#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <string.h>
#include <time.h>

#include "model.h"

#define SC_POLL_SHOW	8	/* pollfds / epoll events shown */
#define SC_FDSET_SHOW	24	/* fds of an fd_set shown */
#define SC_FDSET_MAX	1024	/* FD_SETSIZE: select cannot name more */

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

static const struct xlat poll_events[] = {
	XLAT(POLLIN), XLAT(POLLPRI), XLAT(POLLOUT), XLAT(POLLERR),
	XLAT(POLLHUP), XLAT(POLLNVAL), XLAT(POLLRDNORM), XLAT(POLLRDBAND),
	XLAT(POLLWRNORM), XLAT(POLLWRBAND), XLAT(POLLMSG), XLAT(POLLRDHUP),
};

static const struct xlat epoll_events[] = {
	XLAT(EPOLLIN), XLAT(EPOLLPRI), XLAT(EPOLLOUT), XLAT(EPOLLERR),
	XLAT(EPOLLHUP), XLAT(EPOLLRDNORM), XLAT(EPOLLRDBAND),
	XLAT(EPOLLWRNORM), XLAT(EPOLLWRBAND), XLAT(EPOLLMSG),
	XLAT(EPOLLRDHUP), XLAT(EPOLLEXCLUSIVE), XLAT(EPOLLWAKEUP),
	XLAT(EPOLLONESHOT), XLAT(EPOLLET),
};

static const struct xlat epoll_ops[] = {
	XLAT(EPOLL_CTL_ADD), XLAT(EPOLL_CTL_DEL), XLAT(EPOLL_CTL_MOD),
};

static const struct xlat fcntl_cmds[] = {
	XLAT(F_DUPFD), XLAT(F_GETFD), XLAT(F_SETFD), XLAT(F_GETFL),
	XLAT(F_SETFL), XLAT(F_GETLK), XLAT(F_SETLK), XLAT(F_SETLKW),
	XLAT(F_SETOWN), XLAT(F_GETOWN), XLAT(F_SETSIG), XLAT(F_GETSIG),
	XLAT(F_DUPFD_CLOEXEC),
};

/* O_ACCMODE values are not bits: O_RDONLY is 0.  These are the bits. */
static const struct xlat open_flags[] = {
	XLAT(O_WRONLY), XLAT(O_RDWR), XLAT(O_APPEND), XLAT(O_NONBLOCK),
	XLAT(O_ASYNC), XLAT(O_DIRECT), XLAT(O_NOATIME), XLAT(O_CLOEXEC),
	XLAT(O_DSYNC), XLAT(O_LARGEFILE),
};

static const struct xlat fd_flags[] = {
	XLAT(FD_CLOEXEC),
};

static unsigned
kind_index(const struct sc_call *c, enum sc_arg kind)
{
	unsigned i;

	for (i = 0; c->desc != NULL && i < c->desc->nargs &&
	    i < SCF_MAXARGS; i++)
		if (c->desc->arg[i] == kind)
			return i;
	return SCF_MAXARGS;
}

/* "[{fd=3, events=POLLOUT}]"; at exit each ready one gains revents. */
static void
decode_pollfds(struct sbuf *sb, const struct sc_call *c,
    const struct sc_mem *m, uint64_t addr, bool out)
{
	struct pollfd p[SC_POLL_SHOW];
	unsigned ni = kind_index(c, SA_NFDS);
	uint64_t nfds = ni < SCF_MAXARGS ? (uint32_t)c->args[ni] : 0;
	size_t n = nfds < SC_POLL_SHOW ? (size_t)nfds : SC_POLL_SHOW, k;

	if (n == 0 && addr != 0) {
		sbuf_add(sb, "[]");
		return;
	}
	if (!sc_mem_read(m, addr, p, n * sizeof p[0])) {
		sc_add_ptr(sb, addr);
		return;
	}
	sbuf_addc(sb, '[');
	for (k = 0; k < n; k++) {
		sbuf_addf(sb, "%s{fd=%d, events=", k > 0 ? ", " : "", p[k].fd);
		sc_xlat_flags(sb, poll_events, NITEMS(poll_events),
		    (unsigned short)p[k].events);
		if (out && p[k].revents != 0) {
			sbuf_add(sb, ", revents=");
			sc_xlat_flags(sb, poll_events, NITEMS(poll_events),
			    (unsigned short)p[k].revents);
		}
		sbuf_addc(sb, '}');
	}
	if (nfds > n)
		sbuf_add(sb, ", ...");
	sbuf_addc(sb, ']');
}

static size_t
fdset_bytes(const struct sc_call *c)
{
	int nfds = (int)(uint32_t)c->args[0];

	if (nfds <= 0)
		return 0;
	if (nfds > SC_FDSET_MAX)
		nfds = SC_FDSET_MAX;
	/* The kernel reads whole longs. */
	return ((size_t)nfds + 63) / 64 * 8;
}

/* "[3 4]", strace's way of writing an fd_set. */
static bool
format_fdset(struct sbuf *sb, const struct sc_call *c, const struct sc_mem *m,
    uint64_t addr)
{
	unsigned char set[SC_FDSET_MAX / 8];
	size_t len = fdset_bytes(c);
	int fd, nfds = (int)(uint32_t)c->args[0], shown = 0;
	const char *sep = "";

	if (addr == 0) {
		sbuf_add(sb, "NULL");
		return true;
	}
	if (!sc_mem_read(m, addr, set, len))
		return false;
	sbuf_addc(sb, '[');
	for (fd = 0; fd < nfds && fd < SC_FDSET_MAX; fd++) {
		if ((set[fd / 8] & (1u << (fd % 8))) == 0)
			continue;
		if (shown++ == SC_FDSET_SHOW) {
			sbuf_add(sb, " ...");
			break;
		}
		sbuf_addf(sb, "%s%d", sep, fd);
		sep = " ";
	}
	sbuf_addc(sb, ']');
	return true;
}

static void
decode_timespec(struct sbuf *sb, const struct sc_mem *m, uint64_t addr)
{
	struct timespec ts;

	if (addr == 0)
		sbuf_add(sb, "NULL");
	else if (!sc_mem_read(m, addr, &ts, sizeof ts))
		sc_add_ptr(sb, addr);
	else
		sbuf_addf(sb, "{tv_sec=%lld, tv_nsec=%ld}",
		    (long long)ts.tv_sec, (long)ts.tv_nsec);
}

static void
decode_timeval(struct sbuf *sb, const struct sc_mem *m, uint64_t addr)
{
	struct timeval tv;

	if (addr == 0)
		sbuf_add(sb, "NULL");
	else if (!sc_mem_read(m, addr, &tv, sizeof tv))
		sc_add_ptr(sb, addr);
	else
		sbuf_addf(sb, "{tv_sec=%lld, tv_usec=%ld}",
		    (long long)tv.tv_sec, (long)tv.tv_usec);
}

static void
add_epoll_event(struct sbuf *sb, const struct epoll_event *e)
{
	uint64_t data = e->data.u64;

	sbuf_add(sb, "{events=");
	sc_xlat_flags(sb, epoll_events, NITEMS(epoll_events), e->events);
	sbuf_addf(sb, ", data={u32=%" PRIu32 ", u64=%" PRIu64 "}}",
	    (uint32_t)data, data);
}

/* epoll_wait's output: the ready events the call returned. */
static void
decode_epoll_events(struct sbuf *sb, const struct sc_call *c,
    const struct sc_mem *m, uint64_t addr)
{
	struct epoll_event ev[SC_POLL_SHOW];
	uint64_t total = c->ret > 0 ? (uint64_t)c->ret : 0;
	size_t n = total < SC_POLL_SHOW ? (size_t)total : SC_POLL_SHOW, k;

	if (n == 0) {
		sbuf_add(sb, "[]");
		return;
	}
	if (!sc_mem_read(m, addr, ev, n * sizeof ev[0])) {
		sc_add_ptr(sb, addr);
		return;
	}
	sbuf_addc(sb, '[');
	for (k = 0; k < n; k++) {
		if (k > 0)
			sbuf_add(sb, ", ");
		add_epoll_event(sb, &ev[k]);
	}
	if (total > n)
		sbuf_add(sb, ", ...");
	sbuf_addc(sb, ']');
}

static void
decode_fcntl_arg(struct sbuf *sb, const struct sc_call *c, uint64_t v)
{
	unsigned ci = kind_index(c, SA_FCNTL_CMD);
	int cmd = ci < SCF_MAXARGS ? (int)(uint32_t)c->args[ci] : -1;

	switch (cmd) {
	case F_SETFL:
		sc_xlat_flags(sb, open_flags, NITEMS(open_flags), (uint32_t)v);
		break;
	case F_SETFD:
		sc_xlat_flags(sb, fd_flags, NITEMS(fd_flags), (uint32_t)v);
		break;
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
	case F_SETOWN:
	case F_SETSIG:
		sbuf_addf(sb, "%d", (int)(uint32_t)v);
		break;
	default:
		/* F_GETFL and friends take no argument: show nothing. */
		sbuf_addf(sb, "%#" PRIx64, v);
		break;
	}
}

bool
sc_decode_poll_arg(struct sbuf *sb, const struct sc_call *c,
    const struct sc_mem *m, unsigned i, bool at_exit)
{
	uint64_t v = c->args[i];
	struct epoll_event e;

	switch (c->desc->arg[i]) {
	case SA_POLLFDS:
		decode_pollfds(sb, c, m, v, at_exit);
		return true;
	case SA_NFDS:
		if (at_exit)
			return false;
		sbuf_addf(sb, "%u", (unsigned)(uint32_t)v);
		return true;
	case SA_FDSET:
		if (!at_exit) {
			if (!format_fdset(sb, c, m, v))
				sc_add_ptr(sb, v);
			return true;
		}
		/* The kernel rewrote the set: "[in]->[ready]". */
		if (v == 0 || c->argstr[i] == NULL)
			return false;
		sbuf_add(sb, c->argstr[i]);
		sbuf_add(sb, "->");
		if (!format_fdset(sb, c, m, v))
			sc_add_ptr(sb, v);
		return true;
	case SA_TIMESPEC:
		if (at_exit)
			return false;
		decode_timespec(sb, m, v);
		return true;
	case SA_TIMEVAL:
		if (at_exit)
			return false;
		decode_timeval(sb, m, v);
		return true;
	case SA_EPOLL_EVENTS:
		if (!at_exit) {
			sc_add_ptr(sb, v);
			return true;
		}
		decode_epoll_events(sb, c, m, v);
		return true;
	case SA_EPOLL_EVENT_IN:
		if (at_exit)
			return false;
		if (v == 0)
			sbuf_add(sb, "NULL");
		else if (!sc_mem_read(m, v, &e, sizeof e))
			sc_add_ptr(sb, v);
		else
			add_epoll_event(sb, &e);
		return true;
	case SA_EPOLL_OP:
		if (at_exit)
			return false;
		sc_xlat_value(sb, epoll_ops, NITEMS(epoll_ops), (int)(uint32_t)v);
		return true;
	case SA_DUP_FLAGS:
		if (at_exit)
			return false;
		sc_xlat_flags(sb, open_flags, NITEMS(open_flags), (uint32_t)v);
		return true;
	case SA_FCNTL_CMD:
		if (at_exit)
			return false;
		sc_xlat_value(sb, fcntl_cmds, NITEMS(fcntl_cmds), (int)(uint32_t)v);
		return true;
	case SA_FCNTL_ARG:
		if (at_exit)
			return false;
		decode_fcntl_arg(sb, c, v);
		return true;
	default:
		return false;
	}
}

/*
 * The fds a poll or select call waits on, at most max of them; the lab
 * pauses at the call only when one of them is a socket.  Unreadable
 * memory yields none (the call then runs through, as the kernel will
 * fail it with EFAULT anyway).
 */
size_t
sc_call_fds(const struct sc_call *c, const struct sc_mem *m, int *fds,
    size_t max)
{
	unsigned char set[SC_FDSET_MAX / 8], any[SC_FDSET_MAX / 8];
	struct pollfd p[64];
	size_t n = 0, k, len;
	unsigned i, pi = kind_index(c, SA_POLLFDS), ni;
	int fd, nfds;

	if (pi < SCF_MAXARGS) {
		ni = kind_index(c, SA_NFDS);
		len = ni < SCF_MAXARGS ? (uint32_t)c->args[ni] : 0;
		if (len > NITEMS(p))
			len = NITEMS(p);
		if (len == 0 || !sc_mem_read(m, c->args[pi], p, len * sizeof p[0]))
			return 0;
		for (k = 0; k < len && n < max; k++)
			if (p[k].fd >= 0)
				fds[n++] = p[k].fd;
		return n;
	}
	if (kind_index(c, SA_FDSET) >= SCF_MAXARGS)
		return 0;
	len = fdset_bytes(c);
	memset(any, 0, sizeof any);
	for (i = 0; i < c->desc->nargs && i < SCF_MAXARGS; i++) {
		if (c->desc->arg[i] != SA_FDSET || c->args[i] == 0)
			continue;
		if (!sc_mem_read(m, c->args[i], set, len))
			continue;
		for (k = 0; k < len; k++)
			any[k] |= set[k];
	}
	nfds = (int)(uint32_t)c->args[0];
	for (fd = 0; fd < nfds && fd < SC_FDSET_MAX && n < max; fd++)
		if (any[fd / 8] & (1u << (fd % 8)))
			fds[n++] = fd;
	return n;
}
