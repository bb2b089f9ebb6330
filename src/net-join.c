/*
 * net-join.c - another terminal's way into a running lab network
 * (sockstep join).  A running lab is found in /proc, not in a file it
 * wrote: a sockstep process whose network namespace is not ours.  A lab
 * killed hard leaves nothing stale behind, and there is nothing to clean.
 */
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/capability.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model.h"

/* What tcpdump and ip need inside the lab; they are capabilities of the
 * lab's user namespace only, worth nothing on the host. */
static const int net_join_caps[] = { CAP_NET_RAW, CAP_NET_ADMIN };

static int
net_ns_id(pid_t pid, const char *ns, char *buf, size_t len)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof path, "/proc/%ld/ns/%s", (long)pid, ns);
	if ((n = readlink(path, buf, len - 1)) < 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

/* comm and parent of pid from /proc/PID/stat; -1 if gone. */
static int
net_proc_stat(pid_t pid, char *comm, size_t commlen, pid_t *ppid)
{
	char path[64], buf[512], *open, *close;
	FILE *f;
	size_t n;
	long pp;

	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	if ((f = fopen(path, "re")) == NULL)
		return -1;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	if ((open = strchr(buf, '(')) == NULL ||
	    (close = strrchr(buf, ')')) == NULL || close < open)
		return -1;
	*close = '\0';
	strlcpy(comm, open + 1, commlen);
	if (sscanf(close + 1, " %*c %ld", &pp) != 1)
		return -1;
	*ppid = (pid_t)pp;
	return 0;
}

/* A sockstep in a network namespace other than ours, and not one of its
 * own children between fork and exec or holding a program's terminal:
 * they are in their parent's namespace, or in its client host (issue 16
 * §1), a lab's too. */
static bool
net_is_lab(pid_t pid, const char *ourns)
{
	char comm[64], ns[64], pns[64];
	pid_t ppid, pp;

	if (net_proc_stat(pid, comm, sizeof comm, &ppid) == -1 ||
	    strcmp(comm, "sockstep") != 0 ||
	    net_ns_id(pid, "net", ns, sizeof ns) == -1 ||
	    strcmp(ns, ourns) == 0)
		return false;
	return !(net_proc_stat(ppid, comm, sizeof comm, &pp) == 0 &&
	    strcmp(comm, "sockstep") == 0 &&
	    net_ns_id(ppid, "net", pns, sizeof pns) == 0 &&
	    (strcmp(pns, ns) == 0 || strcmp(pns, ourns) != 0));
}

static void
net_cmdline(pid_t pid, char *out, size_t len)
{
	char path[64];
	size_t n, i;
	FILE *f;

	out[0] = '\0';
	snprintf(path, sizeof path, "/proc/%ld/cmdline", (long)pid);
	if ((f = fopen(path, "re")) == NULL)
		return;
	n = fread(out, 1, len - 1, f);
	fclose(f);
	while (n > 0 && out[n - 1] == '\0')
		n--;
	out[n] = '\0';
	for (i = 0; i < n; i++)
		if (out[i] == '\0' || !isprint((unsigned char)out[i]))
			out[i] = ' ';
}

size_t
net_labs(struct net_labinfo **labs)
{
	char ourns[64];
	struct dirent *de;
	struct stat sb;
	char path[64];
	size_t n = 0;
	DIR *d;
	pid_t pid;

	*labs = NULL;
	if (net_ns_id(getpid(), "net", ourns, sizeof ourns) == -1 ||
	    (d = opendir("/proc")) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		pid = (pid_t)strtol(de->d_name, NULL, 10);
		snprintf(path, sizeof path, "/proc/%ld", (long)pid);
		if (pid == getpid() || stat(path, &sb) == -1 ||
		    (geteuid() != 0 && sb.st_uid != geteuid()) ||
		    !net_is_lab(pid, ourns))
			continue;
		*labs = xreallocarray(*labs, n + 1, sizeof **labs);
		(*labs)[n].pid = pid;
		net_cmdline(pid, (*labs)[n].cmd, sizeof (*labs)[n].cmd);
		n++;
	}
	closedir(d);
	return n;
}

/* Keep the lab's network capabilities across the exec that follows:
 * ambient capabilities need them inheritable first.  Best effort: ss
 * and nc need none, and a kernel without ambient ones still joins. */
static void
net_keep_caps(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0,
	};
	struct __user_cap_data_struct data[2];
	size_t i;

	if (syscall(SYS_capget, &hdr, data) == -1)
		return;
	for (i = 0; i < sizeof net_join_caps / sizeof net_join_caps[0]; i++)
		data[net_join_caps[i] / 32].inheritable |=
		    1U << (net_join_caps[i] % 32);
	if (syscall(SYS_capset, &hdr, data) == -1)
		return;
	for (i = 0; i < sizeof net_join_caps / sizeof net_join_caps[0]; i++)
		(void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE,
		    (unsigned long)net_join_caps[i], 0UL, 0UL);
}

static int
net_setns(pid_t pid, const char *ns, int type)
{
	char path[64];
	int fd, rc, saved;

	snprintf(path, sizeof path, "/proc/%ld/ns/%s", (long)pid, ns);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	rc = setns(fd, type);
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

/*
 * The client host's namespace, held by the lab (pid) as an fd and by no
 * path: the fd whose link names a network namespace other than the
 * lab's own (net-lab.c keeps exactly one).  Reopened through /proc, as
 * the owner of the lab may.  -1 + errno (ENOENT: one host only).
 */
static int
net_client_ns(pid_t pid)
{
	char dir[64], path[64 + sizeof ((struct dirent *)0)->d_name], link[64],
	    own[64];
	struct dirent *de;
	int fd = -1, saved;
	ssize_t n;
	DIR *d;
	bool found = false;

	if (net_ns_id(pid, "net", own, sizeof own) == -1)
		return -1;
	snprintf(dir, sizeof dir, "/proc/%ld/fd", (long)pid);
	if ((d = opendir(dir)) == NULL)
		return -1;
	while (fd == -1 && (de = readdir(d)) != NULL) {
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		if ((n = readlink(path, link, sizeof link - 1)) <= 0)
			continue;
		link[n] = '\0';
		if (strncmp(link, "net:[", 5) == 0 && strcmp(link, own) != 0) {
			found = true;
			fd = open(path, O_RDONLY | O_CLOEXEC);
			break;
		}
	}
	saved = errno;
	closedir(d);
	errno = found ? saved : ENOENT;
	return fd;
}

int
net_join(pid_t pid, bool client, char *err, size_t errlen)
{
	char ours[64], theirs[64];
	bool userns = false;
	int fd, rc, saved;

	if (net_ns_id(pid, "net", theirs, sizeof theirs) == -1) {
		snprintf(err, errlen, _("pid %ld: %s"), (long)pid,
		    errno == ENOENT ? _("no such process") : strerror(errno));
		return -1;
	}
	if (net_ns_id(getpid(), "net", ours, sizeof ours) == 0 &&
	    strcmp(ours, theirs) == 0) {
		snprintf(err, errlen, _("pid %ld is on this network already "
		    "(a lab run with --net host, or not a lab)"), (long)pid);
		return -1;
	}
	/* Root enters the network alone and stays root; a user enters the
	 * lab's user namespace first, where it owns the capabilities. */
	if (geteuid() != 0 && net_ns_id(pid, "user", theirs,
	    sizeof theirs) == 0 && net_ns_id(getpid(), "user", ours,
	    sizeof ours) == 0 && strcmp(ours, theirs) != 0) {
		if (net_setns(pid, "user", CLONE_NEWUSER) == -1) {
			snprintf(err, errlen, _("pid %ld: its user namespace: "
			    "%s"), (long)pid, strerror(errno));
			return -1;
		}
		userns = true;
	}
	if (client) {
		if ((fd = net_client_ns(pid)) == -1) {
			snprintf(err, errlen, errno == ENOENT ? _("pid %ld: "
			    "the lab has one host, no client host (run --hosts "
			    "2 gives two)") : _("pid %ld: its client host: %s"),
			    (long)pid, strerror(errno));
			return -1;
		}
		rc = setns(fd, CLONE_NEWNET);
		saved = errno;
		close(fd);
		errno = saved;
	} else
		rc = net_setns(pid, "net", CLONE_NEWNET);
	if (rc == -1) {
		snprintf(err, errlen, _("pid %ld: its network namespace: %s"),
		    (long)pid, strerror(errno));
		return -1;
	}
	if (userns)
		net_keep_caps();
	return 0;
}
