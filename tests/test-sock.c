/*
 * test-sock.c - the kernel view (sock-diag.c, sock-proc.c, sock-view.c,
 * sock-name.c) against ss(8) and plain syscalls, on 127.0.0.1 only.
 * Exit 0 on pass, 1 on failure, 77 to skip when the kernel has no
 * sock_diag for TCP or ss(8) is missing.
 */
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "drive.h"
#include "check.h"

#define NCLIENTS	4
#define BACKLOG		2
#define WAIT_MS		2000	/* longest wait for the kernel to settle */
#define STEP_MS		5	/* poll interval while waiting */
#define SS_MAX		64

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* "127.0.0.1:9190" as ss(8) prints it; port 0 is "*". */
static const char *
fmt_addr(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;
	char host[INET6_ADDRSTRLEN], port[8];

	if (ss->ss_family != AF_INET) {
		snprintf(buf, len, "?");
		return buf;
	}
	inet_ntop(AF_INET, &sin->sin_addr, host, sizeof(host));
	if (sin->sin_port == 0)
		snprintf(port, sizeof(port), "*");
	else
		snprintf(port, sizeof(port), "%u", ntohs(sin->sin_port));
	snprintf(buf, len, "%s:%s", host, port);
	return buf;
}

static uint16_t
sa_port(const struct sockaddr_storage *ss)
{
	return ntohs(((const struct sockaddr_in *)ss)->sin_port);
}

static bool
sa_equal(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;

	return a->ss_family == AF_INET && b->ss_family == AF_INET &&
	    x->sin_port == y->sin_port &&
	    x->sin_addr.s_addr == y->sin_addr.s_addr;
}

static uint64_t
fd_inode(int fd)
{
	struct stat st;

	if (fstat(fd, &st) == -1)
		return 0;
	return st.st_ino;
}

/* One line of ss -H output. */
struct ssline {
	char		state[32];	/* "" when ss printed no state column */
	unsigned long	rq;
	unsigned long	wq;
	char		local[64];
	char		peer[64];
	uint64_t	ino;		/* from -e, else 0 */
};

static bool
ss_parse(char *line, struct ssline *l)
{
	char *tok[16], *save, *t;
	size_t n = 0, i = 0, k;

	for (t = strtok_r(line, " \t\n", &save); t != NULL && n < 16;
	    t = strtok_r(NULL, " \t\n", &save))
		tok[n++] = t;
	memset(l, 0, sizeof(*l));
	if (n < 4)
		return false;
	if (!isdigit((unsigned char)tok[0][0])) {
		strlcpy(l->state, tok[0], sizeof(l->state));
		i = 1;
	}
	if (n < i + 4)
		return false;
	l->rq = strtoul(tok[i], NULL, 10);
	l->wq = strtoul(tok[i + 1], NULL, 10);
	strlcpy(l->local, tok[i + 2], sizeof(l->local));
	strlcpy(l->peer, tok[i + 3], sizeof(l->peer));
	for (k = i + 4; k < n; k++) {
		if (strncmp(tok[k], "ino:", 4) == 0)
			l->ino = strtoull(tok[k] + 4, NULL, 10);
	}
	return true;
}

/* Runs "ss -H ARGS" and returns its lines, or -1 if it did not run. */
static int
ss_run(struct ssline *out, size_t max, const char *fmt, ...)
{
	char args[256], cmd[300], *line = NULL;
	size_t cap = 0, n = 0;
	va_list ap;
	FILE *f;
	int status;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "ss -H %s 2>/dev/null", args);
	if ((f = popen(cmd, "r")) == NULL)
		return -1;
	while (getline(&line, &cap, f) != -1) {
		if (n < max && ss_parse(line, &out[n]))
			n++;
	}
	free(line);
	status = pclose(f);
	if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return -1;
	return (int)n;
}

static struct ksock *
find_state(struct ksock *k, size_t n, int state, uint16_t lport,
    uint16_t pport)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (k[i].state == state && sa_port(&k[i].local) == lport &&
		    (pport == 0 || sa_port(&k[i].peer) == pport))
			return &k[i];
	}
	return NULL;
}

static struct ksock *
find_inode(struct ksock *k, size_t n, uint64_t ino)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (k[i].inode == ino)
			return &k[i];
	}
	return NULL;
}

/* The listener's accept queue as sock_diag reports it, -1 if absent. */
static long
diag_rqueue(uint16_t port)
{
	struct ksock *k, *l;
	size_t n;
	char err[128];
	long rq = -1;

	if (sock_diag_dump(port, &k, &n, err, sizeof(err)) == -1)
		return -1;
	if ((l = find_state(k, n, TCP_LISTEN, port, 0)) != NULL)
		rq = l->rqueue;
	free(k);
	return rq;
}

static long
wait_rqueue(uint16_t port, long want)
{
	long rq = -1;
	int waited;

	for (waited = 0; waited <= WAIT_MS; waited += STEP_MS) {
		if ((rq = diag_rqueue(port)) == want)
			break;
		sleep_ms(STEP_MS);
	}
	return rq;
}

/* The listener's queues from ss -lt, compared with sock_diag's. */
static void
check_listener_vs_ss(uint16_t port, long want_rq, int line)
{
	struct ssline ss[SS_MAX];
	struct ksock *k, *l;
	size_t n;
	char err[128];
	int nss;

	nss = ss_run(ss, SS_MAX, "-ltn 'sport = :%u'", port);
	CHECK_AT(line, nss == 1, "ss -ltn sport %u: %d lines", port, nss);
	if (sock_diag_dump(port, &k, &n, err, sizeof(err)) == -1) {
		CHECK_AT(line, false, "sock_diag_dump: %s", err);
		return;
	}
	l = find_state(k, n, TCP_LISTEN, port, 0);
	CHECK_AT(line, l != NULL, "no LISTEN on %u in sock_diag", port);
	if (l != NULL && nss == 1) {
		CHECK_AT(line, l->rqueue == ss[0].rq && l->wqueue == ss[0].wq,
		    "listener queues: sock_diag %u/%u, ss %lu/%lu",
		    l->rqueue, l->wqueue, ss[0].rq, ss[0].wq);
		CHECK_AT(line, l->rqueue == want_rq && l->wqueue == BACKLOG,
		    "listener queues %u/%u, want %ld/%d", l->rqueue,
		    l->wqueue, want_rq, BACKLOG);
		printf("listener 127.0.0.1:%u: Recv-Q %u Send-Q %u "
		    "(ss: %lu %lu)\n", port, l->rqueue, l->wqueue,
		    ss[0].rq, ss[0].wq);
	}
	free(k);
}

/* SO_REUSEPORT lets test_bound() bind a second socket to the port. */
static int
listener(uint16_t *port, int backlog)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd, one = 1;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one,
	    sizeof(one)) == -1 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) == -1 ||
	    listen(fd, backlog) == -1) {
		perror("listener");
		exit(1);
	}
	*port = ntohs(sin.sin_port);
	return fd;
}

static int
client(uint16_t port)
{
	struct sockaddr_in sin;
	int fd;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(port);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		perror("socket");
		exit(1);
	}
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 &&
	    errno != EINPROGRESS) {
		perror("connect");
		exit(1);
	}
	return fd;
}

static bool
wait_connected(int fd)
{
	struct pollfd pfd = { fd, POLLOUT, 0 };
	socklen_t len = sizeof(int);
	int err = -1;

	if (poll(&pfd, 1, WAIT_MS) != 1)
		return false;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		return false;
	return err == 0;
}

/* sock_diag must be there, and the bytecode filter must filter. */
static void
test_filter(uint16_t port, uint16_t port2)
{
	struct ksock *k;
	size_t n, i;
	char err[128];

	if (sock_diag_dump(port, &k, &n, err, sizeof(err)) == -1) {
		CHECK_FAIL("sock_diag_dump: %s", err);
		return;
	}
	CHECK(n > 0, "sock_diag_dump(%u) is empty", port);
	for (i = 0; i < n; i++) {
		CHECK(sa_port(&k[i].local) == port ||
		    sa_port(&k[i].peer) == port,
		    "filter let through %u -> %u", sa_port(&k[i].local),
		    sa_port(&k[i].peer));
		CHECK(sa_port(&k[i].local) != port2,
		    "the listener on %u leaked into the dump of %u", port2,
		    port);
		CHECK(k[i].in_diag && k[i].side == -1 && k[i].fd == -1 &&
		    k[i].pid == 0, "sock_diag entry not fresh");
	}
	free(k);

	if (sock_diag_dump(port2, &k, &n, err, sizeof(err)) == -1) {
		CHECK_FAIL("sock_diag_dump: %s", err);
		return;
	}
	CHECK(n == 1 && k[0].state == TCP_LISTEN &&
	    sa_port(&k[0].local) == port2,
	    "dump of %u: %zu sockets, want its one listener", port2, n);
	free(k);
}

/* Every socket on the port, ss against sock_diag, addresses and queues. */
static void
test_vs_ss(uint16_t port)
{
	struct ssline ss[SS_MAX];
	struct ksock *k;
	char a[64], b[64], err[128];
	size_t n, i;
	int nss, j;
	bool found;

	nss = ss_run(ss, SS_MAX, "-tan '( sport = :%u or dport = :%u )'",
	    port, port);
	if (sock_diag_dump(port, &k, &n, err, sizeof(err)) == -1) {
		CHECK_FAIL("sock_diag_dump: %s", err);
		return;
	}
	CHECK(nss >= 0 && (size_t)nss == n, "ss lists %d sockets, "
	    "sock_diag %zu", nss, n);
	for (i = 0; i < n; i++) {
		fmt_addr(&k[i].local, a, sizeof(a));
		fmt_addr(&k[i].peer, b, sizeof(b));
		found = false;
		for (j = 0; j < nss && !found; j++) {
			found = strcmp(ss[j].local, a) == 0 &&
			    strcmp(ss[j].peer, b) == 0 &&
			    ss[j].rq == k[i].rqueue && ss[j].wq == k[i].wqueue;
		}
		CHECK(found, "%s %s -> %s q %u/%u not in ss",
		    tcp_state_name(k[i].state), a, b, k[i].rqueue,
		    k[i].wqueue);
	}
	free(k);
}

static void
test_syn_sent(uint16_t port, int fd)
{
	struct ssline ss[SS_MAX];
	struct sockaddr_storage me;
	socklen_t len = sizeof(me);
	struct ksock *k, *s;
	char a[64], err[128];
	size_t n;
	int nss;

	if (getsockname(fd, (struct sockaddr *)&me, &len) == -1) {
		CHECK(false, "getsockname: %s", strerror(errno));
		return;
	}
	nss = ss_run(ss, SS_MAX, "-tn state syn-sent 'dport = :%u'", port);
	if (sock_diag_dump(port, &k, &n, err, sizeof(err)) == -1) {
		CHECK_FAIL("sock_diag_dump: %s", err);
		return;
	}
	s = find_state(k, n, TCP_SYN_SENT, sa_port(&me), port);
	CHECK(s != NULL, "the 4th client is not SYN-SENT in sock_diag");
	CHECK(nss == 1, "ss sees %d SYN-SENT sockets, want 1", nss);
	if (s != NULL && nss == 1) {
		fmt_addr(&s->local, a, sizeof(a));
		CHECK(strcmp(a, ss[0].local) == 0,
		    "SYN-SENT local: sock_diag %s, ss %s", a, ss[0].local);
		CHECK(s->inode == fd_inode(fd), "SYN-SENT inode");
		CHECK(strcmp(tcp_state_name(s->state), "SYN-SENT") == 0,
		    "state name %s", tcp_state_name(s->state));
		printf("4th client %s is %s (ss agrees)\n", a,
		    tcp_state_name(s->state));
	}
	free(k);
}

static size_t
count_accept_queue(const struct kview *v)
{
	size_t i, n = 0;

	for (i = 0; i < v->nsocks; i++)
		n += v->socks[i].in_accept_queue;
	return n;
}

/* Listeners, then sides in order with -1 last, then by local port. */
static void
test_order(const struct kview *v)
{
	const struct ksock *a, *b;
	size_t i;

	for (i = 1; i < v->nsocks; i++) {
		a = &v->socks[i - 1];
		b = &v->socks[i];
		CHECK(a->state == TCP_LISTEN || b->state != TCP_LISTEN,
		    "listener after a non-listener at %zu", i);
		if ((a->state == TCP_LISTEN) != (b->state == TCP_LISTEN))
			continue;
		/* Sides ascending, then the unheld (-1) ones. */
		CHECK((a->side >= 0 && (b->side < 0 || a->side <= b->side)) ||
		    (a->side < 0 && b->side < 0), "side order at %zu", i);
		if (a->side == b->side)
			CHECK(sa_port(&a->local) <= sa_port(&b->local),
			    "port order at %zu", i);
	}
}

static void
test_view(uint16_t port, int lfd, int lfd2, const int *cfd, int unbound,
    int udp, int dupfd)
{
	struct kproc me = { getpid(), 0, false, 0, false };
	struct kview v;
	struct ksock *k;
	size_t i;

	memset(&v, 0, sizeof(v));
	CHECK(kview_snapshot(&v, port, &me, 1) == 0, "kview_snapshot: %s",
	    v.diag_err);
	CHECK(v.diag_ok, "diag_ok false");
	test_order(&v);

	CHECK(v.nsocks > 0 && v.socks[0].state == TCP_LISTEN,
	    "the listener does not come first");
	k = find_inode(v.socks, v.nsocks, fd_inode(lfd));
	CHECK(k != NULL && k->state == TCP_LISTEN && k->side == 0 &&
	    k->pid == getpid() && k->fd == lfd && k->in_diag,
	    "listener fd %d not held by side 0", lfd);

	for (i = 0; i < NCLIENTS; i++) {
		k = find_inode(v.socks, v.nsocks, fd_inode(cfd[i]));
		CHECK(k != NULL, "client %zu (fd %d) missing", i, cfd[i]);
		if (k == NULL)
			continue;
		CHECK(k->side == 0 && k->pid == getpid() && k->fd == cfd[i] &&
		    k->in_diag && !k->in_accept_queue,
		    "client %zu: side %d pid %ld fd %d, want fd %d", i,
		    k->side, (long)k->pid, k->fd, cfd[i]);
		CHECK(k->state == (i < NCLIENTS - 1 ? TCP_ESTABLISHED :
		    TCP_SYN_SENT), "client %zu state %s", i,
		    tcp_state_name(k->state));
	}
	/* dup() gives a second fd on client 0; the lower fd names it. */
	k = find_inode(v.socks, v.nsocks, fd_inode(cfd[0]));
	CHECK(k != NULL && k->nholders == 2 && k->fd == cfd[0] &&
	    cfd[0] < dupfd, "dup: nholders %d fd %d", k ? k->nholders : -1,
	    k ? k->fd : -1);

	CHECK(count_accept_queue(&v) == NCLIENTS - 1,
	    "%zu sockets in the accept queue, want %d", count_accept_queue(&v),
	    NCLIENTS - 1);
	for (i = 0; i < v.nsocks; i++) {
		k = &v.socks[i];
		if (!k->in_accept_queue)
			continue;
		CHECK(k->side == -1 && k->inode == 0 &&
		    k->state == TCP_ESTABLISHED && sa_port(&k->local) == port,
		    "bad accept-queue entry");
	}

	k = find_inode(v.socks, v.nsocks, fd_inode(unbound));
	CHECK(k != NULL && k->state == TCP_CLOSE && !k->in_diag &&
	    k->side == 0 && k->fd == unbound && k->family == AF_INET,
	    "unbound socket fd %d not shown as CLOSE, in_diag=false", unbound);
	CHECK(k != NULL && k->local.ss_family == AF_INET &&
	    sa_port(&k->local) == 0, "unbound socket has a local port");
	CHECK(find_inode(v.socks, v.nsocks, fd_inode(udp)) == NULL,
	    "a UDP socket shows up in the TCP view");
	/* A lab process's socket is shown whatever its port (issue 18). */
	k = find_inode(v.socks, v.nsocks, fd_inode(lfd2));
	CHECK(k != NULL && k->state == TCP_LISTEN_STATE && k->in_diag &&
	    k->side == 0 && k->fd == lfd2,
	    "the lab's listener on another port is not shown as LISTEN");
	printf("kview: %zu sockets, %zu in the accept queue\n", v.nsocks,
	    count_accept_queue(&v));
	kview_finish(&v);
	CHECK(v.socks == NULL && v.nsocks == 0, "kview_finish");
}

/*
 * bind() without listen() on the lab port: Linux 6.8 and later dump it
 * (in CLOSE, bound); older kernels do not, and the view falls back to
 * the lab's fd, still CLOSE, with the address from getsockname.
 */
static void
test_bound(uint16_t port)
{
	struct kproc me = { getpid(), 0, false, 0, false };
	struct sockaddr_in sin;
	struct kview v;
	struct ksock *k;
	int fd, one = 1;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(port);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1 || setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one,
	    sizeof(one)) == -1 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		CHECK(false, "bind a second socket: %s", strerror(errno));
		if (fd != -1)
			close(fd);
		return;
	}
	memset(&v, 0, sizeof(v));
	CHECK(kview_snapshot(&v, port, &me, 1) == 0, "kview_snapshot");
	k = find_inode(v.socks, v.nsocks, fd_inode(fd));
	CHECK(k != NULL && k->state == TCP_CLOSE && k->side == 0 &&
	    k->fd == fd && sa_port(&k->local) == port && !k->in_accept_queue,
	    "bound socket not shown as CLOSE on port %u", port);
	if (k != NULL)
		printf("bound, not listening: %s, in_diag=%d\n",
		    tcp_state_name(k->state), k->in_diag);
	kview_finish(&v);
	close(fd);
}

static void
test_names(uint16_t port, int cfd, int afd)
{
	struct ssline ss[SS_MAX];
	struct sockaddr_storage name, peer, plain;
	socklen_t len = sizeof(plain);
	char a[64], err[128];
	unsigned lo = 0, hi = 0;
	FILE *f;
	int nss, i;
	bool found = false;

	CHECK(sock_name_of(getpid(), cfd, false, &name, err,
	    sizeof(err)) == 0, "sock_name_of: %s", err);
	fmt_addr(&name, a, sizeof(a));
	nss = ss_run(ss, SS_MAX, "-tne 'dport = :%u'", port);
	for (i = 0; i < nss; i++) {
		if (ss[i].ino == fd_inode(cfd)) {
			found = true;
			CHECK(strcmp(ss[i].local, a) == 0,
			    "sock_name_of %s, ss %s", a, ss[i].local);
		}
	}
	CHECK(found, "ss -e shows no socket with the client's inode");
	if ((f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r"))) {
		CHECK(fscanf(f, "%u %u", &lo, &hi) == 2, "port range");
		fclose(f);
	}
	CHECK(sa_port(&name) >= lo && sa_port(&name) <= hi,
	    "client port %u outside %u-%u", sa_port(&name), lo, hi);
	printf("sock_name_of(client) %s, in %u-%u (ss agrees)\n", a, lo, hi);

	CHECK(sock_name_of(getpid(), afd, true, &peer, err,
	    sizeof(err)) == 0, "sock_name_of peer: %s", err);
	CHECK(getsockname(cfd, (struct sockaddr *)&plain, &len) == 0,
	    "getsockname");
	CHECK(sa_equal(&peer, &plain), "accepted peer %s is not client 0",
	    fmt_addr(&peer, a, sizeof(a)));

	CHECK(sock_name_of(getpid(), afd, true, &peer, NULL, 0) == 0,
	    "sock_name_of without err buffer");
	CHECK(sock_name_of(getpid(), 1000000, false, &peer, err,
	    sizeof(err)) == -1 && strcmp(err,
	    "pidfd_getfd: Bad file descriptor") == 0, "bad fd: %s", err);
	printf("bad fd: %s\n", err);
}

static void
count_fd(void *arg, int fd, uint64_t inode)
{
	(void)fd;
	(void)inode;
	(*(int *)arg)++;
}

/*
 * Snapshots between full dumps (sock-view.c): with set_gen unchanged a
 * snapshot may ask about the last dump's sockets by address instead.
 * Each answer must equal a full dump's taken right after; a connection
 * that no lab call announced, or a close, must force a dump.
 */
static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Same sockets (by cookie), same states and queues. */
static void
same_as_dump(const struct kview *got, uint16_t port, const char *what,
    int line)
{
	struct kview d;
	size_t i, j;
	bool found;

	memset(&d, 0, sizeof(d));
	kview_snapshot(&d, port, NULL, 0);	/* set_gen 0: a dump */
	CHECK_AT(line, d.dumped && got->diag_ok, "%s: a dump to compare",
	    what);
	CHECK_AT(line, got->nsocks == d.nsocks,
	    "%s: %zu sockets, a dump has %zu", what, got->nsocks, d.nsocks);
	for (i = 0; i < got->nsocks; i++) {
		found = false;
		for (j = 0; j < d.nsocks && !found; j++) {
			const struct ksock *a = &got->socks[i], *b = &d.socks[j];

			if (a->cookie[0] != b->cookie[0] ||
			    a->cookie[1] != b->cookie[1])
				continue;
			found = true;
			CHECK_AT(line, a->state == b->state &&
			    a->rqueue == b->rqueue && a->wqueue == b->wqueue,
			    "%s: %s %u/%u, a dump says %s %u/%u", what,
			    tcp_state_name(a->state), a->rqueue, a->wqueue,
			    tcp_state_name(b->state), b->rqueue, b->wqueue);
		}
		CHECK_AT(line, found, "%s: socket %zu not in a dump", what, i);
	}
	kview_finish(&d);
}

static void
test_refresh(void)
{
	struct kview v;
	struct ksock *k;
	uint16_t port;
	int lfd, c, a, c2, l2, n = -1;
	double t0;
	size_t i;

	lfd = listener(&port, 4);
	c = client(port);
	CHECK(wait_connected(c), "refresh: connect");
	a = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	CHECK(a != -1, "refresh: accept");
	memset(&v, 0, sizeof(v));
	v.set_gen = 7;
	t0 = now_ms();
	kview_snapshot(&v, port, NULL, 0);
	CHECK(v.dumped && v.nsocks == 3, "refresh: first is a dump of 3, "
	    "got %zu (dumped %d)", v.nsocks, v.dumped);

	/* Data only: queues change, the set does not. */
	CHECK(write(c, "hello", 5) == 5, "refresh: write");
	v.set_gen = 7;
	kview_snapshot(&v, port, NULL, 0);
	if (now_ms() - t0 < 40)	/* a loaded machine may pass the age */
		CHECK(!v.dumped, "refresh: data alone needs no dump");
	for (i = 0, k = NULL; i < v.nsocks; i++)
		if (v.socks[i].state == TCP_ESTABLISHED &&
		    sa_port(&v.socks[i].local) == port)
			k = &v.socks[i];
	CHECK(k != NULL && ioctl(a, FIONREAD, &n) == 0 && k->rqueue == 5 &&
	    n == 5, "refresh: Recv-Q %u, FIONREAD %d, want 5",
	    k != NULL ? k->rqueue : 0, n);
	same_as_dump(&v, port, "after a write", __LINE__);

	/* A connection nobody announced: the listener's queue shows it. */
	c2 = client(port);
	CHECK(wait_connected(c2), "refresh: connect 2");
	CHECK(wait_rqueue(port, 1) == 1, "refresh: queued");
	v.set_gen = 7;
	kview_snapshot(&v, port, NULL, 0);
	CHECK(v.dumped && v.nsocks == 5, "refresh: a new connection is "
	    "dumped: %zu sockets (dumped %d)", v.nsocks, v.dumped);
	same_as_dump(&v, port, "after a connect", __LINE__);

	/* A close nobody announced: states change, found by the lookups. */
	close(c);
	sleep_ms(20);
	v.set_gen = 7;
	kview_snapshot(&v, port, NULL, 0);
	CHECK(v.dumped, "refresh: a close is dumped");
	same_as_dump(&v, port, "after a close", __LINE__);

	/* What no lookup can see (another listener on the port) shows
	 * once the dump is KVIEW_DUMP_AGE_MS old. */
	l2 = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	{
		struct sockaddr_in sin;

		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_addr.s_addr = htonl(0x7f000002);	/* 127.0.0.2 */
		sin.sin_port = htons(port);
		CHECK(l2 != -1 && bind(l2, (struct sockaddr *)&sin,
		    sizeof(sin)) == 0 && listen(l2, 1) == 0,
		    "refresh: second listener: %s", strerror(errno));
	}
	sleep_ms(60);
	v.set_gen = 7;
	kview_snapshot(&v, port, NULL, 0);
	n = 0;
	for (i = 0; i < v.nsocks; i++)
		n += v.socks[i].state == TCP_LISTEN_STATE;
	CHECK(v.dumped && n == 2, "refresh: an old dump is redone, and shows "
	    "the second listener (%d listeners)", n);
	kview_finish(&v);
	close(l2);
	close(c2);
	close(a);
	close(lfd);
}

/* A child asleep in accept() on a second listener. */
static void
test_sleep(uint16_t port, int lfd, int lfd2)
{
	struct kproc procs[2] = { { 0, 0, false, 0, false }, { 0, 0, false, 0, false } };
	struct kview v;
	char state = '?', wchan[64];
	long nr = -1;
	int waited, status, nfds = 0;
	size_t i;
	pid_t pid;
	bool seen = false;

	if ((pid = fork()) == -1) {
		CHECK(false, "fork: %s", strerror(errno));
		return;
	}
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		/* A comm with ") " in it: only the last ')' ends the field. */
		prctl(PR_SET_NAME, "z) R (q");
		accept(lfd2, NULL, NULL);
		_exit(0);
	}
	for (waited = 0; waited <= WAIT_MS; waited += STEP_MS) {
		if (sock_proc_sleep(NULL, pid, &state, &nr, wchan,
		    sizeof(wchan)) == 0 && state == 'S' &&
		    (nr == __NR_accept || nr == __NR_accept4))
			break;
		sleep_ms(STEP_MS);
	}
	CHECK(state == 'S', "child state %c, want S", state);
	CHECK(nr == __NR_accept || nr == __NR_accept4,
	    "child sleeps in syscall %ld, want accept %d or accept4 %d", nr,
	    __NR_accept, __NR_accept4);
	CHECK(wchan[0] == '\0' || strstr(wchan, "accept") != NULL,
	    "wchan %s", wchan);
	printf("child %ld: state %c, syscall %ld (%s), wchan \"%s\"\n",
	    (long)pid, state, nr, nr == __NR_accept ? "accept" :
	    nr == __NR_accept4 ? "accept4" : "?", wchan);

	procs[0].pid = getpid();
	procs[0].side = 0;
	procs[1].pid = pid;
	procs[1].side = 1;
	memset(&v, 0, sizeof(v));
	CHECK(kview_snapshot(&v, port, procs, 2) == 0, "kview_snapshot");
	for (i = 0; i < v.nblocked; i++) {
		CHECK(v.blocked[i].pid != getpid(), "the running test is "
		    "listed as blocked");
		if (v.blocked[i].pid == pid && v.blocked[i].side == 1 &&
		    v.blocked[i].nr == nr)
			seen = true;
	}
	CHECK(seen, "the child is not in kview's blocked list");
	/* The child inherited the listener; side 0 (first asked) keeps it.
	 * (Other sockets of the test, on other ports, show too.) */
	{
		const struct ksock *ls = find_inode(v.socks, v.nsocks,
		    fd_inode(lfd));

		CHECK(ls != NULL && ls->fd == lfd && ls->side == 0 &&
		    ls->nholders == 2, "shared listener: side %d nholders %d",
		    ls ? ls->side : -9, ls ? ls->nholders : -9);
	}
	kview_finish(&v);

	kill(pid, SIGKILL);
	CHECK(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status),
	    "child did not die of SIGKILL");
	CHECK(sock_proc_sleep(NULL, pid, &state, &nr, wchan, sizeof(wchan)) == -1,
	    "sock_proc_sleep on a reaped child");
	CHECK(sock_proc_fds(pid, count_fd, &nfds) == -1 && nfds == 0,
	    "sock_proc_fds on a reaped child");
}

/* sock_diag for TCP present?  ENOENT/EPROTONOSUPPORT: no handler. */
static bool
diag_available(void)
{
	struct ksock *k;
	size_t n;
	char err[128];

	if (sock_diag_dump(1, &k, &n, err, sizeof(err)) == 0) {
		free(k);
		return true;
	}
	fprintf(stderr, "skip: %s\n", err);
	if (strstr(err, strerror(ENOENT)) != NULL ||
	    strstr(err, strerror(EPROTONOSUPPORT)) != NULL ||
	    strstr(err, strerror(EAFNOSUPPORT)) != NULL ||
	    strstr(err, strerror(EOPNOTSUPP)) != NULL)
		return false;
	CHECK_FAIL("sock_diag_dump: %s", err);
	exit(check_finish());
}

static void
test_state_names(void)
{
	static const struct {
		int		 state;
		const char	*name;
	} want[] = {
		{ 1, "ESTABLISHED" }, { 2, "SYN-SENT" }, { 3, "SYN-RECV" },
		{ 4, "FIN-WAIT-1" }, { 5, "FIN-WAIT-2" }, { 6, "TIME-WAIT" },
		{ 7, "CLOSE" }, { 8, "CLOSE-WAIT" }, { 9, "LAST-ACK" },
		{ 10, "LISTEN" }, { 11, "CLOSING" }, { 12, "NEW-SYN-RECV" },
	};
	size_t i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		CHECK(strcmp(tcp_state_name(want[i].state), want[i].name) == 0,
		    "state %d is %s", want[i].state,
		    tcp_state_name(want[i].state));
	}
	CHECK(strcmp(tcp_state_name(0), "UNKNOWN") == 0 &&
	    strcmp(tcp_state_name(99), "UNKNOWN") == 0 &&
	    strcmp(tcp_state_name(-1), "UNKNOWN") == 0, "unknown states");
}

int
main(void)
{
	struct sockaddr_storage from;
	socklen_t fromlen = sizeof(from);
	int lfd, lfd2, cfd[NCLIENTS], afd, unbound, udp, dupfd, i;
	uint16_t port, port2;
	long rq;

	/* Bounded runtime even if the kernel never settles. */
	alarm(30);
	setvbuf(stdout, NULL, _IOLBF, 0);
	test_state_names();
	if (system("ss -V >/dev/null 2>&1") != 0) {
		fprintf(stderr, "skip: no ss(8)\n");
		return 77;
	}
	if (!diag_available())
		return 77;

	lfd = listener(&port, BACKLOG);
	lfd2 = listener(&port2, 1);
	printf("lab port %u, other listener %u\n", port, port2);

	/* One at a time, so the accept queue keeps the clients' order. */
	for (i = 0; i < NCLIENTS - 1; i++) {
		cfd[i] = client(port);
		CHECK(wait_connected(cfd[i]), "client %d did not connect", i);
		rq = wait_rqueue(port, i + 1);
		CHECK(rq == i + 1, "accept queue %ld, want %d", rq, i + 1);
	}
	/* The queue holds backlog+1: this SYN is dropped, it stays SYN-SENT. */
	cfd[NCLIENTS - 1] = client(port);
	unbound = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	udp = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	dupfd = dup(cfd[0]);
	CHECK(unbound != -1 && udp != -1 && dupfd != -1, "socket/dup");

	check_listener_vs_ss(port, BACKLOG + 1, __LINE__);
	test_syn_sent(port, cfd[NCLIENTS - 1]);
	test_filter(port, port2);
	test_vs_ss(port);
	test_view(port, lfd, lfd2, cfd, unbound, udp, dupfd);
	test_bound(port);

	/*
	 * Close the SYN-SENT client before accept(): its SYN retransmit
	 * (after 1 s) would otherwise refill the queue behind our back.
	 */
	close(cfd[NCLIENTS - 1]);
	cfd[NCLIENTS - 1] = -1;
	afd = accept4(lfd, (struct sockaddr *)&from, &fromlen, SOCK_CLOEXEC);
	CHECK(afd != -1, "accept: %s", strerror(errno));
	check_listener_vs_ss(port, BACKLOG, __LINE__);
	test_vs_ss(port);
	if (afd != -1)
		test_names(port, cfd[0], afd);
	test_sleep(port, lfd, lfd2);
	test_refresh();

	close(afd);
	close(dupfd);
	close(udp);
	close(unbound);
	for (i = 0; i < NCLIENTS; i++) {
		if (cfd[i] != -1)
			close(cfd[i]);
	}
	close(lfd2);
	close(lfd);
	return check_finish();
}
