/*
 * net-link.c - the lab network's links, built with libnl-route-3 (issue
 * 16 §1): a veth pair whose far end is made in another namespace, and
 * an address on a link with the link up.  Each call goes out on a route
 * netlink socket of the namespace it acts in: a netlink socket stays in
 * the namespace it was made in, so one made in each host is how sockstep
 * configures both without moving itself again.
 */
#include <net/if.h>
#include <linux/if.h>	/* IF_OPER_UP; after net/if.h, which it defers to */

#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "model.h"

struct nl_sock *
net_rt_open(char *err, size_t errlen)
{
	struct nl_sock *sk;
	int rc;

	if ((sk = nl_socket_alloc()) == NULL) {
		snprintf(err, errlen, "netlink: %s", strerror(ENOMEM));
		return NULL;
	}
	if ((rc = nl_connect(sk, NETLINK_ROUTE)) < 0) {
		snprintf(err, errlen, "netlink: %s", nl_geterror(rc));
		nl_socket_free(sk);
		return NULL;
	}
	return sk;
}

void
net_rt_close(struct nl_sock *sk)
{
	if (sk != NULL)
		nl_socket_free(sk);
}

int
net_rt_veth(struct nl_sock *sk, const char *name, const char *peer_name,
    int peer_ns, char *err, size_t errlen)
{
	struct rtnl_link *veth, *peer;
	int rc;

	if ((veth = rtnl_link_veth_alloc()) == NULL) {
		snprintf(err, errlen, "veth: %s", strerror(ENOMEM));
		return -1;
	}
	rtnl_link_set_name(veth, name);
	/* The peer is made straight in the other namespace (the kernel
	 * takes the fd in the peer's own attributes), so the two ends may
	 * share a name: each host sees one veth0. */
	peer = rtnl_link_veth_get_peer(veth);
	rtnl_link_set_name(peer, peer_name);
	rtnl_link_set_ns_fd(peer, peer_ns);
	if (nl_has_capability(
	    NL_CAPABILITY_ROUTE_LINK_VETH_GET_PEER_OWN_REFERENCE))
		rtnl_link_put(peer);
	rc = rtnl_link_add(sk, veth, NLM_F_CREATE | NLM_F_EXCL);
	rtnl_link_veth_release(veth);
	if (rc < 0) {
		snprintf(err, errlen, "veth %s: %s", name, nl_geterror(rc));
		return -1;
	}
	return 0;
}

int
net_rt_addr_up(struct nl_sock *sk, const char *ifname, const char *cidr,
    char *err, size_t errlen)
{
	struct rtnl_link *link = NULL, *change = NULL;
	struct rtnl_addr *addr = NULL;
	struct nl_addr *local = NULL;
	int rc, ifindex;

	if ((rc = rtnl_link_get_kernel(sk, 0, ifname, &link)) < 0) {
		snprintf(err, errlen, "%s: %s", ifname, nl_geterror(rc));
		return -1;
	}
	ifindex = rtnl_link_get_ifindex(link);
	/* Up first: the prefix route of the address comes with an up link. */
	if ((change = rtnl_link_alloc()) == NULL) {
		rc = -NLE_NOMEM;
		goto fail;
	}
	rtnl_link_set_flags(change, IFF_UP);
	if ((rc = rtnl_link_change(sk, link, change, 0)) < 0)
		goto fail;
	if ((rc = nl_addr_parse(cidr, AF_INET, &local)) < 0)
		goto fail;
	if ((addr = rtnl_addr_alloc()) == NULL) {
		rc = -NLE_NOMEM;
		goto fail;
	}
	rtnl_addr_set_ifindex(addr, ifindex);
	if ((rc = rtnl_addr_set_local(addr, local)) < 0)
		goto fail;
	rc = rtnl_addr_add(sk, addr, 0);
fail:
	if (rc < 0)
		snprintf(err, errlen, "%s %s: %s", ifname, cidr,
		    nl_geterror(rc));
	if (addr != NULL)
		rtnl_addr_put(addr);
	if (local != NULL)
		nl_addr_put(local);
	if (change != NULL)
		rtnl_link_put(change);
	rtnl_link_put(link);
	return rc < 0 ? -1 : 0;
}

/*
 * A veth end brought up before its peer gets its carrier, and with it
 * its queue, only when the kernel's link watcher (a worker thread) gets
 * to it; until then what it sends is dropped.  On a loaded machine that
 * worker runs late: the server's SYN,ACK was lost and the client's
 * connect() waited a second for its SYN to be sent again, longer than a
 * lesson's step.  The watcher also sets the link operationally up: wait
 * for that, for at most ms.  0 when up, -1 when it was not (the lab
 * works anyway: TCP sends again what was lost).
 */
int
net_rt_wait_up(struct nl_sock *sk, const char *ifname, int ms)
{
	const struct timespec tick = { 0, 1000 * 1000 };
	struct rtnl_link *link;
	uint8_t state;
	int i;

	for (i = 0; i <= ms; i++) {
		if (rtnl_link_get_kernel(sk, 0, ifname, &link) < 0)
			return -1;
		state = rtnl_link_get_operstate(link);
		rtnl_link_put(link);
		if (state == IF_OPER_UP)
			return 0;
		(void)nanosleep(&tick, NULL);
	}
	return -1;
}
