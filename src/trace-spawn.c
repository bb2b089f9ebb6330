/*
 * trace-spawn.c - start a program under ptrace with its own pty.
 *
 * As a shell would: a session leader holds the pty (the child), and the
 * program runs in its own process group in the terminal's foreground
 * (the grandchild).  The tracer seizes the program (an ancestor may,
 * under Yama's default), then lets it install the seccomp filter (so
 * only the watched calls stop) and exec.  PR_SET_PDEATHSIG and
 * PTRACE_O_EXITKILL both make sure a tracee never outlives sockstep,
 * even after kill -9.
 */
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "model.h"

/* How the child tells the tracer which set-up step failed. */
#define TRACE_EXIT_NOPTRACE	125
#define TRACE_EXIT_NOSECCOMP	124

#define TRACE_OPTIONS (PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL | \
	PTRACE_O_TRACEEXEC | PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | \
	PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE)

static int
trace_check_exec(const char *path, char *err, size_t errlen)
{
	struct stat sb;

	if (stat(path, &sb) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, _("%s: not a regular file"), path);
		return -1;
	}
	if (access(path, X_OK) == -1) {
		snprintf(err, errlen, _("%s: not executable"), path);
		return -1;
	}
	return 0;
}

/*
 * Resolve a command name like execvp would, but in the tracer, so that
 * a missing program is a clear error before anything is forked.
 */
int
trace_resolve(const char *file, char *path, size_t len, char *err,
    size_t errlen)
{
	const char *p, *end;
	char *dirs;
	char buf[4096];

	if (*file == '\0') {
		snprintf(err, errlen, "%s", _("empty program name"));
		return -1;
	}
	if (strchr(file, '/') != NULL) {
		if (trace_check_exec(file, err, errlen) == -1)
			return -1;
		strlcpy(path, file, len);
		return 0;
	}
	if ((p = getenv("PATH")) == NULL || *p == '\0')
		p = "/usr/local/bin:/usr/bin:/bin";
	dirs = xstrdup(p);
	for (p = dirs; p != NULL; p = end != NULL ? end + 1 : NULL) {
		end = strchr(p, ':');
		snprintf(buf, sizeof buf, "%.*s/%s",
		    end != NULL ? (int)(end - p) : (int)strlen(p),
		    *p == ':' || *p == '\0' ? "." : p, file);
		if (access(buf, X_OK) == 0) {
			struct stat sb;

			if (stat(buf, &sb) == 0 && S_ISREG(sb.st_mode)) {
				strlcpy(path, buf, len);
				free(dirs);
				return 0;
			}
		}
	}
	free(dirs);
	snprintf(err, errlen, _("%s: command not found"), file);
	return -1;
}

static int
trace_open_pty(int *masterp, char **slavep, char *err, size_t errlen)
{
	int m;
	char *name;

	if ((m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC)) == -1 ||
	    grantpt(m) == -1 || unlockpt(m) == -1 ||
	    (name = ptsname(m)) == NULL) {
		snprintf(err, errlen, "pseudo-terminal: %s", strerror(errno));
		if (m != -1)
			close(m);
		return -1;
	}
	if (fcntl(m, F_SETFL, fcntl(m, F_GETFL) | O_NONBLOCK) == -1) {
		snprintf(err, errlen, "pty: %s", strerror(errno));
		close(m);
		return -1;
	}
	*masterp = m;
	*slavep = xstrdup(name);
	return 0;
}

/*
 * The program, in the grandchild: in its own process group, in the
 * foreground of its terminal, as under a shell.  It waits until the
 * tracer has seized it, then installs the filter and execs.  Never
 * returns.
 */
static void NORETURN
trace_program(const char *path, char *const argv[], int tty, int go)
{
	char c;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	(void)setpgid(0, 0);
	dup2(tty, 0);
	dup2(tty, 1);
	dup2(tty, 2);
	if (tty > 2)
		close(tty);
	signal(SIGCHLD, SIG_DFL);
	signal(SIGTTOU, SIG_DFL);
	/* Traced from here on: the tracer writes once it has seized us. */
	if (read(go, &c, 1) != 1)
		_exit(TRACE_EXIT_NOPTRACE);
	close(go);
	if (trace_seccomp_install() == -1)
		_exit(TRACE_EXIT_NOSECCOMP);
	execv(path, argv);
	_exit(127);
}

/*
 * In the child: the session leader that holds the program's terminal,
 * as a shell does.  So the program is not a session leader: setpgid
 * and setsid work for it, and its exit hangs nothing up (a daemon's
 * child lives on to call setsid).  It tells the tracer the program's
 * pid, then waits to be killed with the lab.  Never returns.
 */
static void NORETURN
trace_child(const char *path, char *const argv[], const char *slave,
    pid_t parent, int info, int go)
{
	struct termios tio;
	struct winsize ws = { .ws_row = 24, .ws_col = 80 };
	sigset_t none;
	pid_t pid;
	int fd;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(126);
	setsid();
	if ((fd = open(slave, O_RDWR)) == -1)
		_exit(126);
	ioctl(fd, TIOCSCTTY, 0);
	/* Raw output: the program's bytes arrive as written (no \r\n).
	 * Input is line by line, as at a shell's prompt (ICANON: read()
	 * gets one line, VEOF on a fresh line is end-of-file), but not
	 * echoed: the lab shows what it typed itself (lab-input.c), and an
	 * echo would show each line twice. */
	if (tcgetattr(fd, &tio) == 0) {
		cfmakeraw(&tio);
		tio.c_lflag |= ICANON;
		tcsetattr(fd, TCSANOW, &tio);
	}
	ioctl(fd, TIOCSWINSZ, &ws);
	switch (pid = fork()) {
	case -1:
		_exit(126);
	case 0:
		close(info);
		trace_program(path, argv, fd, go);
	default:
		break;
	}
	close(go);
	/* Both sides set the group, as shells do: no race with the exec. */
	(void)setpgid(pid, pid);
	(void)tcsetpgrp(fd, pid);
	if (write(info, &pid, sizeof pid) != (ssize_t)sizeof pid)
		_exit(126);
	close(info);
	/* The program is reaped by the kernel once the tracer has seen it
	 * end (a zombie would keep its pid); stdio is the terminal's. */
	signal(SIGCHLD, SIG_IGN);
	close(0);
	close(1);
	close(2);
	for (;;)
		pause();
}

/* ptrace was refused: say what to change, from what this system shows. */
static void
trace_ptrace_advice(char *err, size_t errlen)
{
	FILE *f;
	int scope = -1;

	if ((f = fopen("/proc/sys/kernel/yama/ptrace_scope", "r")) != NULL) {
		if (fscanf(f, "%d", &scope) != 1)
			scope = -1;
		fclose(f);
	}
	if (scope == 3)
		snprintf(err, errlen, "%s", _("ptrace is disabled on this "
		    "system (kernel.yama.ptrace_scope is 3, which only a "
		    "reboot undoes); sockstep needs to trace its own "
		    "children"));
	else if (scope == 2)
		snprintf(err, errlen, "%s", _("ptrace is limited to root "
		    "here (kernel.yama.ptrace_scope is 2): run 'sudo sysctl "
		    "kernel.yama.ptrace_scope=1', or sockstep as root"));
	else
		snprintf(err, errlen, "%s", _("ptrace is refused here (a "
		    "container without CAP_SYS_PTRACE, or a seccomp profile "
		    "that blocks ptrace): start the container with "
		    "--cap-add=SYS_PTRACE"));
}

/* What the tracer calls the ways a child can fail before exec. */
void
trace_setup_failure(int status, char *err, size_t errlen)
{
	if (WIFEXITED(status) && WEXITSTATUS(status) == TRACE_EXIT_NOPTRACE)
		trace_ptrace_advice(err, errlen);
	else if (WIFEXITED(status) &&
	    WEXITSTATUS(status) == TRACE_EXIT_NOSECCOMP)
		snprintf(err, errlen, "%s", _("the kernel refused "
		    "sockstep's seccomp filter (seccomp filters are needed: "
		    "CONFIG_SECCOMP_FILTER, and not blocked by a container "
		    "profile)"));
	else
		snprintf(err, errlen, "%s", _("the program could not be "
		    "started (exec failed)"));
}

/*
 * Starting a program is two halves, so that a lab's sides set up their
 * sessions at the same time: trace_spawn_start forks the session leader
 * (it forks the program and sets up its terminal), trace_spawn_finish
 * waits for the program's pid, seizes it and lets it exec.
 */
int
trace_spawn_start(const char *path, char *const argv[], int netns,
    struct trace_spawning *sp, char *err, size_t errlen)
{
	pid_t parent = getpid();
	int info[2] = { -1, -1 }, go[2] = { -1, -1 };
	char *slave;

	memset(sp, 0, sizeof *sp);
	sp->info = sp->go = sp->master = -1;
	if (trace_open_pty(&sp->master, &slave, err, errlen) == -1)
		return -1;
	if (pipe2(info, O_CLOEXEC) == -1 || pipe2(go, O_CLOEXEC) == -1) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		goto fail;
	}
	switch (sp->leader = fork()) {
	case -1:
		snprintf(err, errlen, "fork: %s", strerror(errno));
		goto fail;
	case 0:
		close(sp->master);
		close(info[0]);
		close(go[1]);
		/* The client host (issue 16 §1): the session leader moves,
		 * so the program is born there; the fd is close-on-exec. */
		if (netns >= 0 && setns(netns, CLONE_NEWNET) == -1)
			_exit(126);
		trace_child(path, argv, slave, parent, info[1], go[0]);
	default:
		break;
	}
	free(slave);
	close(info[1]);
	close(go[0]);
	sp->info = info[0];
	sp->go = go[1];
	return 0;

fail:
	free(slave);
	close(sp->master);
	sp->master = -1;
	if (info[0] != -1)
		close(info[0]);
	if (info[1] != -1)
		close(info[1]);
	if (go[0] != -1)
		close(go[0]);
	if (go[1] != -1)
		close(go[1]);
	return -1;
}

/* Ends what trace_spawn_start began, if trace_spawn_finish did not. */
void
trace_spawn_abort(struct trace_spawning *sp)
{
	int status;

	if (sp->leader > 0) {
		kill(sp->leader, SIGKILL);
		while (waitpid(sp->leader, &status, 0) == -1 && errno == EINTR)
			;
	}
	if (sp->master != -1)
		close(sp->master);
	if (sp->info != -1)
		close(sp->info);
	if (sp->go != -1)
		close(sp->go);
	memset(sp, 0, sizeof *sp);
	sp->info = sp->go = sp->master = -1;
}

int
trace_spawn_finish(struct trace_spawning *sp, pid_t *pidp, pid_t *leaderp,
    int *ptyp, char *err, size_t errlen)
{
	pid_t pid = -1;
	ssize_t n;

	/* The program's pid, from the session leader (bounded: it answers
	 * at once or dies, and its death closes the pipe). */
	while ((n = read(sp->info, &pid, sizeof pid)) == -1 && errno == EINTR)
		;
	if (n != (ssize_t)sizeof pid) {
		snprintf(err, errlen, "the program's session could not be set "
		    "up");
		goto fail;
	}
	if (ptrace(PTRACE_SEIZE, pid, NULL, (void *)TRACE_OPTIONS) == -1) {
		trace_ptrace_advice(err, errlen);
		goto fail;
	}
	if (write(sp->go, "g", 1) != 1) {
		snprintf(err, errlen, "the program could not be started");
		goto fail;
	}
	close(sp->info);
	close(sp->go);
	*pidp = pid;
	*leaderp = sp->leader;
	*ptyp = sp->master;
	memset(sp, 0, sizeof *sp);
	sp->info = sp->go = sp->master = -1;
	return 0;

fail:
	if (pid > 0)
		kill(pid, SIGKILL);
	trace_spawn_abort(sp);
	return -1;
}
