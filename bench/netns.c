/*
 * netns.c - what the lab network adds before the first frame: one
 * net_lab_enter() (a network namespace, a user namespace first when not
 * root, lo brought up), as the first call of a fresh process, which is
 * how sockstep makes it.  Each run is a child of its own; the median of
 * RUNS is printed, for one host and for two (a second namespace, the
 * veth pair built with libnl, both ends addressed and up: a lesson's).  Run it as a user too (setpriv --reuid) for the
 * user-namespace path.
 *
 * The namespaces of a run end in the kernel's cleanup_net worker after
 * the child exits, and a veth's end takes the same rtnl lock the next
 * run's veth needs: GAP_MS of quiet between runs keeps one run's
 * teardown out of the next one's figure (sockstep makes one lab a run).
 *
 * usage: netns [RUNS [GAP_MS]]
 */
#include <sys/wait.h>

#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "drive.h"

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void
bench(int runs, int hosts, int gap_ms)
{
	struct timespec gap = { gap_ms / 1000, (gap_ms % 1000) * 1000000L };
	double *t = calloc((size_t)runs, sizeof *t), t0, took;
	int i, fds[2], status;
	struct net_lab n;
	char why[512];
	pid_t pid;

	if (t == NULL)
		err(1, "calloc");
	for (i = 0; i < runs; i++) {
		if (gap_ms > 0)
			nanosleep(&gap, NULL);
		if (pipe(fds) == -1 || (pid = fork()) == -1)
			err(1, "fork");
		if (pid == 0) {
			t0 = now_us();
			if (net_lab_enter(NET_LAB, hosts, &n, why,
			    sizeof why) == -1)
				errx(1, "%s", why);
			if (n.hosts != hosts)
				errx(1, "%d hosts asked, %d made", hosts,
				    n.hosts);
			took = now_us() - t0;
			if (write(fds[1], &took, sizeof took) != sizeof took)
				_exit(1);
			_exit(0);
		}
		close(fds[1]);
		if (read(fds[0], &t[i], sizeof t[i]) != sizeof t[i])
			errx(1, "run %d: no time", i);
		close(fds[0]);
		if (waitpid(pid, &status, 0) == -1 || status != 0)
			errx(1, "run %d failed", i);
	}
	qsort(t, (size_t)runs, sizeof *t, cmp);
	printf("lab network setup, %d host%s (%s, first net_lab_enter of a "
	    "process, %d ms apart): median %.2f ms over %d runs (min %.2f, "
	    "max %.2f)  [target <= 20 ms]\n", hosts, hosts == 1 ? "" : "s",
	    geteuid() == 0 ? "root: netns" : "user: userns + netns", gap_ms,
	    t[runs / 2] / 1000, runs, t[0] / 1000, t[runs - 1] / 1000);
	free(t);
}

int
main(int argc, char **argv)
{
	int runs = argc > 1 ? atoi(argv[1]) : 51;
	int gap = argc > 2 ? atoi(argv[2]) : 0;

	if (runs < 1 || gap < 0)
		errx(1, "usage: netns [RUNS [GAP_MS]]");
	bench(runs, 1, gap);
	bench(runs, 2, gap);
	return 0;
}
