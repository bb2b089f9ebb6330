/*
 * trace-seccomp.c - the filter that makes only the watched calls stop.
 *
 * Every call in the syscall table returns SECCOMP_RET_TRACE (a ptrace
 * stop before the call runs); everything else runs at full speed with no
 * tracer involvement.  This is why sockstep costs the traced program
 * almost nothing outside socket calls.
 *
 * It also keeps every process of the program traced (issue 19): a
 * clone() with CLONE_UNTRACED is the one way a tracee can start a child
 * that ptrace's auto-attach does not follow, and such a child outlived
 * sockstep holding the listening socket.  The filter refuses it with
 * EPERM.  clone3() keeps its flags in memory, which a filter cannot
 * read, so it gets ENOSYS; glibc then falls back to clone(), whose
 * flags are in a register.
 */
#include <sys/prctl.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include <sys/syscall.h>

#include <errno.h>
#include <sched.h>
#include <stddef.h>

#include "model.h"

#if defined(__x86_64__)
#define TRACE_AUDIT_ARCH	AUDIT_ARCH_X86_64
#define TRACE_COMPAT_ARCH	AUDIT_ARCH_I386	/* int $0x80 */
#elif defined(__aarch64__)
#define TRACE_AUDIT_ARCH	AUDIT_ARCH_AARCH64
#define TRACE_COMPAT_ARCH	AUDIT_ARCH_ARM	/* a 32-bit ARM program */
#else
#error "sockstep: add this architecture's AUDIT_ARCH_* here"
#endif

/* clone and clone3 as i386 and 32-bit ARM (EABI) number them: the same. */
#define TRACE_COMPAT_CLONE	120
#define TRACE_COMPAT_CLONE3	435
#ifndef __NR_clone3
#define __NR_clone3		435
#endif
/* x32 calls come in as x86_64 with this bit set in the number. */
#if defined(__x86_64__) && !defined(__X32_SYSCALL_BIT)
#define __X32_SYSCALL_BIT	0x40000000
#endif

/*
 * clone's flags are argument 0 on both architectures (x86_64 and
 * aarch64 differ in the order of tls and child_tid only), and on i386
 * and ARM too.  CLONE_UNTRACED is in the low 32 bits.
 */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define TRACE_CLONE_FLAGS_OFF	offsetof(struct seccomp_data, args[0])
#else
#define TRACE_CLONE_FLAGS_OFF	(offsetof(struct seccomp_data, args[0]) + 4)
#endif

/* 40-odd watched calls, the clone checks and the returns. */
#define TRACE_FILTER_MAX	96

/* Not in the syscall table, never shown, but the fd cache (trace-fds.c)
 * must see them: close_range closes fds, io_uring can close them with
 * no call at all, pidfd_getfd copies one from another process. */
static const unsigned trace_extra_nrs[] = {
	SYS_close_range, SYS_io_uring_setup, SYS_pidfd_getfd,
};
#define TRACE_NEXTRA (sizeof trace_extra_nrs / sizeof trace_extra_nrs[0])

/*
 * A filter is written with labels and its forward jumps are resolved
 * once it is complete (a BPF jump is a count of instructions to skip,
 * at most 255).
 */
enum flabel {
	FL_NEXT = 0,	/* the next instruction: a jump of 0 */
	FL_NATIVE, FL_COMPAT, FL_CLONE, FL_TRACE, FL_ALLOW, FL_EPERM,
	FL_ENOSYS, FL_COUNT,
};

struct fprog {
	struct sock_filter	 f[TRACE_FILTER_MAX];
	unsigned char		 jt[TRACE_FILTER_MAX], jf[TRACE_FILTER_MAX];
	size_t			 at[FL_COUNT];
	size_t			 n;
	bool			 full;
};

static void
emit(struct fprog *p, unsigned short code, unsigned k, enum flabel jt,
    enum flabel jf)
{
	if (p->n == TRACE_FILTER_MAX) {
		p->full = true;
		return;
	}
	p->f[p->n] = (struct sock_filter)BPF_JUMP(code, k, 0, 0);
	p->jt[p->n] = (unsigned char)jt;
	p->jf[p->n] = (unsigned char)jf;
	p->n++;
}

#define STMT(p, code, k)	emit(p, code, k, FL_NEXT, FL_NEXT)
#define JEQ(p, k, jt, jf)	emit(p, BPF_JMP | BPF_JEQ | BPF_K, k, jt, jf)

static void
label(struct fprog *p, enum flabel l)
{
	p->at[l] = p->n;
}

static bool
jump_off(const struct fprog *p, size_t from, enum flabel l,
    unsigned char *off)
{
	size_t to = l == FL_NEXT ? from + 1 : p->at[l];

	if (to <= from || to - from - 1 > 255)
		return false;
	*off = (unsigned char)(to - from - 1);
	return true;
}

static bool
resolve(struct fprog *p)
{
	size_t i;

	if (p->full)
		return false;
	for (i = 0; i < p->n; i++) {
		if (BPF_CLASS(p->f[i].code) != BPF_JMP)
			continue;
		if (!jump_off(p, i, p->jt[i], &p->f[i].jt) ||
		    !jump_off(p, i, p->jf[i], &p->f[i].jf))
			return false;
	}
	return true;
}

static void
build(struct fprog *p)
{
	size_t i, calls = sc_count();

	STMT(p, BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
	JEQ(p, TRACE_AUDIT_ARCH, FL_NATIVE, FL_NEXT);
	/* Another ABI runs untraced (we only decode ours), but no clone
	 * of it may escape either. */
	JEQ(p, TRACE_COMPAT_ARCH, FL_COMPAT, FL_ALLOW);

	label(p, FL_NATIVE);
	STMT(p, BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
	JEQ(p, __NR_clone, FL_CLONE, FL_NEXT);
	JEQ(p, __NR_clone3, FL_ENOSYS, FL_NEXT);
#ifdef __x86_64__
	JEQ(p, __X32_SYSCALL_BIT | __NR_clone, FL_CLONE, FL_NEXT);
	JEQ(p, __X32_SYSCALL_BIT | __NR_clone3, FL_ENOSYS, FL_NEXT);
#endif
	for (i = 0; i < calls + TRACE_NEXTRA; i++)
		JEQ(p, i < calls ? (unsigned)sc_at(i)->nr :
		    trace_extra_nrs[i - calls], FL_TRACE, FL_NEXT);
	STMT(p, BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	label(p, FL_TRACE);
	STMT(p, BPF_RET | BPF_K, SECCOMP_RET_TRACE);

	label(p, FL_COMPAT);
	STMT(p, BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
	JEQ(p, TRACE_COMPAT_CLONE, FL_CLONE, FL_NEXT);
	JEQ(p, TRACE_COMPAT_CLONE3, FL_ENOSYS, FL_ALLOW);

	label(p, FL_CLONE);
	STMT(p, BPF_LD | BPF_W | BPF_ABS, TRACE_CLONE_FLAGS_OFF);
	emit(p, BPF_JMP | BPF_JSET | BPF_K, CLONE_UNTRACED, FL_EPERM,
	    FL_ALLOW);
	label(p, FL_ALLOW);
	STMT(p, BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	label(p, FL_EPERM);
	STMT(p, BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA));
	label(p, FL_ENOSYS);
	STMT(p, BPF_RET | BPF_K,
	    SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA));
}

int
trace_seccomp_install(void)
{
	struct fprog p = { .n = 0 };
	struct sock_fprog prog;

	build(&p);
	if (!resolve(&p))
		return -1;
	prog.len = (unsigned short)p.n;
	prog.filter = p.f;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		return -1;
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
}
