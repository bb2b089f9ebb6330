/*
 * trace-event.c - turn each waitpid() status into one small event before
 * anything acts on it (strace next_event habit), and resume tracees.
 * Never blocks: the control path polls a signalfd and drains with WNOHANG.
 */
#include <sys/ptrace.h>
#include <sys/wait.h>

#include <linux/ptrace.h>

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "model.h"

static void
trace_syscall_info(struct trace_event *ev)
{
	struct ptrace_syscall_info info;
	long n;

	memset(&info, 0, sizeof info);
	n = ptrace(PTRACE_GET_SYSCALL_INFO, ev->pid, (void *)sizeof info, &info);
	if (n <= 0) {
		ev->type = TEV_OTHER;
		return;
	}
	switch (info.op) {
	case PTRACE_SYSCALL_INFO_SECCOMP:
		ev->type = TEV_SYSCALL_ENTRY;
		ev->nr = (long)info.seccomp.nr;
		memcpy(ev->args, info.seccomp.args, sizeof ev->args);
		break;
	case PTRACE_SYSCALL_INFO_ENTRY:
		/* Not expected with seccomp stops; resumed to the exit. */
		ev->type = TEV_SYSCALL_ENTRY_PLAIN;
		ev->nr = (long)info.entry.nr;
		break;
	case PTRACE_SYSCALL_INFO_EXIT:
		ev->type = TEV_SYSCALL_EXIT;
		ev->rval = info.exit.rval;
		break;
	default:
		ev->type = TEV_OTHER;
		break;
	}
}

/* Returns 1 with an event, 0 when nothing is pending, -1 with no children. */
int
trace_next_event(struct trace_event *ev)
{
	int status, sig;
	unsigned long msg;
	pid_t pid;

	memset(ev, 0, sizeof *ev);
	pid = waitpid(-1, &status, WNOHANG | __WALL);
	if (pid == 0)
		return 0;
	if (pid == -1)
		return errno == ECHILD ? -1 : 0;
	ev->pid = pid;
	ev->status = status;
	if (WIFEXITED(status)) {
		ev->type = TEV_EXITED;
		return 1;
	}
	if (WIFSIGNALED(status)) {
		ev->type = TEV_KILLED;
		ev->sig = WTERMSIG(status);
		return 1;
	}
	if (!WIFSTOPPED(status)) {
		ev->type = TEV_OTHER;
		return 1;
	}
	sig = WSTOPSIG(status);
	if (sig == (SIGTRAP | 0x80)) {
		trace_syscall_info(ev);
		return 1;
	}
	switch (status >> 16) {
	case PTRACE_EVENT_SECCOMP:
		trace_syscall_info(ev);
		return 1;
	case PTRACE_EVENT_EXEC:
		/* child: the tid that called exec (a thread other than the
		 * leader takes the leader's tid, pid). */
		ev->type = TEV_EXEC;
		if (ptrace(PTRACE_GETEVENTMSG, pid, NULL, &msg) == 0 &&
		    msg <= INT_MAX)
			ev->child = (pid_t)msg;
		return 1;
	case PTRACE_EVENT_STOP:	/* seized: a group-stop, or a new child */
		ev->type = TEV_GROUP_STOP;
		ev->sig = sig;
		return 1;
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE:
		ev->type = TEV_FORK;
		if (ptrace(PTRACE_GETEVENTMSG, pid, NULL, &msg) == 0 &&
		    msg <= INT_MAX)
			ev->child = (pid_t)msg;
		return 1;
	case 0:
		break;
	default:
		ev->type = TEV_OTHER;
		return 1;
	}
	/* A signal for the tracee: pass it on when resuming. */
	ev->type = TEV_SIGNAL;
	ev->sig = sig;
	return 1;
}

/* to_exit: stop again at the end of the current call (PTRACE_SYSCALL). */
int
trace_resume(pid_t pid, bool to_exit, int sig)
{
	long r;

	r = ptrace(to_exit ? PTRACE_SYSCALL : PTRACE_CONT, pid, NULL,
	    (void *)(long)sig);
	return r == -1 ? -1 : 0;
}

void
trace_kill(pid_t pid)
{
	if (pid > 0)
		kill(pid, SIGKILL);
}

/* Is fd of pid a socket?  Calls on other fds run through unnoticed. */
bool
trace_fd_is_socket(pid_t pid, int fd)
{
	char path[64], link[64];
	ssize_t n;

	if (fd < 0)
		return false;
	snprintf(path, sizeof path, "/proc/%d/fd/%d", (int)pid, fd);
	if ((n = readlink(path, link, sizeof link - 1)) <= 0)
		return false;
	link[n] = '\0';
	return strncmp(link, "socket:", 7) == 0;
}

/* A seized tracee in a group-stop stays stopped (a SIGCONT wakes it),
 * as it would without a tracer. */
int
trace_listen(pid_t pid)
{
	return ptrace(PTRACE_LISTEN, pid, NULL, NULL) == -1 ? -1 : 0;
}
