/*
 * floor.c - the least a ptrace tracer can do on the echo workload: the
 * same seccomp filter shape as sockstep (read, write, close and the
 * socket calls stop; nothing else does), and at each stop only what
 * any tracer must: wait4, PTRACE_GET_SYSCALL_INFO, resume.  No decoding,
 * no memory reads, no output.  Two stops a call (entry, and exit for the
 * result) or, with -1, the entry stop alone (no results at all).
 *
 * It is the physical floor bench/run compares sockstep and strace with:
 * what the kernel's stops and context switches cost by themselves.
 *
 * usage: floor [-1] PROGRAM [ARG...]
 */
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/ptrace.h>
#include <linux/seccomp.h>

#include <err.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const unsigned watched[] = {
	SYS_read, SYS_write, SYS_close, SYS_socket, SYS_bind, SYS_listen,
	SYS_accept, SYS_accept4, SYS_connect, SYS_recvfrom, SYS_sendto,
	SYS_recvmsg, SYS_sendmsg, SYS_shutdown, SYS_getsockopt,
	SYS_setsockopt, SYS_getsockname, SYS_getpeername,
};
#define NWATCHED (sizeof watched / sizeof watched[0])

static void
install_filter(void)
{
	struct sock_filter f[NWATCHED + 6];
	struct sock_fprog prog;
	size_t n = 0, i;

	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
	    offsetof(struct seccomp_data, arch));
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
	    AUDIT_ARCH_X86_64, 1, 0);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
	    offsetof(struct seccomp_data, nr));
	for (i = 0; i < NWATCHED; i++)
		f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
		    watched[i], (unsigned char)(NWATCHED - i), 0);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE);
	prog.len = (unsigned short)n;
	prog.filter = f;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) == -1)
		err(1, "seccomp");
}

int
main(int argc, char **argv)
{
	struct ptrace_syscall_info info;
	int status, entry_only = 0, sig;
	unsigned long stops = 0;
	pid_t pid, root;

	if (argc > 1 && strcmp(argv[1], "-1") == 0) {
		entry_only = 1;
		argv++;
		argc--;
	}
	if (argc < 2)
		errx(2, "usage: floor [-1] PROGRAM [ARG...]");
	if ((root = fork()) == -1)
		err(1, "fork");
	if (root == 0) {
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) == -1)
			err(1, "PTRACE_TRACEME");
		raise(SIGSTOP);
		install_filter();
		execvp(argv[1], argv + 1);
		err(127, "%s", argv[1]);
	}
	if (waitpid(root, &status, 0) != root || !WIFSTOPPED(status))
		errx(1, "child did not stop");
	ptrace(PTRACE_SETOPTIONS, root, NULL, (void *)(long)(PTRACE_O_TRACESECCOMP |
	    PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
	    PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL));
	ptrace(PTRACE_CONT, root, NULL, NULL);
	while ((pid = waitpid(-1, &status, __WALL)) > 0) {
		if (!WIFSTOPPED(status))
			continue;
		sig = 0;
		stops++;
		if (status >> 16 == PTRACE_EVENT_SECCOMP) {
			ptrace(PTRACE_GET_SYSCALL_INFO, pid, (void *)sizeof info,
			    &info);
			ptrace(entry_only ? PTRACE_CONT : PTRACE_SYSCALL, pid,
			    NULL, NULL);
			continue;
		}
		if (WSTOPSIG(status) == (SIGTRAP | 0x80)) {
			ptrace(PTRACE_GET_SYSCALL_INFO, pid, (void *)sizeof info,
			    &info);
		} else if (status >> 16 == 0 && WSTOPSIG(status) != SIGSTOP)
			sig = WSTOPSIG(status);
		ptrace(PTRACE_CONT, pid, NULL, (void *)(long)sig);
	}
	fprintf(stderr, "floor: %lu stops\n", stops);
	return 0;
}
