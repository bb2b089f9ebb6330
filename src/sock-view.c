/*
 * sock-view.c - one snapshot of what the kernel knows: sock_diag's TCP
 * sockets on the lab port, tied to the lab processes' fds through /proc,
 * plus the call each lab process sleeps in.
 *
 * kview_snapshot() takes a zeroed struct kview or one from an earlier
 * snapshot, and replaces its contents.  It returns 0, or -1 when
 * sock_diag failed: the view then still holds what /proc gave (the lab
 * processes' TCP sockets, as in_diag=false with state 0, and who is
 * blocked), with diag_ok false and the reason in diag_err.
 */
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/xattr.h>

#include <linux/kcmp.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "model.h"

/*
 * A lab process's socket fds, kept from one snapshot to the next.  The
 * list is reused only when the kernel shows the process cannot have
 * touched its fd table since it was read, whatever calls it makes
 * (close_range, socketpair, pidfd_getfd, io_uring or another ABI are
 * not stopped by the seccomp filter, so counting stops would not do):
 *
 *  - it was stopped (ptrace or job control, t/T) when read, before and
 *    after the fds, and is stopped now;
 *  - /proc/PID/schedstat is unchanged: a task that ran at all was put
 *    on a CPU again (pcount) and ran some nanoseconds (runtime); a
 *    stopped task makes no system calls;
 *  - it is the same process (start time) with one thread, and no other
 *    process asked about shares its fd table (kcmp KCMP_FILES).  Only
 *    tasks it cloned with CLONE_FILES can share the table (exec
 *    unshares it), and the tracer follows every clone, so those are lab
 *    processes and in the list.
 *
 * So a paused server with 1,000 connections is read once, not at every
 * step of a client.
 *
 * A process that ran keeps its list on the lab's word instead (struct
 * kproc fdgen, trace_fds_table_gen): no call that adds or removes an
 * fd of a socket, all of which the filter stops, has been seen since
 * the list was read, and none is under way.  What the filter cannot
 * stop (io_uring turns the word off; a call of another ABI) is not
 * covered, so the word counts only between dumps of the sockets, as
 * the sockets' own refresh does (struct kdiagcache): at the next dump,
 * at most KVIEW_DUMP_AGE_MS later, every list is read again.  Reading
 * the list of the process a step let run was a third of a step's
 * system calls (doc/performance.md).
 */
struct fdent {
	int		 fd;
	uint64_t	 inode;
};
struct fdproc {
	pid_t			 pid;
	unsigned long long	 start;
	uint64_t		 runtime;
	uint64_t		 pcount;
	struct fdent		*fds;
	size_t			 nfds;
	size_t			 cap;
	uint64_t		 fdgen;	/* the lab's word when read */
	bool			 valid;	/* fds may be reused if still unrun */
	bool			 sched_ok;	/* runtime and pcount were read */
	bool			 seen;	/* asked about in this snapshot */
	/* /proc/PID/stat as read in this snapshot (ok false: gone) */
	struct kproc_stat	 now;
	bool			 now_ok;
	/* Processes kcmp found on another fd table.  Two live processes
	 * never come to share one (a table is shared only by clone, and
	 * unshare and exec make a private copy), so the answer holds for
	 * as long as both are the same processes: pid and start time. */
	struct fdother {
		pid_t			 pid;
		unsigned long long	 start;
	}			*other;
	size_t			 nother;
	unsigned long long	 other_start;	/* whose list: its start time */
};
#define FDPROC_OTHER_MAX	64	/* then forgotten and asked again */
struct kfdcache {
	struct fdproc		*p;
	size_t			 n;
	size_t			 cap;
};

/* Inode -> index into the view's sockets, sorted for bsearch. */
struct ino_ix {
	uint64_t	inode;
	size_t		idx;
};

/* A lab fd on a socket that sock_diag did not list. */
struct pending {
	uint64_t	inode;
	size_t		order;	/* index of its process in procs */
	int		side;
	pid_t		pid;
	int		fd;
};

struct view_ctx {
	struct kview		*v;
	struct ino_ix		*ix;
	size_t			 nix;
	struct pending		*pend;
	size_t			 npend;
	size_t			 pendcap;
	const struct kproc	*proc;
	size_t			 order;
	uint16_t		 port;
};

static int
ix_cmp(const void *a, const void *b)
{
	const struct ino_ix *x = a, *y = b;

	return (x->inode > y->inode) - (x->inode < y->inode);
}

/*
 * Sockets in TIME-WAIT, request socks and connections still in an
 * accept queue have inode 0: no fd can refer to them, so they stay out.
 */
static void
view_index(struct view_ctx *c)
{
	struct kview *v = c->v;
	size_t i;

	c->ix = xreallocarray(NULL, v->nsocks, sizeof(*c->ix));
	c->nix = 0;
	for (i = 0; i < v->nsocks; i++) {
		if (v->socks[i].inode == 0)
			continue;
		c->ix[c->nix].inode = v->socks[i].inode;
		c->ix[c->nix].idx = i;
		c->nix++;
	}
	qsort(c->ix, c->nix, sizeof(*c->ix), ix_cmp);
}

/* The first lab process in procs keeps the socket, at its lowest fd. */
static void
view_hold(struct ksock *k, const struct kproc *p, int fd)
{
	/* Every holder (a listener a forked child inherited), the first
	 * few by name. */
	if (k->nholders >= 0 && k->nholders < KSOCK_HOLDERS) {
		k->holders[k->nholders].pid = p->pid;
		k->holders[k->nholders].fd = fd;
		k->holders[k->nholders].side = p->side;
	}
	k->nholders++;
	if (k->side == -1 || (k->pid == p->pid && fd < k->fd)) {
		k->side = p->side;
		k->pid = p->pid;
		k->fd = fd;
	}
}

/* The holders of a socket sock_diag did not list: n pending entries. */
static void
view_holders_pending(struct ksock *k, const struct pending *p, size_t n)
{
	size_t i;

	k->nholders = (int)n;
	for (i = 0; i < n && i < KSOCK_HOLDERS; i++) {
		k->holders[i].pid = p[i].pid;
		k->holders[i].fd = p[i].fd;
		k->holders[i].side = p[i].side;
	}
}

static void
view_pending(struct view_ctx *c, int fd, uint64_t inode)
{
	struct pending *p;

	if (c->npend == c->pendcap) {
		c->pendcap = c->pendcap == 0 ? 8 : c->pendcap * 2;
		c->pend = xreallocarray(c->pend, c->pendcap, sizeof(*c->pend));
	}
	p = &c->pend[c->npend++];
	p->inode = inode;
	p->order = c->order;
	p->side = c->proc->side;
	p->pid = c->proc->pid;
	p->fd = fd;
}

static void
view_fd(void *arg, int fd, uint64_t inode)
{
	struct view_ctx *c = arg;
	struct ino_ix key, *hit;

	key.inode = inode;
	key.idx = 0;
	hit = bsearch(&key, c->ix, c->nix, sizeof(*c->ix), ix_cmp);
	if (hit != NULL)
		view_hold(&c->v->socks[hit->idx], c->proc, fd);
	else
		view_pending(c, fd, inode);
}

static struct fdproc *
fdcache_get(struct kfdcache *fc, pid_t pid)
{
	struct fdproc *p;
	size_t i;

	for (i = 0; i < fc->n; i++)
		if (fc->p[i].pid == pid)
			return &fc->p[i];
	if (fc->n == fc->cap) {
		fc->cap = fc->cap == 0 ? 4 : fc->cap * 2;
		fc->p = xreallocarray(fc->p, fc->cap, sizeof(*fc->p));
	}
	p = &fc->p[fc->n++];
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	return p;
}

static void
fdcache_add(void *arg, int fd, uint64_t inode)
{
	struct fdproc *p = arg;

	if (p->nfds == p->cap) {
		p->cap = p->cap == 0 ? 8 : p->cap * 2;
		p->fds = xreallocarray(p->fds, p->cap, sizeof(*p->fds));
	}
	p->fds[p->nfds].fd = fd;
	p->fds[p->nfds].inode = inode;
	p->nfds++;
}

static bool
stopped(char state)
{
	return state == 't' || state == 'T';
}

static bool
fd_other_known(const struct fdproc *p, const struct fdproc *q)
{
	size_t k;

	/* A list made for an earlier process of the same pid is no answer
	 * for this one (which may be a clone sharing its parent's table). */
	if (p->other_start != p->now.start)
		return false;
	for (k = 0; k < p->nother; k++)
		if (p->other[k].pid == q->pid && p->other[k].start ==
		    q->now.start)
			return true;
	return false;
}

static void
fd_other_add(struct fdproc *p, const struct fdproc *q)
{
	if (p->nother == FDPROC_OTHER_MAX || p->other_start != p->now.start)
		p->nother = 0;
	p->other_start = p->now.start;
	if (p->other == NULL)
		p->other = xreallocarray(NULL, FDPROC_OTHER_MAX,
		    sizeof(*p->other));
	p->other[p->nother].pid = q->pid;
	p->other[p->nother].start = q->now.start;
	p->nother++;
}

/* Does any other process asked about share procs[i]'s fd table?  Every
 * process's stat of this snapshot is read (view_proc_stats). */
static bool
fd_table_shared(struct kfdcache *fc, const struct kproc *procs,
    size_t nprocs, size_t i)
{
	struct fdproc *p = fdcache_get(fc, procs[i].pid), *q;
	size_t j;
	long r;

	for (j = 0; j < nprocs; j++) {
		if (j == i || procs[j].pid == procs[i].pid || procs[j].thread)
			continue;
		q = fdcache_get(fc, procs[j].pid);
		p = fdcache_get(fc, procs[i].pid);	/* q may have moved it */
		if (!q->now_ok)
			continue;	/* gone: it shares nothing now */
		if (fd_other_known(p, q))
			continue;
		/* 0: the same table; 1 or 2 order two different ones; an
		 * error (no kcmp in this kernel) counts as shared. */
		r = syscall(SYS_kcmp, procs[i].pid, procs[j].pid, KCMP_FILES,
		    0, 0);
		if (r != 1 && r != 2)
			return true;
		fd_other_add(p, q);
	}
	return false;
}

/* Every process's /proc/PID/stat, once per snapshot, before any fd
 * table is judged (fd_table_shared needs the others' start times). */
static void
view_proc_stats(struct kfdcache *fc, struct proc_files *pf,
    const struct kproc *procs, size_t nprocs)
{
	struct fdproc *p;
	size_t i;

	for (i = 0; i < nprocs; i++) {
		if (procs[i].thread)
			continue;
		p = fdcache_get(fc, procs[i].pid);
		p->seen = true;
		/* Held by the tracer, and no fork, exec or exit since its
		 * fds were read (the lab's word): what stat would say is
		 * known (a held process cannot even be reaped, so its pid
		 * is still the one read). */
		if (procs[i].held && p->valid && procs[i].fdgen != 0 &&
		    procs[i].fdgen == p->fdgen) {
			p->now.state = 't';
			p->now.threads = 1;
			p->now.start = p->start;
			p->now_ok = true;
			continue;
		}
		p->now_ok = sock_proc_stat(pf, procs[i].pid, &p->now) == 0;
	}
}

/*
 * The socket fds of procs[i], from the cache when provably unchanged
 * (see struct fdproc), else from /proc.  state is its state letter,
 * read here ('?' when unreadable) for view_blocked.  Returns -1 when
 * the process is gone.
 */
static int
view_proc_fds(const struct kview *v, struct kfdcache *fc,
    struct proc_files *pf, const struct kproc *procs, size_t nprocs,
    size_t i, char *state)
{
	const struct kproc *k = &procs[i];
	struct fdproc *p;
	uint64_t rt = 0, pc = 0;
	bool maybe, sched_ok = false;

	*state = '?';
	p = fdcache_get(fc, k->pid);
	if (!p->now_ok) {
		p->valid = false;
		return -1;
	}
	*state = p->now.state;
	maybe = stopped(p->now.state) && p->now.threads == 1 &&
	    !fd_table_shared(fc, procs, nprocs, i);
	p = fdcache_get(fc, k->pid);
	if (maybe && p->valid && p->start == p->now.start) {
		/* It ran, but the lab vouches for its table, and the
		 * sockets are refreshed rather than dumped (so anything
		 * the lab cannot see, another ABI or io_uring, shows
		 * within the dump's age, as for the sockets). */
		if (k->fdgen != 0 && k->fdgen == p->fdgen && !v->dumped)
			return 0;
		sched_ok = sock_proc_sched(pf, k->pid, &rt, &pc) == 0;
		if (sched_ok && p->sched_ok && p->runtime == rt &&
		    p->pcount == pc) {
			p->fdgen = k->fdgen;	/* it did not run at all */
			return 0;
		}
	} else if (maybe)
		sched_ok = sock_proc_sched(pf, k->pid, &rt, &pc) == 0;
	p->valid = false;
	p->nfds = 0;
	if (sock_proc_fds(k->pid, fdcache_add, p) == -1)
		return -1;
	/*
	 * Kept with the counters read before the fds.  If it ran while
	 * they were read, or at any time after, the counters have moved
	 * by the next snapshot (both only grow: pcount at every time it
	 * is put on a CPU), so that snapshot reads the fds again: no
	 * second look is needed now.  The lab's word was given before
	 * too, and a task that is stopped is in no call that changes it.
	 */
	if (maybe) {
		p->valid = true;
		p->start = p->now.start;
		p->sched_ok = sched_ok;
		p->runtime = rt;
		p->pcount = pc;
		p->fdgen = k->fdgen;
	}
	return 0;
}

/* Forgets the processes no longer asked about (exited, or a new lab). */
static void
fdcache_prune(struct kfdcache *fc)
{
	size_t i = 0;

	while (i < fc->n) {
		if (fc->p[i].seen) {
			fc->p[i++].seen = false;
			continue;
		}
		free(fc->p[i].fds);
		free(fc->p[i].other);
		fc->p[i] = fc->p[--fc->n];
	}
}

static void
fdcache_destroy(struct kfdcache *fc)
{
	size_t i;

	if (fc == NULL)
		return;
	for (i = 0; i < fc->n; i++) {
		free(fc->p[i].fds);
		free(fc->p[i].other);
	}
	free(fc->p);
	free(fc);
}

static int
pending_cmp(const void *a, const void *b)
{
	const struct pending *x = a, *y = b;

	if (x->inode != y->inode)
		return x->inode < y->inode ? -1 : 1;
	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return (x->fd > y->fd) - (x->fd < y->fd);
}

/*
 * An fd the port's dump did not list may not be TCP at all (UDP, unix).
 * sockfs names the protocol in an xattr: one call, made only for these
 * few fds.  Returns the family, AF_UNSPEC when the kernel would not say
 * (shown rather than hidden), or -1 when it is not TCP.
 */
static int
pending_family(const struct pending *p)
{
	static const struct {
		const char	*name;
		int		 family;
	} tcp[] = {
		{ "TCP", AF_INET },
		{ "TCPv6", AF_INET6 },
	};
	char path[64], name[32];
	ssize_t n;
	size_t i;

	snprintf(path, sizeof(path), "/proc/%ld/fd/%d", (long)p->pid, p->fd);
	n = getxattr(path, "system.sockprotoname", name, sizeof(name) - 1);
	if (n == -1)
		return AF_UNSPEC;
	name[n] = '\0';
	for (i = 0; i < sizeof(tcp) / sizeof(tcp[0]); i++) {
		if (strcmp(name, tcp[i].name) == 0)
			return tcp[i].family;
	}
	return -1;
}

/* The local address, asked of the kernel; false when it would not say. */
static bool
pending_name(const struct pending *p, struct sockaddr_storage *local)
{
	struct sockaddr_storage ss;

	if (sock_name_of(p->pid, p->fd, false, &ss, NULL, 0) == -1)
		return false;
	if (ss.ss_family != AF_INET && ss.ss_family != AF_INET6)
		return false;
	*local = ss;
	return true;
}

static int	view_own_diag(const struct kview *);

/*
 * The port's sockets in every host of the lab (issue 16 §1): with two,
 * one dump through each host's own sock_diag socket, the server host's
 * rows first, each row marked with its host.  Pids and inodes are
 * global, so the rest of the view needs nothing more.
 */
static int
view_dump(const struct kview *v, uint16_t port, struct ksock **socks,
    size_t *n, char *err, size_t errlen)
{
	struct ksock *part;
	size_t np, i;
	int h;

	if (v->nhosts < 2)
		return sock_diag_dump_on(view_own_diag(v), port, socks, n,
		    err, errlen);
	*socks = NULL;
	*n = 0;
	for (h = 0; h < 2; h++) {
		if (sock_diag_dump_on(v->hostfd[h], port, &part, &np, err,
		    errlen) == -1) {
			free(*socks);
			*socks = NULL;
			*n = 0;
			return -1;
		}
		*socks = xreallocarray(*socks, *n + np + 1, sizeof(**socks));
		for (i = 0; i < np; i++) {
			part[i].host = h;
			(*socks)[(*n)++] = part[i];
		}
		free(part);
	}
	return 0;
}

/* A dump's sockets asked about again, each in its own host (view_dump's
 * order: the server host's, then the client host's). */
static int
view_refresh(const struct kview *v, struct ksock *socks, size_t n)
{
	size_t m = 0, i;
	int rc;

	if (v->nhosts < 2)
		return sock_diag_refresh_on(view_own_diag(v), socks, n, NULL,
		    0);
	while (m < n && socks[m].host == 0)
		m++;
	for (i = m; i < n; i++)
		if (socks[i].host != 1)
			return 1;
	if (m > 0 && (rc = sock_diag_refresh_on(v->hostfd[0], socks, m,
	    NULL, 0)) != 0)
		return rc;
	if (n > m)
		return sock_diag_refresh_on(v->hostfd[1], socks + m, n - m,
		    NULL, 0);
	return 0;
}

/*
 * A lab socket whose name has another port (a client that bound its own,
 * lesson 7): the kernel's entry for it, from a dump of that port, into
 * *out.  When the kernel lists it nowhere, the socket is in no table at
 * all: a connect() that failed unbinds the socket, yet getsockname()
 * may still report the old port, so the caller keeps it as CLOSE.
 * Bounded by VIEW_STRAYS_MAX per snapshot: each costs a dump; the rest
 * are counted (kview.unseen).  Returns 1 found, 0 not listed, -1 when
 * the dump failed.
 */
#define VIEW_STRAYS_MAX	8
static int
view_stray(const struct kview *v, const struct pending *p, uint16_t port,
    struct ksock *out)
{
	struct ksock *socks = NULL;
	size_t n = 0, i;
	int found = 0;

	if (view_dump(v, port, &socks, &n, NULL, 0) == -1)
		return -1;
	for (i = 0; i < n && !found; i++) {
		if (socks[i].inode == p->inode) {
			*out = socks[i];
			found = 1;
		}
	}
	free(socks);
	return found;
}

/*
 * A TCP fd missing from the port's dump is either a socket() not bound
 * yet, which sock_diag never lists and which is in CLOSE, or one named
 * with some other port: the kernel tells them apart by the local port,
 * and view_stray asks about the latter.  Before Linux 6.8 a socket bound on the lab port but
 * neither listening nor connecting is missing too; it is in CLOSE as
 * well.  Without a dump nothing is known of the state (0, "UNKNOWN"),
 * and every socket stays.
 */
static void
view_add_pending(struct view_ctx *c)
{
	struct sockaddr_storage local;
	struct kview *v = c->v;
	struct pending *p;
	struct ksock *k, found;
	size_t i, j, strays = 0;
	int family, rc;
	bool named;

	if (c->npend == 0)
		return;
	qsort(c->pend, c->npend, sizeof(*c->pend), pending_cmp);
	v->socks = xreallocarray(v->socks, v->nsocks + c->npend,
	    sizeof(*v->socks));
	for (i = 0; i < c->npend; i = j) {
		for (j = i + 1; j < c->npend; j++) {
			if (c->pend[j].inode != c->pend[i].inode)
				break;
		}
		p = &c->pend[i];
		if ((family = pending_family(p)) == -1)
			continue;
		memset(&local, 0, sizeof(local));
		local.ss_family = family;
		named = pending_name(p, &local);
		if (v->diag_ok && named && sock_port(&local) != 0 &&
		    sock_port(&local) != c->port) {
			/* Past the bound, not looked up: counted, never
			 * shown as gone (it is open: a lab fd holds it). */
			if (++strays > VIEW_STRAYS_MAX) {
				v->unseen = xreallocarray(v->unseen,
				    v->nunseen + 1, sizeof(*v->unseen));
				v->unseen[v->nunseen++] = p->inode;
				continue;
			}
			/* Held by a lab process: shown wherever it is. */
			rc = view_stray(v, p, sock_port(&local), &found);
			if (rc == -1)
				continue;	/* not known: left out */
			if (rc == 1) {
				k = &v->socks[v->nsocks++];
				*k = found;
				k->in_diag = true;
				k->side = p->side;
				k->pid = p->pid;
				k->fd = p->fd;
				view_holders_pending(k, p, j - i);
				continue;
			}
		}
		k = &v->socks[v->nsocks++];
		memset(k, 0, sizeof(*k));
		k->state = v->diag_ok ? TCP_CLOSE : 0;
		k->family = local.ss_family;
		k->local = local;
		k->peer.ss_family = local.ss_family;
		k->inode = p->inode;
		k->in_diag = false;
		/* Unlisted: on the host of the lab process holding it. */
		k->host = v->nhosts == 2 && p->side > 0 ? 1 : 0;
		k->side = p->side;
		k->pid = p->pid;
		k->fd = p->fd;
		view_holders_pending(k, p, j - i);
	}
}

/*
 * A connection the kernel completed but nobody accepted yet has no
 * struct socket, hence inode 0; once accept() hands it out (to a lab
 * process or any other) it gets one.  So inode 0 tells the accept queue
 * apart exactly, with no guessing about processes outside the lab.
 * CLOSE-WAIT counts too: a client that hung up before accept() leaves
 * its connection queued in that state.
 */
static void
view_accept_queue(struct kview *v, uint16_t port)
{
	struct ksock *k;
	bool listening = false;
	size_t i;

	for (i = 0; i < v->nsocks && !listening; i++) {
		k = &v->socks[i];
		listening = k->state == TCP_LISTEN &&
		    sock_port(&k->local) == port;
	}
	if (!listening)
		return;
	for (i = 0; i < v->nsocks; i++) {
		k = &v->socks[i];
		if (!k->in_diag || k->inode != 0 || k->side != -1)
			continue;
		if (k->state != TCP_ESTABLISHED && k->state != TCP_CLOSE_WAIT)
			continue;
		k->in_accept_queue = sock_port(&k->local) == port;
	}
}

/*
 * A listener's SYN queue, as ss(8) shows it: the request socks the
 * kernel answered with SYN,ACK and that wait for the handshake's last
 * ACK.  sock_diag lists each as SYN-RECV with no inode, at the
 * listener's port; a listener bound to one address owns only those to
 * that address.  (An IPv6 listener's requests from IPv4 clients are
 * IPv4: the family is not compared.)
 */
static bool
view_same_host(const struct sockaddr_storage *l, const struct sockaddr_storage *r)
{
	const struct sockaddr_in *l4 = (const void *)l, *r4 = (const void *)r;
	const struct sockaddr_in6 *l6 = (const void *)l, *r6 = (const void *)r;

	if (l->ss_family == AF_INET && l4->sin_addr.s_addr == INADDR_ANY)
		return true;
	if (l->ss_family == AF_INET6 && IN6_IS_ADDR_UNSPECIFIED(&l6->sin6_addr))
		return true;
	if (l->ss_family != r->ss_family)
		return false;
	if (l->ss_family == AF_INET)
		return l4->sin_addr.s_addr == r4->sin_addr.s_addr;
	return memcmp(&l6->sin6_addr, &r6->sin6_addr,
	    sizeof(l6->sin6_addr)) == 0;
}

static void
view_syn_queue(struct kview *v)
{
	struct ksock *l, *k;
	size_t i, j;

	for (i = 0; i < v->nsocks; i++) {
		l = &v->socks[i];
		if (l->state != TCP_LISTEN_STATE)
			continue;
		l->synq = 0;
		for (j = 0; j < v->nsocks; j++) {
			k = &v->socks[j];
			if (k->state == TCP_SYN_RECV && k->in_diag &&
			    k->inode == 0 && sock_port(&k->local) ==
			    sock_port(&l->local) && view_same_host(&l->local,
			    &k->local))
				l->synq++;
		}
	}
}

/* states: each process's state letter as just read; only a sleeping
 * one (S, D, or unknown) is read again for its call and wchan. */
static void
view_blocked(struct kview *v, const struct kproc *procs, size_t nprocs,
    const char *states)
{
	struct kblocked *b;
	char state, wchan[sizeof(b->wchan)];
	long nr;
	size_t i;

	if (nprocs == 0)
		return;
	v->blocked = xcalloc(nprocs, sizeof(*v->blocked));
	for (i = 0; i < nprocs; i++) {
		if (states[i] != 'S' && states[i] != 'D' && states[i] != '?')
			continue;
		if (sock_proc_sleep(v->procf, procs[i].pid, &state, &nr, wchan,
		    sizeof(wchan)) == -1)
			continue;
		if ((state != 'S' && state != 'D') || nr < 0)
			continue;
		b = &v->blocked[v->nblocked++];
		b->side = procs[i].side;
		b->pid = procs[i].pid;
		b->nr = nr;
		strlcpy(b->wchan, wchan, sizeof(b->wchan));
	}
}

static int
cmp_int(long a, long b)
{
	return (a > b) - (a < b);
}

/*
 * Listeners first, then the lab sides in order, then what no lab
 * process holds; within that by local port.  The rest of the key only
 * makes the order total, so two snapshots of the same state print the
 * same.
 */
static int
ksock_cmp(const void *a, const void *b)
{
	const struct ksock *x = a, *y = b;
	int d;

	if ((d = cmp_int(x->state != TCP_LISTEN, y->state != TCP_LISTEN)))
		return d;
	if ((d = cmp_int(x->side < 0, y->side < 0)))
		return d;
	if ((d = cmp_int(x->side, y->side)))
		return d;
	if ((d = cmp_int(sock_port(&x->local), sock_port(&y->local))))
		return d;
	if ((d = cmp_int(sock_port(&x->peer), sock_port(&y->peer))))
		return d;
	if ((d = cmp_int(x->fd, y->fd)))
		return d;
	if ((d = cmp_int(x->state, y->state)))
		return d;
	if ((d = cmp_int(x->family, y->family)))
		return d;
	if ((d = memcmp(&x->local, &y->local, sizeof(x->local))))
		return d;
	if ((d = memcmp(&x->peer, &y->peer, sizeof(x->peer))))
		return d;
	return (x->inode > y->inode) - (x->inode < y->inode);
}

/*
 * The last full dump, kept so that the next snapshot can ask about each
 * of its sockets by address instead of walking the kernel's whole
 * established hash again (issue 8: the walk was two thirds of a step).
 * That is only as good as a dump when nothing can have added a socket
 * to the port, so a refresh needs all of:
 *  - the caller's set_gen unchanged: no lab call that can create or end
 *    a socket (anything but data calls and queries) is running or has
 *    run, and no lab process exited or exec'd, since the dump;
 *  - every socket of the dump in a settled state, found again with
 *    its cookie (the kernel refuses a new socket at the same
 *    addresses) in the same state; no SYN-SENT, SYN-RECV or bare CLOSE
 *    socket, which timers or handshakes change unasked;
 *  - every listener's accept queue the same length (a connection from
 *    outside the lab completing shows there first);
 *  - the dump younger than KVIEW_DUMP_AGE_MS, so what no lab call
 *    touches (another program binding the port) is seen within that.
 * Anything else, and any error, is a full dump.  A person stepping by
 * hand is always shown a dump; a step script running faster than that
 * gets lookups in between.
 */
#define KVIEW_DUMP_AGE_MS	50
struct kdiagcache {
	struct ksock	*socks;
	size_t		 n;
	uint64_t	 gen;
	uint64_t	 when_ms;
	uint16_t	 port;
	bool		 refreshable;
	/* ListenOverflows, ListenDrops as last read (view_netstat) */
	bool		 ns_read;
	bool		 ns_ok;
	bool		 ns_full;	/* a listener's queue was full then */
	uint64_t	 ns_overflows;
	uint64_t	 ns_drops;
	/* With one host: the sock_diag socket of the current namespace,
	 * opened at the first snapshot and kept (a socket and a close a
	 * step were 2 of its 45 system calls); -1 when it could not be. */
	int		 ownfd;
	bool		 ownfd_tried;
};

/* -1 makes sock-diag.c open a socket for the one request. */
static int
view_own_diag(const struct kview *v)
{
	struct kdiagcache *dc = v->diagcache;

	if (dc == NULL)
		return -1;
	if (!dc->ownfd_tried) {
		dc->ownfd_tried = true;
		dc->ownfd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC,
		    NETLINK_SOCK_DIAG);
	}
	return dc->ownfd;
}

/* SOCKSTEP_DUMP_AGE_MS: a longer age, so that a test stepping at a
 * person's pace still sees lookups between dumps (tests/test_fdview.py). */
static uint64_t
view_dump_age_ms(void)
{
	static uint64_t age;
	const char *env;

	if (age == 0) {
		age = KVIEW_DUMP_AGE_MS;
		if ((env = getenv("SOCKSTEP_DUMP_AGE_MS")) != NULL &&
		    strtonum(env, 1, 600000, NULL) != 0)
			age = (uint64_t)strtonum(env, 1, 600000, NULL);
	}
	return age;
}

static uint64_t
view_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static bool
view_settled_state(int state)
{
	switch (state) {
	case 1: case 4: case 5: case 6: case 8: case 9: case 10: case 11:
		return true;	/* ESTABLISHED ... CLOSING, LISTEN, TIME-WAIT */
	default:
		return false;	/* SYN-SENT, SYN-RECV, CLOSE, NEW-SYN-RECV */
	}
}

static void
view_keep_dump(struct kdiagcache *dc, const struct kview *v, uint16_t port,
    uint64_t now)
{
	size_t i;

	free(dc->socks);
	dc->socks = NULL;
	dc->n = v->nsocks;
	dc->gen = v->set_gen;
	dc->when_ms = now;
	dc->port = port;
	dc->refreshable = v->set_gen != 0;
	if (v->nsocks > 0) {
		dc->socks = xreallocarray(NULL, v->nsocks, sizeof(*v->socks));
		memcpy(dc->socks, v->socks, v->nsocks * sizeof(*v->socks));
	}
	for (i = 0; i < v->nsocks; i++)
		if (!view_settled_state(v->socks[i].state))
			dc->refreshable = false;
}

/*
 * The lab namespace's counts of requests its listeners dropped.  The
 * file is every counter the stack has, summed over CPUs (about 100 us
 * to read: more than a step's lookups, issue 8), and both counters move
 * only at a listener whose accept queue is full (sk_acceptq_is_full: a
 * SYN dropped, or a handshake's last ACK), so it is read while one is
 * full and once more at the first snapshot after, and kept otherwise.
 * ListenDrops also counts rarer drops (no memory, a SYN flood without
 * cookies); those wait for the next full queue.
 */
static void
view_netstat(struct kview *v, struct kdiagcache *dc)
{
	bool full = false;
	size_t i;

	for (i = 0; i < v->nsocks; i++)
		if (v->socks[i].state == TCP_LISTEN_STATE &&
		    v->socks[i].rqueue > v->socks[i].wqueue)
			full = true;
	if (full || dc->ns_full || !dc->ns_read) {
		dc->ns_ok = sock_netstat_listen(&dc->ns_overflows,
		    &dc->ns_drops) == 0;
		dc->ns_read = true;
	}
	dc->ns_full = full;
	v->netstat_ok = dc->ns_ok;
	v->listen_overflows = dc->ns_overflows;
	v->listen_drops = dc->ns_drops;
}

/* Fills v->socks from the kernel; true when sock_diag answered. */
static bool
view_diag(struct kview *v, struct kdiagcache *dc, uint16_t port)
{
	uint64_t now = view_now_ms();
	struct ksock *socks;

	if (dc->refreshable && dc->n > 0 && v->set_gen == dc->gen &&
	    port == dc->port && now - dc->when_ms < view_dump_age_ms()) {
		socks = xreallocarray(NULL, dc->n, sizeof(*socks));
		memcpy(socks, dc->socks, dc->n * sizeof(*socks));
		if (view_refresh(v, socks, dc->n) == 0) {
			memcpy(dc->socks, socks, dc->n * sizeof(*socks));
			v->socks = socks;
			v->nsocks = dc->n;
			v->dumped = false;
			return true;
		}
		free(socks);
	}
	v->dumped = true;
	if (view_dump(v, port, &v->socks, &v->nsocks, v->diag_err,
	    sizeof(v->diag_err)) == -1) {
		dc->refreshable = false;
		return false;
	}
	view_keep_dump(dc, v, port, now);
	return true;
}

int
kview_snapshot(struct kview *v, uint16_t port, const struct kproc *procs,
    size_t nprocs)
{
	struct kfdcache *fc = v->fdcache;
	struct kdiagcache *dc = v->diagcache;
	struct proc_files *pf = v->procf;
	uint64_t gen = v->set_gen;
	int nhosts = v->nhosts, hostfd[2] = { v->hostfd[0], v->hostfd[1] };
	struct view_ctx c;
	struct fdproc *p;
	char *states;
	size_t i, j;

	v->fdcache = NULL;
	v->diagcache = NULL;
	v->procf = NULL;
	kview_finish(v);
	if (pf == NULL)
		pf = proc_files_create();
	v->procf = pf;
	if (fc == NULL)
		fc = xcalloc(1, sizeof(*fc));
	if (dc == NULL)
		dc = xcalloc(1, sizeof(*dc));
	v->fdcache = fc;
	v->diagcache = dc;
	v->set_gen = gen;
	v->nhosts = nhosts;
	v->hostfd[0] = hostfd[0];
	v->hostfd[1] = hostfd[1];
	v->diag_ok = view_diag(v, dc, port);
	if (v->diag_ok)
		v->diag_err[0] = '\0';

	memset(&c, 0, sizeof(c));
	c.v = v;
	c.port = port;
	view_index(&c);
	states = nprocs > 0 ? xcalloc(nprocs, sizeof(*states)) : NULL;
	view_proc_stats(fc, pf, procs, nprocs);
	for (i = 0; i < nprocs; i++) {
		c.proc = &procs[i];
		c.order = i;
		states[i] = '?';
		/* A thread's fds are its process's, asked about already. */
		if (procs[i].thread)
			continue;
		/* A process that is gone holds nothing any more. */
		if (view_proc_fds(v, fc, pf, procs, nprocs, i, &states[i]) ==
		    -1)
			continue;
		p = fdcache_get(fc, procs[i].pid);
		for (j = 0; j < p->nfds; j++)
			view_fd(&c, p->fds[j].fd, p->fds[j].inode);
	}
	fdcache_prune(fc);
	view_add_pending(&c);
	free(c.ix);
	free(c.pend);

	view_accept_queue(v, port);
	view_syn_queue(v);
	view_netstat(v, dc);
	view_blocked(v, procs, nprocs, states);
	free(states);
	if (v->nsocks > 1)
		qsort(v->socks, v->nsocks, sizeof(*v->socks), ksock_cmp);
	return v->diag_ok ? 0 : -1;
}

void
kview_finish(struct kview *v)
{
	free(v->socks);
	free(v->blocked);
	free(v->unseen);
	fdcache_destroy(v->fdcache);
	if (v->diagcache != NULL) {
		free(v->diagcache->socks);
		if (v->diagcache->ownfd_tried && v->diagcache->ownfd >= 0)
			close(v->diagcache->ownfd);
	}
	free(v->diagcache);
	proc_files_destroy(v->procf);
	memset(v, 0, sizeof(*v));
}
