/*
 * test-srcmap.c - srcmap finds the line of a pending socket() in this
 * very file, in a traced copy of this program.
 *
 * Build with -g -O0: the test looks for its own line numbers.
 *
 * The traced child is this binary re-executed with --child (not just a
 * fork), so that under valgrind the child runs natively and its stack is
 * a real one.  Before each socket() the child writes the line number of
 * the call to a pipe; the parent reads it at the socket() entry stop.
 *
 * Exit 0 pass, 1 fail, 77 skip (ptrace not permitted).
 */
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "drive.h"
#include "check.h"

#define SKIP		77
#define MAX_STOPS	20000	/* ld.so and libc start-up stay far below */
#define BENCH_CALLS	50

static int line_fd = -1;	/* child: where expect_line writes */

/* ------------------------------------------------------------------ */
/* The traced child: every socket() here is a call site the test checks. */

static void
expect_line(int line)
{
	if (write(line_fd, &line, sizeof(line)) != (ssize_t)sizeof(line))
		_exit(3);
}

static int
make_udp_socket(void)
{
	expect_line(__LINE__ + 1);
	return socket(AF_INET, SOCK_DGRAM, 0);
}

static int
child_main(void)
{
	int fd, fd2;

	expect_line(__LINE__ + 1);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	fd2 = make_udp_socket();
	close(fd);
	close(fd2);
	return fd >= 0 && fd2 >= 0 ? 0 : 2;
}

/* ------------------------------------------------------------------ */
/* The tracer side. */

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static char
proc_state(pid_t pid)
{
	char path[64], buf[512], *s;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if ((fd = open(path, O_RDONLY)) == -1)
		return '?';
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return '?';
	buf[n] = '\0';
	if ((s = strrchr(buf, ')')) == NULL || s[1] != ' ')
		return '?';
	return s[2];
}

static void
kill_reap(pid_t pid)
{
	int status;

	if (pid <= 0)
		return;
	kill(pid, SIGKILL);
	while (waitpid(pid, &status, __WALL) == -1 && errno == EINTR)
		;
}

/*
 * Forks a child that asks to be traced and execs path.  Returns its pid
 * stopped at the exec SIGTRAP, 0 when ptrace is not permitted, -1 on a
 * harness failure.
 */
static pid_t
spawn_traced(const char *path, char *const argv[], int keep_fd)
{
	int status;
	pid_t pid;

	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) == -1)
			_exit(SKIP);
		if (keep_fd >= 0)
			fcntl(keep_fd, F_SETFD, 0);
		execv(path, argv);
		_exit(127);
	}
	if (waitpid(pid, &status, __WALL) != pid)
		return -1;
	if (WIFEXITED(status) && WEXITSTATUS(status) == SKIP)
		return 0;
	if (!WIFSTOPPED(status) || WSTOPSIG(status) != SIGTRAP) {
		printf("child did not stop at exec (status %#x)\n", status);
		kill_reap(pid);
		return -1;
	}
	if (ptrace(PTRACE_SETOPTIONS, pid, NULL,
	    (void *)(PTRACE_O_EXITKILL | PTRACE_O_TRACESYSGOOD)) == -1) {
		printf("PTRACE_SETOPTIONS: %s\n", strerror(errno));
		kill_reap(pid);
		return -1;
	}
	return pid;
}

/* Resumes pid to its next syscall entry (exit too if want_exit) for nr. */
static int
next_syscall(pid_t pid, long nr, bool want_exit, int64_t *rval)
{
	struct __ptrace_syscall_info info;
	int status, i;

	for (i = 0; i < MAX_STOPS; i++) {
		if (ptrace(PTRACE_SYSCALL, pid, NULL, NULL) == -1)
			return -1;
		if (waitpid(pid, &status, __WALL) != pid)
			return -1;
		if (!WIFSTOPPED(status))
			return -1;
		if (WSTOPSIG(status) != (SIGTRAP | 0x80))
			continue;	/* a signal: not expected, dropped */
		memset(&info, 0, sizeof(info));	/* valgrind cannot tell */
		if (ptrace(PTRACE_GET_SYSCALL_INFO, pid,
		    (void *)sizeof(info), &info) <= 0)
			return -1;
		if (want_exit && info.op == PTRACE_SYSCALL_INFO_EXIT) {
			*rval = info.exit.rval;
			return 0;
		}
		if (!want_exit && info.op == PTRACE_SYSCALL_INFO_ENTRY &&
		    info.entry.nr == (unsigned long)nr)
			return 0;
	}
	return -1;
}

static int
read_expected_line(int fd)
{
	int line;

	if (read(fd, &line, sizeof(line)) != (ssize_t)sizeof(line))
		return -1;
	return line;
}

static const char *
base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s != NULL ? s + 1 : path;
}

/* At a socket() entry stop: is it the expected line of this file? */
static void
check_call_site(struct srcmap *sm, pid_t pid, int want_line,
    const char *want_func)
{
	const char *const *lines;
	struct srcloc loc;
	size_t n;
	int r;

	r = srcmap_call_site(sm, pid, &loc);
	printf("call site: %s:%d in %s (%s)\n", loc.ok ? loc.file : "-",
	    loc.line, loc.func, loc.ok ? "ok" : loc.why);
	CHECK(r == 0 && loc.ok, "srcmap_call_site: %s", loc.why);
	if (!loc.ok)
		return;
	CHECK(loc.file[0] == '/', "not absolute: %s", loc.file);
	CHECK(strcmp(base_name(loc.file), "test-srcmap.c") == 0,
	    "file %s", loc.file);
	CHECK(loc.line == want_line, "line %d, want %d", loc.line, want_line);
	CHECK(strcmp(loc.func, want_func) == 0, "func %s, want %s",
	    loc.func, want_func);
	CHECK(proc_state(pid) == 't', "child state '%c' after srcmap, "
	    "want 't' (traced stop)", proc_state(pid));

	lines = srcmap_source_lines(sm, loc.file, &n);
	CHECK(lines != NULL, "srcmap_source_lines: %s", srcmap_error(sm));
	if (lines == NULL)
		return;
	CHECK(loc.line >= 1 && (size_t)loc.line <= n, "line %d of %zu",
	    loc.line, n);
	if (loc.line >= 1 && (size_t)loc.line <= n) {
		printf("  %d: %s\n", loc.line, lines[loc.line - 1]);
		CHECK(strstr(lines[loc.line - 1], "socket(") != NULL,
		    "line %d is \"%s\"", loc.line, lines[loc.line - 1]);
	}
	CHECK(lines[n] == NULL, "lines not NULL-terminated");
}

static void
bench(struct srcmap *sm, pid_t pid)
{
	double t[BENCH_CALLS], t0, cold;
	struct srcmap *fresh;
	struct srcloc loc;
	int i, ok = 0;

	fresh = srcmap_create();
	t0 = now_ms();
	srcmap_call_site(fresh, pid, &loc);
	cold = now_ms() - t0;
	srcmap_destroy(fresh);

	for (i = 0; i < BENCH_CALLS; i++) {
		t0 = now_ms();
		ok += srcmap_call_site(sm, pid, &loc) == 0;
		t[i] = now_ms() - t0;
	}
	qsort(t, BENCH_CALLS, sizeof(t[0]), cmp_double);
	printf("bench: cached srcmap_call_site median %.3f ms (min %.3f, "
	    "max %.3f, %d calls); first call on a new srcmap %.3f ms\n",
	    t[BENCH_CALLS / 2], t[0], t[BENCH_CALLS - 1], BENCH_CALLS, cold);
	CHECK(ok == BENCH_CALLS, "%d of %d calls ok", ok, BENCH_CALLS);

	for (i = 0; i < BENCH_CALLS; i++) {
		t0 = now_ms();
		fresh = srcmap_create();
		srcmap_call_site(fresh, pid, &loc);
		srcmap_destroy(fresh);
		t[i] = now_ms() - t0;
	}
	qsort(t, BENCH_CALLS, sizeof(t[0]), cmp_double);
	printf("bench: new srcmap per call median %.3f ms\n",
	    t[BENCH_CALLS / 2]);
	CHECK(proc_state(pid) == 't', "child not stopped after the bench");
}

/* Two socket() calls of the re-executed child, then its clean exit. */
static int
test_call_sites(struct srcmap *sm, const char *self)
{
	char fdarg[16], *argv[4];
	int p[2], want, status;
	int64_t rval = -1;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) == -1)
		return -1;
	snprintf(fdarg, sizeof(fdarg), "%d", p[1]);
	argv[0] = (char *)"test-srcmap";
	argv[1] = (char *)"--child";
	argv[2] = fdarg;
	argv[3] = NULL;
	pid = spawn_traced(self, argv, p[1]);
	close(p[1]);
	if (pid <= 0) {
		close(p[0]);
		return pid == 0 ? SKIP : -1;
	}

	if (next_syscall(pid, __NR_socket, false, NULL) != 0) {
		CHECK_FAIL("child never reached socket()");
		goto fail;
	}
	want = read_expected_line(p[0]);
	check_call_site(sm, pid, want, "child_main");
	bench(sm, pid);

	/* Still ours and resumable: the call runs and returns an fd. */
	if (next_syscall(pid, 0, true, &rval) != 0) {
		CHECK_FAIL("no socket() exit stop after srcmap");
		goto fail;
	}
	CHECK(rval >= 0, "socket() returned %lld", (long long)rval);

	/* A later stop of the same process: the cache must not answer
	 * with the old position. */
	if (next_syscall(pid, __NR_socket, false, NULL) != 0) {
		CHECK_FAIL("child never reached the second socket()");
		goto fail;
	}
	want = read_expected_line(p[0]);
	check_call_site(sm, pid, want, "make_udp_socket");

	if (ptrace(PTRACE_CONT, pid, NULL, NULL) == -1 ||
	    waitpid(pid, &status, __WALL) != pid) {
		CHECK_FAIL("PTRACE_CONT/waitpid: %s", strerror(errno));
		goto fail;
	}
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "child ended with status %#x", status);
	close(p[0]);
	return 0;

fail:
	kill_reap(pid);
	close(p[0]);
	return -1;
}

/* A stripped program without debug info: a clear why, no crash. */
static int
test_no_debug_info(struct srcmap *sm)
{
	char *argv[] = { (char *)"true", NULL };
	struct srcloc loc;
	int64_t rval;
	pid_t pid;
	int r;

	if ((pid = spawn_traced("/bin/true", argv, -1)) <= 0)
		return pid == 0 ? SKIP : -1;
	/* stopped at exec; go to a syscall inside the program proper */
	if (next_syscall(pid, __NR_brk, false, &rval) != 0)
		printf("note: /bin/true made no brk(); checking the exec stop\n");
	r = srcmap_call_site(sm, pid, &loc);
	printf("/bin/true: %s\n", loc.ok ? "ok?" : loc.why);
	CHECK(r == -1 && !loc.ok, "srcmap_call_site ok on /bin/true");
	CHECK(strstr(loc.why, "no debug info") != NULL &&
	    strstr(loc.why, "/true") != NULL, "why: \"%s\"", loc.why);
	/* cached: the same answer again */
	r = srcmap_call_site(sm, pid, &loc);
	CHECK(r == -1 && strstr(loc.why, "no debug info") != NULL,
	    "second call: \"%s\"", loc.why);
	CHECK(proc_state(pid) == 't', "/bin/true not stopped any more");
	kill_reap(pid);

	/* the pid is gone now */
	r = srcmap_call_site(sm, pid, &loc);
	printf("gone: %s\n", loc.why);
	CHECK(r == -1 && !loc.ok && loc.why[0] != '\0',
	    "srcmap_call_site on a reaped pid");
	return 0;
}

/* More processes than srcmap keeps: the oldest are dropped and rebuilt. */
#define MANY	20
static void
test_many_processes(struct srcmap *sm, const char *self)
{
	char fdarg[16], *argv[4];
	pid_t pids[MANY];
	struct srcloc loc;
	int p[2], i, round, want, bad = 0;

	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) == -1) {
		CHECK_FAIL("pipe2: %s", strerror(errno));
		return;
	}
	snprintf(fdarg, sizeof(fdarg), "%d", p[1]);
	argv[0] = (char *)"test-srcmap";
	argv[1] = (char *)"--child";
	argv[2] = fdarg;
	argv[3] = NULL;
	for (i = 0; i < MANY; i++) {
		pids[i] = spawn_traced(self, argv, p[1]);
		if (pids[i] > 0 &&
		    next_syscall(pids[i], __NR_socket, false, NULL) != 0) {
			kill_reap(pids[i]);
			pids[i] = -1;
		}
		CHECK(pids[i] > 0, "child %d did not reach socket()", i);
	}
	close(p[1]);
	want = read_expected_line(p[0]);	/* all wrote the same */
	for (round = 0; round < 2; round++) {
		for (i = 0; i < MANY; i++) {
			if (pids[i] <= 0)
				continue;
			if (srcmap_call_site(sm, pids[i], &loc) != 0 ||
			    loc.line != want ||
			    strcmp(loc.func, "child_main") != 0)
				bad++;
		}
	}
	CHECK(bad == 0, "%d of %d answers wrong with %d processes", bad,
	    2 * MANY, MANY);
	for (i = 0; i < MANY; i++)
		kill_reap(pids[i]);
	close(p[0]);
}

static void
test_source_lines(struct srcmap *sm)
{
	const char *const *lines, *const *again;
	size_t n, n2;

	lines = srcmap_source_lines(sm, "/nonexistent/x.c", &n);
	printf("missing file: %s\n", srcmap_error(sm));
	CHECK(lines == NULL && n == 0 && strstr(srcmap_error(sm),
	    "/nonexistent/x.c") != NULL, "missing file");
	lines = srcmap_source_lines(sm, "/proc", &n);
	CHECK(lines == NULL && srcmap_error(sm)[0] != '\0', "a directory");

	lines = srcmap_source_lines(sm, "/etc/hostname", &n);
	again = srcmap_source_lines(sm, "/etc/hostname", &n2);
	if (lines != NULL)
		CHECK(lines == again && n == n2, "not cached");
}

int
main(int argc, char *argv[])
{
	char self[PATH_MAX];
	struct srcmap *sm;
	ssize_t n;
	int r;

	if (argc == 3 && strcmp(argv[1], "--child") == 0) {
		line_fd = atoi(argv[2]);
		/* _exit: LeakSanitizer's exit check cannot run traced */
		_exit(child_main());
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	alarm(60);	/* EXITKILL takes the children along */

	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) == -1) {
		printf("readlink /proc/self/exe: %s\n", strerror(errno));
		return 99;
	}
	self[n] = '\0';

	srcmap_destroy(NULL);
	sm = srcmap_create();
	r = test_call_sites(sm, self);
	if (r == SKIP) {
		printf("SKIP: ptrace not permitted\n");
		srcmap_destroy(sm);
		return SKIP;
	}
	test_no_debug_info(sm);
	test_many_processes(sm, self);
	test_source_lines(sm);
	srcmap_destroy(sm);

	return check_finish();
}
