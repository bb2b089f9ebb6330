/*
 * snapshot.c - how long one kview_snapshot() takes on a lab port with
 * 1 listener and N established connections on 127.0.0.1, both ends held
 * by one process: 2N+1 sockets in the dump, 2N+1 fds to map.
 *
 * Two figures: "cold", every fd read from /proc (a process that ran
 * since the last snapshot, or the first snapshot), and "paused", the
 * holder stopped as a lab side paused before a call is, so its fd list
 * is provably unchanged and reused (sock-view.c); the dump and the
 * blocked-state reads are done in full both times.
 *
 * usage: snapshot N
 */
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <err.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "drive.h"

#define RUNS	200
#define MAXN	20000	/* stays well inside the ephemeral port range */

static void
raise_nofile(rlim_t want)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		err(1, "getrlimit");
	if (rl.rlim_cur >= want)
		return;
	rl.rlim_cur = want;
	if (rl.rlim_max < want)
		rl.rlim_max = want;	/* root may raise the hard limit */
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
		err(1, "setrlimit RLIMIT_NOFILE %llu",
		    (unsigned long long)want);
}

static int
open_listener(struct sockaddr_in *sin, int backlog)
{
	socklen_t len = sizeof(*sin);
	int fd;

	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		err(1, "socket");
	if (bind(fd, (struct sockaddr *)sin, sizeof(*sin)) == -1 ||
	    getsockname(fd, (struct sockaddr *)sin, &len) == -1 ||
	    listen(fd, backlog) == -1)
		err(1, "listener");
	return fd;
}

/* Connect then accept each in turn, so no backlog limit gets in the way. */
static void
open_connections(int lfd, const struct sockaddr_in *sin, int *fds, int n)
{
	int i, c, a;

	for (i = 0; i < n; i++) {
		c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (c == -1)
			err(1, "socket %d", i);
		if (connect(c, (const struct sockaddr *)sin,
		    sizeof(*sin)) == -1)
			err(1, "connect %d", i);
		if ((a = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) == -1)
			err(1, "accept %d", i);
		fds[2 * i] = c;
		fds[2 * i + 1] = a;
	}
}

static double
elapsed_ms(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) * 1e3 +
	    (double)(b->tv_nsec - a->tv_nsec) / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Medians and p90 of RUNS snapshots; cold: a fresh view each time. */
static void
measure(const char *what, int n, uint16_t port, const struct kproc *holder,
    bool cold)
{
	struct kview v;
	struct timespec t0, t1;
	double ms[RUNS], median, p90;
	int i;

	memset(&v, 0, sizeof(v));
	/* One untimed run: the first pays for page faults and module load. */
	if (kview_snapshot(&v, port, holder, 1) == -1)
		errx(1, "kview_snapshot: %s", v.diag_err);
	if (v.nsocks != (size_t)n * 2 + 1)
		errx(1, "snapshot saw %zu sockets, want %d", v.nsocks,
		    2 * n + 1);
	for (i = 0; i < RUNS; i++) {
		if (cold)
			kview_finish(&v);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		kview_snapshot(&v, port, holder, 1);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		ms[i] = elapsed_ms(&t0, &t1);
	}
	kview_finish(&v);
	qsort(ms, RUNS, sizeof(ms[0]), cmp_double);
	median = (ms[RUNS / 2 - 1] + ms[RUNS / 2]) / 2;
	p90 = ms[(RUNS * 9 + 9) / 10 - 1];
	printf("snapshot N=%d %s: median %.3f ms, p90 %.3f ms (%d runs)\n",
	    n, what, median, p90, RUNS);
}

/* The kernel's part alone: one sock_diag dump of the port, parsed. */
static void
measure_dump(int n, uint16_t port)
{
	struct ksock *socks;
	struct timespec t0, t1;
	double ms[RUNS];
	size_t ns;
	int i;

	for (i = 0; i < RUNS; i++) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (sock_diag_dump(port, &socks, &ns, NULL, 0) == -1)
			errx(1, "sock_diag_dump");
		clock_gettime(CLOCK_MONOTONIC, &t1);
		free(socks);
		ms[i] = elapsed_ms(&t0, &t1);
	}
	qsort(ms, RUNS, sizeof(ms[0]), cmp_double);
	printf("snapshot N=%d, the sock_diag dump alone: median %.3f ms\n", n,
	    (ms[RUNS / 2 - 1] + ms[RUNS / 2]) / 2);
}

int
main(int argc, char **argv)
{
	struct kproc holder = { 0 };
	struct sockaddr_in sin;
	struct linger lg = { 1, 0 };
	const char *errstr;
	int n, lfd, *fds, i, status;
	pid_t pid;

	if (argc != 2)
		errx(2, "usage: snapshot N");
	n = (int)strtonum(argv[1], 1, MAXN, &errstr);
	if (errstr != NULL)
		errx(2, "N %s: %s", argv[1], errstr);
	raise_nofile((rlim_t)2 * (rlim_t)n + 64);

	lfd = open_listener(&sin, n < 128 ? 128 : n);
	fds = xcalloc((size_t)n * 2, sizeof(*fds));
	open_connections(lfd, &sin, fds, n);
	/* Reset rather than close at the end: no TIME-WAIT left to slow
	 * the next run. */
	for (i = 0; i < 2 * n; i++)
		setsockopt(fds[i], SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));

	/* A holder process with every socket, stopped like a paused side. */
	if ((pid = fork()) == -1)
		err(1, "fork");
	if (pid == 0) {
		for (;;)
			raise(SIGSTOP);
	}
	if (waitpid(pid, &status, WUNTRACED) != pid || !WIFSTOPPED(status))
		errx(1, "holder did not stop");
	for (i = 0; i < 2 * n; i++)
		close(fds[i]);
	close(lfd);
	free(fds);

	holder.pid = pid;
	holder.side = 0;
	measure("cold (every fd read)", n, ntohs(sin.sin_port), &holder, true);
	measure("paused holder (fd list reused)", n, ntohs(sin.sin_port),
	    &holder, false);
	measure_dump(n, ntohs(sin.sin_port));

	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return 0;
}
