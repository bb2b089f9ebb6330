/*
 * sock-proc.c - what /proc says about a lab process: which of its fds
 * are sockets, and where it sleeps.
 */
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model.h"

#define SOCKET_LINK	"socket:["

/* "socket:[12345]" -> 12345; anything else (pipes, files) -> 0. */
static uint64_t
socket_link_inode(const char *link)
{
	unsigned long long ino;
	char *end;

	if (strncmp(link, SOCKET_LINK, sizeof(SOCKET_LINK) - 1) != 0)
		return 0;
	link += sizeof(SOCKET_LINK) - 1;
	if (*link < '0' || *link > '9')
		return 0;
	errno = 0;
	ino = strtoull(link, &end, 10);
	if (errno != 0 || end[0] != ']' || end[1] != '\0')
		return 0;
	return ino;
}

int
sock_proc_fds(pid_t pid, void (*fn)(void *, int, uint64_t), void *arg)
{
	char path[64], link[64];
	struct dirent *de;
	const char *errstr;
	uint64_t ino;
	ssize_t n;
	DIR *d;
	int fd;

	snprintf(path, sizeof(path), "/proc/%ld/fd", (long)pid);
	if ((d = opendir(path)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		fd = (int)strtonum(de->d_name, 0, INT_MAX, &errstr);
		if (errstr != NULL)
			continue;
		/* An fd closed since readdir is simply not there any more. */
		n = readlinkat(dirfd(d), de->d_name, link, sizeof(link) - 1);
		if (n == -1)
			continue;
		link[n] = '\0';
		if ((ino = socket_link_inode(link)) != 0)
			fn(arg, fd, ino);
	}
	closedir(d);
	return 0;
}

/*
 * The /proc files read at every snapshot stay open and are read again
 * with pread() from offset 0, which makes the kernel generate them
 * anew: one call where open, read and close were three (issue 8).  An
 * open file keeps naming the process it was opened for: once that
 * process is gone (its pid perhaps reused) the read fails, and the file
 * is opened again for whatever the pid is now, as a fresh open would.
 */
#define PROC_KEEP	32
struct proc_files {
	struct proc_file {
		pid_t		 pid;
		const char	*name;	/* one of the literals the callers pass */
		int		 fd;
	}		 kept[PROC_KEEP];
	size_t		 next;	/* the slot reused next, round robin */
};

struct proc_files *
proc_files_create(void)
{
	return xcalloc(1, sizeof(struct proc_files));
}

void
proc_files_destroy(struct proc_files *pf)
{
	size_t i;

	if (pf == NULL)
		return;
	for (i = 0; i < PROC_KEEP; i++)
		if (pf->kept[i].name != NULL && pf->kept[i].fd >= 0)
			close(pf->kept[i].fd);
	free(pf);
}

static int
proc_open(pid_t pid, const char *name)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%ld/%s", (long)pid, name);
	return open(path, O_RDONLY | O_CLOEXEC);
}

static struct proc_file *
proc_slot(struct proc_files *pf, pid_t pid, const char *name)
{
	struct proc_file *f;
	size_t i;

	for (i = 0; i < PROC_KEEP; i++) {
		f = &pf->kept[i];
		if (f->name == name && f->pid == pid)
			return f;
	}
	f = &pf->kept[pf->next++ % PROC_KEEP];
	/* A slot never used has no name (and fd 0, which is not ours). */
	if (f->name != NULL && f->fd >= 0)
		close(f->fd);
	f->pid = pid;
	f->name = name;
	f->fd = proc_open(pid, name);
	return f;
}

static ssize_t
proc_pread(int fd, char *buf, size_t len)
{
	size_t off = 0;
	ssize_t n;

	while (off < len - 1) {
		n = pread(fd, buf + off, len - 1 - off, (off_t)off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && off == 0)
			return -1;
		if (n <= 0)
			break;
		off += (size_t)n;
		/* A /proc file of one record (stat, schedstat, syscall,
		 * wchan) is generated whole at the first read: a short
		 * answer is all of it, and asking again for the 0 that
		 * says so was half of the snapshot's preads. */
		if ((size_t)n < len - 1 - (off - (size_t)n))
			break;
	}
	buf[off] = '\0';
	return (ssize_t)off;
}

/* Reads a small /proc/PID file whole.  Returns its length or -1.
 * Without kept files (pf NULL): opened, read and closed. */
static ssize_t
proc_read(struct proc_files *pf, pid_t pid, const char *name, char *buf,
    size_t len)
{
	struct proc_file *f, once;
	ssize_t n;
	int tries;

	if (pf == NULL) {
		if ((once.fd = proc_open(pid, name)) == -1)
			return -1;
		n = proc_pread(once.fd, buf, len);
		close(once.fd);
		return n;
	}
	f = proc_slot(pf, pid, name);

	for (tries = 0; tries < 2; tries++) {
		if (f->fd < 0 && (f->fd = proc_open(pid, name)) == -1)
			return -1;
		if ((n = proc_pread(f->fd, buf, len)) > 0)
			return n;
		/* Gone, or an empty answer: once more from a fresh open. */
		close(f->fd);
		f->fd = -1;
	}
	buf[0] = '\0';
	return n;
}

/*
 * The state letter follows the comm field, which is in parentheses and
 * may itself hold spaces and parentheses: only the last ')' ends it.
 */
static int
proc_state(struct proc_files *pf, pid_t pid, char *state)
{
	char buf[1024], *p;

	if (proc_read(pf, pid, "stat", buf, sizeof(buf)) <= 0)
		return -1;
	if ((p = strrchr(buf, ')')) == NULL || p[1] != ' ' || p[2] == '\0')
		return -1;
	*state = p[2];
	return 0;
}

int
sock_proc_stat(struct proc_files *pf, pid_t pid, struct kproc_stat *ps)
{
	char buf[1024], *p;
	long threads;
	unsigned long long start;

	if (proc_read(pf, pid, "stat", buf, sizeof(buf)) <= 0)
		return -1;
	if ((p = strrchr(buf, ')')) == NULL || p[1] != ' ' || p[2] == '\0')
		return -1;
	/* After the comm: 3 state ... 20 num_threads 21 itrealvalue
	 * 22 starttime (proc(5)). */
	if (sscanf(p + 2, "%c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u "
	    "%*u %*d %*d %*d %*d %ld %*d %llu", &ps->state, &threads,
	    &start) != 3)
		return -1;
	ps->threads = threads;
	ps->start = start;
	return 0;
}

int
sock_proc_sched(struct proc_files *pf, pid_t pid, uint64_t *runtime,
    uint64_t *pcount)
{
	char buf[128];
	unsigned long long rt, wait, pc;

	if (proc_read(pf, pid, "schedstat", buf, sizeof(buf)) <= 0)
		return -1;
	if (sscanf(buf, "%llu %llu %llu", &rt, &wait, &pc) != 3)
		return -1;
	/* "0 0 0": the kernel keeps no sched_info, so nothing to compare. */
	if (pc == 0)
		return -1;
	*runtime = rt;
	*pcount = pc;
	return 0;
}

/* First field of /proc/PID/syscall; "running" or unreadable -> -1. */
static long
proc_syscall(struct proc_files *pf, pid_t pid)
{
	char buf[256], *end;
	long nr;

	if (proc_read(pf, pid, "syscall", buf, sizeof(buf)) <= 0)
		return -1;
	errno = 0;
	nr = strtol(buf, &end, 10);
	if (errno != 0 || end == buf)
		return -1;
	return nr < 0 ? -1 : nr;
}

static void
proc_wchan(struct proc_files *pf, pid_t pid, char *wchan, size_t len)
{
	char buf[128];
	size_t n;

	if (len == 0)
		return;
	wchan[0] = '\0';
	if (proc_read(pf, pid, "wchan", buf, sizeof(buf)) <= 0)
		return;
	n = strcspn(buf, " \t\n");
	buf[n] = '\0';
	/* "0" is what the kernel shows for a task that does not sleep. */
	if (n == 0 || strcmp(buf, "0") == 0)
		return;
	strlcpy(wchan, buf, len);
}

int
sock_proc_sleep(struct proc_files *pf, pid_t pid, char *state, long *nr,
    char *wchan, size_t len)
{
	char st;

	if (wchan != NULL && len > 0)
		wchan[0] = '\0';
	if (nr != NULL)
		*nr = -1;
	if (proc_state(pf, pid, &st) == -1)
		return -1;
	if (state != NULL)
		*state = st;
	/* Only a sleeping task is in a call that could block: a stopped
	 * or running one has no call and no wait channel worth two more
	 * opens (every caller looks at them for S and D alone). */
	if (st != 'S' && st != 'D')
		return 0;
	if (nr != NULL)
		*nr = proc_syscall(pf, pid);
	if (wchan != NULL)
		proc_wchan(pf, pid, wchan, len);
	return 0;
}

/*
 * /proc/PID/syscall in full: the call a sleeping task is in and its six
 * arguments ("nr 0xa0 0xa1 ... sp pc").  -1 when it is in none (running)
 * or the file cannot be read.
 */
int
sock_proc_syscall(struct proc_files *pf, pid_t pid, long *nr,
    uint64_t args[6])
{
	char buf[256], *p, *end;
	size_t i;

	if (proc_read(pf, pid, "syscall", buf, sizeof(buf)) <= 0)
		return -1;
	errno = 0;
	*nr = strtol(buf, &end, 10);
	if (errno != 0 || end == buf || *nr < 0)
		return -1;
	for (i = 0, p = end; i < 6; i++, p = end) {
		args[i] = strtoull(p, &end, 16);
		if (end == p)
			return -1;
	}
	return 0;
}

/* The process a task belongs to (Tgid in /proc/TID/status); 0 when it
 * is gone. */
pid_t
sock_proc_tgid(pid_t tid)
{
	char path[64], line[128];
	FILE *f;
	int tgid = 0;

	snprintf(path, sizeof path, "/proc/%d/status", (int)tid);
	if ((f = fopen(path, "re")) == NULL)
		return 0;
	while (fgets(line, sizeof line, f) != NULL)
		if (sscanf(line, "Tgid: %d", &tgid) == 1)
			break;
	fclose(f);
	return tgid;
}
