/*
 * trace-seccomp.c - the filter that makes only the watched calls stop.
 *
 * Every call in the syscall table returns SECCOMP_RET_TRACE (a ptrace
 * stop before the call runs); everything else runs at full speed with no
 * tracer involvement.  This is why sockstep costs the traced program
 * almost nothing outside socket calls.
 */
#include <sys/prctl.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include <sys/syscall.h>

#include <stddef.h>

#include "sockstep.h"

#if defined(__x86_64__)
#define TRACE_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define TRACE_AUDIT_ARCH AUDIT_ARCH_AARCH64
#else
#error "sockstep: add this architecture's AUDIT_ARCH_* here"
#endif

#define TRACE_FILTER_MAX 64

/* Not in the syscall table, never shown, but the fd cache (trace-fds.c)
 * must see them: close_range closes fds, io_uring can close them with
 * no call at all. */
static const unsigned trace_extra_nrs[] = {
	SYS_close_range, SYS_io_uring_setup,
};
#define TRACE_NEXTRA (sizeof trace_extra_nrs / sizeof trace_extra_nrs[0])

int
trace_seccomp_install(void)
{
	struct sock_filter f[TRACE_FILTER_MAX];
	struct sock_fprog prog;
	size_t n = 0, i, calls = sc_count(), tests = calls + TRACE_NEXTRA;

	if (tests + 6 > TRACE_FILTER_MAX)
		return -1;
	/* Another ABI (x32, i386): let it run, we only decode ours. */
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
	    offsetof(struct seccomp_data, arch));
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
	    TRACE_AUDIT_ARCH, 1, 0);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
	    SECCOMP_RET_ALLOW);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
	    offsetof(struct seccomp_data, nr));
	/* One test per watched call; a match jumps to the TRACE return. */
	for (i = 0; i < tests; i++)
		f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
		    i < calls ? (unsigned)sc_at(i)->nr :
		    trace_extra_nrs[i - calls], (unsigned char)(tests - i), 0);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
	    SECCOMP_RET_ALLOW);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
	    SECCOMP_RET_TRACE);

	prog.len = (unsigned short)n;
	prog.filter = f;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		return -1;
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
}
