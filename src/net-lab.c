/*
 * net-lab.c - the lab network: sockstep moves itself into a network
 * namespace of its own before it spawns anything, so the programs it
 * traces, the kernel view (sock_diag, /proc/net, /proc/sys/net) and the
 * port it picks all see one private host whose only interface is lo.
 * Nothing links it to the host's network: no other interface, no route.
 *
 * Not root: a user namespace first, mapping the user's own uid and gid,
 * so sockstep holds the capabilities there while the programs it execs
 * run as the user without any (execve drops them for a non-zero uid).
 */
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <net/if.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model.h"

/* Set by a test to make the namespaces fail as if refused (EPERM): "1"
 * all of them, "client" the client host's only. */
#define NET_REFUSE_ENV	"SOCKSTEP_NET_REFUSE"

/*
 * Why user namespaces may be refused, and how to allow them: a knob of
 * /proc/sys and the value that refuses.  The first that holds is said.
 */
static const struct net_knob {
	const char	*path;
	const char	*refusing;
	const char	*hint;
} net_knobs[] = {
	{ "/proc/sys/kernel/apparmor_restrict_unprivileged_userns", "1",
	  N_("AppArmor restricts user namespaces; allow them with sysctl "
	     "kernel.apparmor_restrict_unprivileged_userns=0") },
	{ "/proc/sys/user/max_user_namespaces", "0",
	  N_("user namespaces are off; allow them with sysctl "
	     "user.max_user_namespaces=10000") },
	{ "/proc/sys/kernel/unprivileged_userns_clone", "0",
	  N_("user namespaces are off; allow them with sysctl "
	     "kernel.unprivileged_userns_clone=1") },
};

static bool net_in_userns;	/* made once; a restart needs only a netns */
static bool net_in_lab;		/* left the host's network, for good */

static int
net_write(const char *path, const char *text)
{
	int fd, saved;
	ssize_t n;

	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) == -1)
		return -1;
	n = write(fd, text, strlen(text));
	saved = errno;
	close(fd);
	errno = saved;
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* The user's own ids, mapped to themselves: files keep their owners and
 * the programs run as the user. */
static int
net_map_ids(uid_t uid, gid_t gid)
{
	char map[64];

	snprintf(map, sizeof map, "%lu %lu 1\n", (unsigned long)uid,
	    (unsigned long)uid);
	if (net_write("/proc/self/uid_map", map) == -1)
		return -1;
	/* An unprivileged gid_map needs setgroups(2) denied first. */
	if (net_write("/proc/self/setgroups", "deny\n") == -1 && errno != ENOENT)
		return -1;
	snprintf(map, sizeof map, "%lu %lu 1\n", (unsigned long)gid,
	    (unsigned long)gid);
	return net_write("/proc/self/gid_map", map);
}

/* A new network namespace, in a new user namespace when plain root's
 * CLONE_NEWNET is not ours to use.  1: refused, nothing changed; -1: a
 * user namespace was made but not mapped, there is no way back. */
static int
net_unshare(const char **what)
{
	uid_t uid = geteuid();
	gid_t gid = getegid();
	const char *refuse = getenv(NET_REFUSE_ENV);

	*what = "unshare";
	if (refuse != NULL && strcmp(refuse, "1") == 0) {
		errno = EPERM;
		return 1;
	}
	if (uid == 0 || net_in_userns) {
		if (unshare(CLONE_NEWNET) == 0)
			return 0;
		if (errno != EPERM || net_in_userns)
			return 1;
	}
	if (unshare(CLONE_NEWUSER | CLONE_NEWNET) == -1)
		return 1;
	*what = "uid_map";
	if (net_map_ids(uid, gid) == -1)
		return -1;
	net_in_userns = true;
	return 0;
}

/* lo is down in a new namespace; 127.0.0.1 needs it up. */
static int
net_lo_up(void)
{
	struct ifreq ifr;
	int fd, rc = -1, saved;

	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	memset(&ifr, 0, sizeof ifr);
	strlcpy(ifr.ifr_name, "lo", sizeof ifr.ifr_name);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
		rc = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

/* How to allow user namespaces here, from the first knob that refuses. */
static const char *
net_hint(void)
{
	char val[16];
	size_t i;
	FILE *f;

	for (i = 0; i < sizeof net_knobs / sizeof net_knobs[0]; i++) {
		if ((f = fopen(net_knobs[i].path, "re")) == NULL)
			continue;
		if (fgets(val, sizeof val, f) == NULL)
			val[0] = '\0';
		fclose(f);
		val[strcspn(val, "\n")] = '\0';
		if (strcmp(val, net_knobs[i].refusing) == 0)
			return _(net_knobs[i].hint);
	}
	return _("user namespaces may be forbidden here (a container?); "
	    "allow them, or choose --net host");
}

const char *
net_mode_name(enum net_mode m)
{
	static const char *const names[] = {
		[NET_AUTO] = "auto", [NET_LAB] = "lab", [NET_HOST] = "host",
	};

	return m >= 0 && m < (int)(sizeof names / sizeof names[0]) ?
	    names[m] : NULL;
}

int
net_mode_parse(const char *s, enum net_mode *m)
{
	if (strcmp(s, "lab") == 0)
		*m = NET_LAB;
	else if (strcmp(s, "host") == 0)
		*m = NET_HOST;
	else if (strcmp(s, "auto") == 0)
		*m = NET_AUTO;
	else
		return -1;
	return 0;
}

/* A netlink socket of this namespace; it stays in it when we move. */
static int
net_diag_socket(void)
{
	return socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
}

/*
 * The client host (doc/lab-network.md "Two hosts"): a second namespace
 * B, held by an fd and not by a process, made while sockstep passes
 * through it, then back to A (the server host, sockstep's own).  A veth
 * pair joins them, 10.1.0.1/24 in A, 10.1.0.2/24 in B: no other link,
 * no default route, so nothing leads out of the lab.  On error sockstep
 * is in A again, or it says it could not get back (*lost).
 */
static int
net_client_host(struct net_lab *n, bool *lost, char *err, size_t errlen)
{
	struct nl_sock *rt_a = NULL, *rt_b = NULL;
	const char *refuse = getenv(NET_REFUSE_ENV);
	int fd_a, rc = -1;

	*lost = false;
	if (refuse != NULL && strcmp(refuse, "client") == 0) {
		snprintf(err, errlen, "unshare: %s", strerror(EPERM));
		return -1;
	}
	if ((fd_a = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "/proc/self/ns/net: %s", strerror(errno));
		return -1;
	}
	if ((rt_a = net_rt_open(err, errlen)) == NULL)
		goto out;
	if ((n->diag[0] = net_diag_socket()) == -1) {
		snprintf(err, errlen, "sock_diag: %s", strerror(errno));
		goto out;
	}
	/* In B: what must be made from inside it. */
	if (unshare(CLONE_NEWNET) == -1) {
		snprintf(err, errlen, "unshare: %s", strerror(errno));
		goto out;
	}
	if ((n->client_ns = open("/proc/self/ns/net", O_RDONLY |
	    O_CLOEXEC)) == -1)
		snprintf(err, errlen, "/proc/self/ns/net: %s",
		    strerror(errno));
	else if (net_lo_up() == -1)
		snprintf(err, errlen, "lo: %s", strerror(errno));
	else if ((rt_b = net_rt_open(err, errlen)) != NULL &&
	    (n->diag[1] = net_diag_socket()) == -1)
		snprintf(err, errlen, "sock_diag: %s", strerror(errno));
	else if (rt_b != NULL)
		rc = 0;
	if (setns(fd_a, CLONE_NEWNET) == -1) {
		snprintf(err, errlen, "setns: %s", strerror(errno));
		*lost = true;
		rc = -1;
	}
	if (rc == 0 && (net_rt_veth(rt_a, NET_VETH, NET_VETH, n->client_ns,
	    err, errlen) == -1 ||
	    net_rt_addr_up(rt_a, NET_VETH, NET_SERVER_IP "/24", err,
	    errlen) == -1 ||
	    net_rt_addr_up(rt_b, NET_VETH, NET_CLIENT_IP "/24", err,
	    errlen) == -1))
		rc = -1;
	/* Both ends able to send before any program runs; a lab whose link
	 * the kernel is slow to raise still works, a step or two slower. */
	if (rc == 0) {
		(void)net_rt_wait_up(rt_a, NET_VETH, NET_LINK_WAIT_MS);
		(void)net_rt_wait_up(rt_b, NET_VETH, NET_LINK_WAIT_MS);
	}
out:
	net_rt_close(rt_a);
	net_rt_close(rt_b);
	close(fd_a);
	if (rc == -1)
		net_lab_leave(n);	/* B ends, and the veth with it */
	return rc;
}

void
net_lab_leave(struct net_lab *n)
{
	int *fds[] = { &n->client_ns, &n->diag[0], &n->diag[1] };
	size_t i;

	/* A zeroed struct (a session that never opened) holds nothing. */
	if (!n->lab)
		return;
	for (i = 0; i < sizeof fds / sizeof fds[0]; i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}

int
net_lab_enter(enum net_mode want, int hosts, struct net_lab *n, char *err,
    size_t errlen)
{
	char why[256];
	const char *what;
	bool lost;
	int e, rc;

	memset(n, 0, sizeof *n);
	n->client_ns = n->diag[0] = n->diag[1] = -1;
	n->hosts = 1;
	strlcpy(n->ip, "127.0.0.1", sizeof n->ip);
	if (want == NET_HOST)
		return 0;
	rc = net_unshare(&what);
	if (rc == 0) {
		net_in_lab = true;
		what = "lo";
		if ((rc = net_lo_up()) == 0) {
			n->lab = true;
			n->userns = net_in_userns;
			if (hosts < 2)
				return 0;
			if (net_client_host(n, &lost, why, sizeof why) == 0) {
				n->hosts = 2;
				strlcpy(n->ip, NET_SERVER_IP, sizeof n->ip);
				return 0;
			}
			/* One private host still works: the default says
			 * why the client host is missing; --net lab and a
			 * sockstep stranded in B stop. */
			if (want == NET_LAB || lost) {
				snprintf(err, errlen, _("the lab network's "
				    "client host: %s"), why);
				return -1;
			}
			snprintf(n->note, sizeof n->note, _("one host, not two "
			    "(the client host: %s)"), why);
			return 0;
		}
	}
	if (rc == -1 || net_in_lab) {
		/* Half made, or a restart that found no fresh namespace:
		 * the host's network is out of reach now (sockstep left it),
		 * so even the default stops here. */
		snprintf(err, errlen, _("the lab network: %s: %s"), what,
		    strerror(errno));
		return -1;
	}
	e = errno;
	if (want == NET_LAB) {
		snprintf(err, errlen, _("--net lab: no network namespace "
		    "(%s: %s): %s"), what, strerror(e), net_hint());
		return -1;
	}
	snprintf(n->note, sizeof n->note, _("the host's network, not a "
	    "private lab (%s: %s): %s"), what, strerror(e), net_hint());
	return 0;
}
