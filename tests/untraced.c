/*
 * untraced.c - tries to leave the tracer behind (issue 19): a child
 * started with clone(CLONE_UNTRACED) is not auto-attached by ptrace,
 * so it would outlive sockstep, holding the listening socket.  Under
 * sockstep the clone must fail with EPERM and clone3 with ENOSYS; fork
 * and threads (clone3, then glibc's fall back to clone) must still work.
 *
 *	untraced PORT [int80]
 *
 * int80 tries the same clone through the i386 entry (x86_64 only).  A
 * child that did escape sleeps 30 s with the socket open: a test sees
 * it in ps.
 */
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <netinet/in.h>

#include <arpa/inet.h>
#include <err.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef SYS_clone3
#define SYS_clone3	435
#endif

/* struct clone_args of <linux/sched.h>, version 0. */
struct clone_args0 {
	uint64_t	flags, pidfd, child_tid, parent_tid, exit_signal,
			stack, stack_size, tls;
};

/* As a daemon would: out of the terminal's session, deaf to its hangup. */
static void
escaped(void)
{
	signal(SIGHUP, SIG_IGN);
	setsid();
	printf("escaped pid=%d\n", (int)getpid());
	fflush(stdout);
	sleep(30);
	_exit(0);
}

static void
report(const char *how, long r, int e)
{
	if (r == 0)
		escaped();
	/* Not waited for: an escaped child outlives the program, as in
	 * issue 19, and the test must find it. */
	if (r > 0)
		printf("%s=%ld (a child runs untraced)\n", how, r);
	else
		printf("%s=-1 errno=%s\n", how, e == EPERM ? "EPERM" :
		    e == ENOSYS ? "ENOSYS" : strerror(e));
	fflush(stdout);
}

#ifdef __x86_64__
static long
clone_int80(unsigned long flags)
{
	long r;

	/* i386 clone(flags, stack 0 = this one, ...): a fork. */
	__asm__ volatile ("int $0x80" : "=a"(r) : "0"(120L), "b"(flags),
	    "c"(0L), "d"(0L), "S"(0L), "D"(0L)
	    : "memory", "r8", "r9", "r10", "r11");
	return r;
}
#endif

static void *
thread_main(void *arg)
{
	return arg;
}

int
main(int argc, char **argv)
{
	struct sockaddr_in sin;
	struct clone_args0 ca;
	pthread_t th;
	long r;
	pid_t pid;
	int lfd, one = 1, status;

	if (argc < 2)
		errx(2, "usage: untraced PORT [int80]");
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)atoi(argv[1]));
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((lfd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) ||
	    bind(lfd, (struct sockaddr *)&sin, sizeof sin) == -1 ||
	    listen(lfd, 5) == -1)
		err(1, "listen");

	if (argc > 2 && strcmp(argv[2], "int80") == 0) {
#ifdef __x86_64__
		r = clone_int80(CLONE_UNTRACED | SIGCHLD);
		report("clone_int80", r < 0 && r > -4096 ? -1 : r,
		    r < 0 && r > -4096 ? (int)-r : 0);
#else
		printf("clone_int80: not x86_64\n");
#endif
		close(lfd);
		return 0;
	}

	r = syscall(SYS_clone, CLONE_UNTRACED | SIGCHLD, 0L, NULL, NULL, 0L);
	report("clone", r, errno);

	memset(&ca, 0, sizeof ca);
	ca.flags = CLONE_UNTRACED;
	ca.exit_signal = SIGCHLD;
	r = syscall(SYS_clone3, &ca, sizeof ca);
	report("clone3", r, errno);

	/* What a program normally does still works, and stays traced. */
	if ((pid = fork()) == -1)
		err(1, "fork");
	if (pid == 0)
		_exit(7);
	if (waitpid(pid, &status, 0) == -1)
		err(1, "waitpid");
	printf("fork=ok status=%d\n", WEXITSTATUS(status));
	if (pthread_create(&th, NULL, thread_main, NULL) != 0 ||
	    pthread_join(th, NULL) != 0)
		errx(1, "pthread");
	printf("thread=ok\n");
	fflush(stdout);
	close(lfd);
	return 0;
}
