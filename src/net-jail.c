/*
 * net-jail.c - a graded submission is untrusted code: before its lab
 * starts, the process that will trace it (sockstep grade's worker) gives
 * up root, shuts the filesystem to it but for its own directory, and
 * limits what it may spend.  The mount namespace lives in the lab's user
 * namespace (net-lab.c), where the programs the worker execs hold no
 * capability: they cannot remount, unmount or unshare their way out.
 */
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "model.h"

/* The user a root grader runs submissions as: nobody's ids, which own
 * no file a grader needs to keep. */
#define JAIL_UID	65534
#define JAIL_GID	65534

int
jail_drop_root(uid_t *uid, char *err, size_t errlen)
{
	*uid = geteuid();
	if (*uid != 0)
		return 0;
	if (setgroups(0, NULL) == -1 || setresgid(JAIL_GID, JAIL_GID,
	    JAIL_GID) == -1 || setresuid(JAIL_UID, JAIL_UID, JAIL_UID) == -1) {
		snprintf(err, errlen, "giving up root: %s", strerror(errno));
		return -1;
	}
	/* A changed uid leaves the process undumpable, its /proc files
	 * root's: the lab could not write its own uid_map. */
	if (prctl(PR_SET_DUMPABLE, 1) == -1) {
		snprintf(err, errlen, "PR_SET_DUMPABLE: %s", strerror(errno));
		return -1;
	}
	*uid = JAIL_UID;
	return 0;
}

uid_t
jail_uid(void)
{
	return geteuid() == 0 ? JAIL_UID : geteuid();
}

gid_t
jail_gid(void)
{
	return geteuid() == 0 ? JAIL_GID : getegid();
}

/* mkdir -p, inside the new /tmp: the own directory's path again. */
static int
jail_mkdirs(const char *path)
{
	char buf[4096], *p;

	if (strlcpy(buf, path, sizeof buf) >= sizeof buf) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (p = buf + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) == -1 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(buf, 0700) == -1 && errno != EEXIST ? -1 : 0;
}

/*
 * What sockstep itself needs under /tmp, which the submission's private
 * /tmp would hide: a build tree there (a clone checked in /tmp, as CI
 * does) with its lessons and their programs, and $SOCKSTEP_LESSONS.
 * Opened before the tmpfs, bound again at the same place after, and
 * made read-only with everything else.
 */
#define JAIL_KEEP_MAX	8
static struct {
	char	path[PATH_MAX];
	int	fd;
} jail_keep[JAIL_KEEP_MAX];
static size_t jail_nkeep;

static void
jail_keep_add(const char *path)
{
	char real[PATH_MAX];
	int fd;

	if (jail_nkeep == JAIL_KEEP_MAX || realpath(path, real) == NULL ||
	    strncmp(real, "/tmp/", 5) != 0 ||
	    (fd = open(real, O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1)
		return;
	strlcpy(jail_keep[jail_nkeep].path, real,
	    sizeof jail_keep[jail_nkeep].path);
	jail_keep[jail_nkeep++].fd = fd;
}

static void
jail_keep_open(void)
{
	const char *env = getenv("SOCKSTEP_LESSONS");
	char *list, *p, *save = NULL;

	jail_keep_add(SOCKSTEP_BUILD_ROOT);
	jail_keep_add(SOCKSTEP_SOURCE_LESSONS);
	if (env == NULL)
		return;
	list = xstrdup(env);
	for (p = strtok_r(list, ":", &save); p != NULL;
	    p = strtok_r(NULL, ":", &save))
		jail_keep_add(p);
	free(list);
}

static int
jail_keep_bind(void)
{
	char src[64];
	size_t i;
	int rc = 0;

	for (i = 0; i < jail_nkeep; i++) {
		snprintf(src, sizeof src, "/proc/self/fd/%d", jail_keep[i].fd);
		if (rc == 0 && (jail_mkdirs(jail_keep[i].path) == -1 ||
		    mount(src, jail_keep[i].path, NULL, MS_BIND | MS_REC,
		    NULL) == -1))
			rc = -1;
		close(jail_keep[i].fd);
	}
	jail_nkeep = 0;
	return rc;
}

/*
 * A mount namespace of the worker's own: every mount read-only (the
 * results file, the other submissions, the grader's files), a fresh
 * tmpfs on /tmp, and own (an absolute path, maybe under /tmp) bound
 * again at its own path, writable.  Needs CAP_SYS_ADMIN over the
 * current user namespace: root, or inside the lab's.
 */
int
jail_enter(const char *own, char *err, size_t errlen)
{
	struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY };
	struct mount_attr rw = { .attr_clr = MOUNT_ATTR_RDONLY };
	char src[64];
	const char *what;
	bool pts;
	int fd;

	fd = -1;
	what = "unshare";
	if (unshare(CLONE_NEWNS) == -1)
		goto fail;
	what = "private";
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1)
		goto fail;
	/* Opened in the new namespace (a bind takes its own mounts only),
	 * before the tmpfs hides it when it is under /tmp. */
	what = "open";
	if ((fd = open(own, O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1)
		goto fail;
	jail_keep_open();
	what = "tmpfs";
	if (mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV,
	    "size=64m,mode=1777") == -1)
		goto fail;
	what = "mkdir";
	if (jail_mkdirs(own) == -1)
		goto fail;
	snprintf(src, sizeof src, "/proc/self/fd/%d", fd);
	what = "bind";
	if (mount(src, own, NULL, MS_BIND, NULL) == -1)
		goto fail;
	what = "keep";
	if (jail_keep_bind() == -1)
		goto fail;
	/* Terminals of its own: the grader's terminal (a device, which a
	 * read-only mount still lets one write) is not among them.  Where
	 * a devpts of our own is refused, the host's stays. */
	pts = mount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
	    "newinstance,ptmxmode=0666,mode=0620") == 0;
	if (pts && mount("/dev/pts/ptmx", "/dev/ptmx", NULL, MS_BIND,
	    NULL) == -1) {
		what = "ptmx";
		goto fail;
	}
	what = "read-only";
	if (mount_setattr(-1, "/", AT_RECURSIVE, &ro, sizeof ro) == -1)
		goto fail;
	what = "writable /tmp";
	if (mount_setattr(-1, "/tmp", 0, &rw, sizeof rw) == -1 ||
	    mount_setattr(-1, own, 0, &rw, sizeof rw) == -1 ||
	    (pts && mount_setattr(-1, "/dev/pts", 0, &rw, sizeof rw) == -1))
		goto fail;
	close(fd);
	return chdir(own);
fail:
	snprintf(err, errlen, "%s: %s", what, strerror(errno));
	if (fd != -1)
		close(fd);
	return -1;
}

/*
 * Tasks of uid already running, as RLIMIT_NPROC counts them (threads
 * too): outside a user namespace of its own the limit counts the whole
 * host's, so a run's allowance goes on top of them.
 */
unsigned
jail_tasks_of(uid_t uid)
{
	char path[64], line[128];
	struct dirent *de;
	unsigned n = 0;
	unsigned long u, th;
	bool mine;
	DIR *dp;
	FILE *f;

	if ((dp = opendir("/proc")) == NULL)
		return 0;
	while ((de = readdir(dp)) != NULL) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%.20s/status", de->d_name);
		if ((f = fopen(path, "re")) == NULL)
			continue;
		mine = false;
		th = 1;
		while (fgets(line, sizeof line, f) != NULL) {
			if (sscanf(line, "Uid: %lu", &u) == 1)
				mine = u == (unsigned long)uid;
			else if (sscanf(line, "Threads: %lu", &th) == 1)
				break;
		}
		fclose(f);
		if (mine)
			n += (unsigned)th;
	}
	closedir(dp);
	return n;
}

/* The limits every program of the run inherits (the worker's own too):
 * cpu in s, procs counted in the worker's user namespace, file size. */
int
jail_limits(unsigned cpu_s, unsigned procs, unsigned long fsize,
    char *err, size_t errlen)
{
	static const struct {
		int		 res;
		const char	*name;
	} names[] = {
		{ RLIMIT_CPU, "RLIMIT_CPU" }, { RLIMIT_NPROC, "RLIMIT_NPROC" },
		{ RLIMIT_FSIZE, "RLIMIT_FSIZE" }, { RLIMIT_CORE, "RLIMIT_CORE" },
	};
	struct rlimit want[4] = {
		{ cpu_s, cpu_s + 5 }, { procs, procs }, { fsize, fsize },
		{ 0, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (setrlimit(names[i].res, &want[i]) == -1) {
			snprintf(err, errlen, "%s: %s", names[i].name,
			    strerror(errno));
			return -1;
		}
	return 0;
}
