/*
 * net-capture.c - the TCP segments on the lab network (issue 16 §2),
 * read with libpcap from sockstep's own namespace.
 *
 * Why libpcap and the "any" device: one handle sees every interface of
 * the namespace, lo now and a veth end added later, and libpcap already
 * drops the outgoing copy of a packet on lo (each is seen twice there,
 * PACKET_OUTGOING then PACKET_HOST), so each segment counts once.  In
 * immediate mode libpcap uses a TPACKET_V2 ring, whose frames are
 * handed over one by one: a TPACKET_V3 block waits for its timeout, and
 * a step's segments would come after the step.  Non-blocking, its fd in
 * the lab's one poll loop; never a wait here.
 *
 * Each connection (by its 4-tuple) keeps both directions' first SYN
 * sequence number, so seq and ack are shown relative to it, as tcpdump
 * does without -S; and the highest sequence sent, so a segment that
 * repeats what was sent (a retransmission) is told from the segment
 * itself.
 */
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <net/if.h>

#include <pcap/pcap.h>
#include <pcap/sll.h>

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

#define CAP_SNAPLEN	160	/* SLL2 + IPv6 + TCP with options: headers only */
#define CAP_BUFFER	(1 << 20)	/* ring bytes: some 4,000 frames */
#define CAP_CONNS_MAX	4096	/* connections remembered, oldest forgotten */

struct cap_dir {		/* one direction of a connection */
	bool		 have_isn;
	uint32_t	 isn;
	bool		 have_end;
	uint32_t	 end;		/* highest seq + length sent so far */
	bool		 have_ack;
	uint32_t	 ack;		/* highest ack sent so far */
	uint16_t	 win;
};
struct cap_conn {
	struct sockaddr_storage	 a, b;	/* a sent its SYN first, or was seen first */
	struct cap_dir		 d[2];	/* [0]: a to b */
	int			 last;	/* the direction last seen; -1 none */
};

struct net_capture {
	pcap_t			*pcap;
	int			 fd;
	struct cap_conn		*conns;
	size_t			 nconns, next;
	void			(*fn)(void *, const struct tcp_segment *);
	void			*arg;
};

static bool
cap_addr_eq(const struct sockaddr_storage *x, const struct sockaddr_storage *y)
{
	if (x->ss_family != y->ss_family)
		return false;
	if (x->ss_family == AF_INET) {
		const struct sockaddr_in *a = (const void *)x, *b = (const void *)y;

		return a->sin_port == b->sin_port &&
		    a->sin_addr.s_addr == b->sin_addr.s_addr;
	}
	const struct sockaddr_in6 *a = (const void *)x, *b = (const void *)y;

	return a->sin6_port == b->sin6_port &&
	    memcmp(&a->sin6_addr, &b->sin6_addr, sizeof a->sin6_addr) == 0;
}

/* The connection of src > dst, and which way it goes (*dir). */
static struct cap_conn *
cap_conn_find(struct net_capture *c, const struct tcp_segment *s, int *dir)
{
	struct cap_conn *k;
	size_t i;

	for (i = 0; i < c->nconns; i++) {
		k = &c->conns[i];
		if (cap_addr_eq(&k->a, &s->src) && cap_addr_eq(&k->b, &s->dst)) {
			*dir = 0;
			return k;
		}
		if (cap_addr_eq(&k->b, &s->src) && cap_addr_eq(&k->a, &s->dst)) {
			*dir = 1;
			return k;
		}
	}
	/* A new one; past the limit the oldest slot is taken again. */
	if (c->nconns < CAP_CONNS_MAX) {
		c->conns = xreallocarray(c->conns, c->nconns + 1,
		    sizeof *c->conns);
		k = &c->conns[c->nconns++];
	} else {
		k = &c->conns[c->next];
		c->next = (c->next + 1) % CAP_CONNS_MAX;
	}
	memset(k, 0, sizeof *k);
	k->a = s->src;
	k->b = s->dst;
	k->last = -1;
	*dir = 0;
	return k;
}

/* seq a is after b, modulo 2^32 */
static bool
seq_after(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}

/*
 * Relative numbers, and what the segment repeats: a SYN whose sequence
 * number was sent before, data or a FIN below the highest sequence sent,
 * a bare ACK acknowledging nothing new (or only a new window).
 */
static void
cap_track(struct net_capture *c, struct tcp_segment *s, uint32_t seq,
    uint32_t ack)
{
	struct cap_conn *k;
	struct cap_dir *me, *peer;
	uint32_t used = s->len + ((s->flags & TH_SYN) ? 1 : 0) +
	    ((s->flags & TH_FIN) ? 1 : 0);
	int dir;

	k = cap_conn_find(c, s, &dir);
	me = &k->d[dir];
	peer = &k->d[!dir];
	/* A SYN with a new ISN on a known 4-tuple: a new connection. */
	if ((s->flags & TH_SYN) && !(s->flags & TH_ACK) && me->have_isn &&
	    me->isn != seq) {
		memset(k->d, 0, sizeof k->d);
		k->last = -1;
		if (dir == 1) {
			k->a = s->src;
			k->b = s->dst;
			me = &k->d[0];
			peer = &k->d[1];
		}
	}
	if ((s->flags & TH_SYN) && !me->have_isn) {
		me->have_isn = true;
		me->isn = seq;
	}
	s->seq_rel = me->have_isn;
	s->seq = me->have_isn ? seq - me->isn : seq;
	s->ack_rel = (s->flags & TH_ACK) && peer->have_isn;
	s->ack = s->ack_rel ? ack - peer->isn : (s->flags & TH_ACK) ? ack : 0;

	s->answers = (s->flags & TH_ACK) && k->last == !dir &&
	    peer->have_end && ack == peer->end;
	k->last = dir;
	s->again = SEG_NEW;
	if (used > 0) {
		if (me->have_end && !seq_after(seq + used, me->end))
			s->again = (s->flags & TH_SYN) ? SEG_SYN_AGAIN :
			    SEG_RESENT;
		if (!me->have_end || seq_after(seq + used, me->end))
			me->end = seq + used;
		me->have_end = true;
	} else if ((s->flags & (TH_ACK | TH_RST)) == TH_ACK) {
		if (me->have_ack && !seq_after(ack, me->ack))
			s->again = s->win != me->win ? SEG_WINDOW : SEG_DUP_ACK;
		else
			s->again = SEG_ACK;
	}
	if (s->flags & TH_ACK) {
		if (!me->have_ack || seq_after(ack, me->ack))
			me->ack = ack;
		me->have_ack = true;
	}
	me->win = s->win;
}

/* MSS, window scale and SACK-permitted from a SYN's options. */
static void
cap_syn_options(struct tcp_segment *s, const u_char *opt, size_t len)
{
	size_t i = 0, olen;

	while (i < len) {
		if (opt[i] == TCPOPT_EOL)
			break;
		if (opt[i] == TCPOPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= len || (olen = opt[i + 1]) < 2 || i + olen > len)
			break;
		if (opt[i] == TCPOPT_MAXSEG && olen == TCPOLEN_MAXSEG)
			s->mss = (uint16_t)(opt[i + 2] << 8 | opt[i + 3]);
		else if (opt[i] == TCPOPT_WINDOW && olen == TCPOLEN_WINDOW)
			s->wscale = opt[i + 2];
		else if (opt[i] == TCPOPT_SACK_PERMITTED)
			s->sack_ok = true;
		i += olen;
	}
}

static void
cap_set_addr(struct sockaddr_storage *ss, int family, const void *addr,
    uint16_t port_be)
{
	memset(ss, 0, sizeof *ss);
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = port_be;
		memcpy(&sin->sin_addr, addr, sizeof sin->sin_addr);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = port_be;
		memcpy(&sin6->sin6_addr, addr, sizeof sin6->sin6_addr);
	}
}

/* One captured frame (Linux cooked header, DLT_LINUX_SLL2) to a segment. */
static void
cap_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *p)
{
	struct net_capture *c = (struct net_capture *)user;
	struct sll2_header sll;
	struct tcp_segment s;
	struct tcphdr th;
	size_t caplen = h->caplen, off = SLL2_HDR_LEN, iplen, payload, thl;
	uint16_t proto;

	if (caplen < SLL2_HDR_LEN)
		return;
	memcpy(&sll, p, sizeof sll);
	proto = ntohs(sll.sll2_protocol);
	memset(&s, 0, sizeof s);
	s.wscale = -1;
	if (proto == 0x0800) {		/* ETHERTYPE_IP */
		struct ip ip;

		if (caplen < off + sizeof ip)
			return;
		memcpy(&ip, p + off, sizeof ip);
		if (ip.ip_p != IPPROTO_TCP || (ntohs(ip.ip_off) & 0x1fff))
			return;
		iplen = (size_t)ip.ip_hl * 4;
		payload = ntohs(ip.ip_len);
		if (iplen < sizeof ip || payload < iplen)
			return;
		payload -= iplen;
		off += iplen;
		if (caplen < off + sizeof th)
			return;
		memcpy(&th, p + off, sizeof th);
		cap_set_addr(&s.src, AF_INET, &ip.ip_src, th.th_sport);
		cap_set_addr(&s.dst, AF_INET, &ip.ip_dst, th.th_dport);
	} else if (proto == 0x86dd) {	/* ETHERTYPE_IPV6 */
		struct ip6_hdr ip6;

		if (caplen < off + sizeof ip6)
			return;
		memcpy(&ip6, p + off, sizeof ip6);
		/* No extension headers: the lab's own traffic has none. */
		if (ip6.ip6_nxt != IPPROTO_TCP)
			return;
		payload = ntohs(ip6.ip6_plen);
		off += sizeof ip6;
		if (caplen < off + sizeof th)
			return;
		memcpy(&th, p + off, sizeof th);
		cap_set_addr(&s.src, AF_INET6, &ip6.ip6_src, th.th_sport);
		cap_set_addr(&s.dst, AF_INET6, &ip6.ip6_dst, th.th_dport);
	} else
		return;
	thl = (size_t)th.th_off * 4;
	if (thl < sizeof th || payload < thl)
		return;
	s.len = (uint32_t)(payload - thl);
	s.flags = th.th_flags;
	s.win = ntohs(th.th_win);
	if ((s.flags & TH_SYN) && caplen >= off + thl)
		cap_syn_options(&s, p + off + sizeof th, thl - sizeof th);
	cap_track(c, &s, ntohl(th.th_seq), ntohl(th.th_ack));
	c->fn(c->arg, &s);
}

struct net_capture *
net_capture_open(char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	struct bpf_program prog;
	struct net_capture *c;
	const char *env;
	char filter[80];
	pcap_t *p;
	int rc, bytes = 0;

	if ((p = pcap_create("any", ebuf)) == NULL) {
		snprintf(err, errlen, "libpcap: %s", ebuf);
		return NULL;
	}
	/* SOCKSTEP_CAPTURE_BUFFER: a ring small enough to overflow (tests) */
	if ((env = getenv("SOCKSTEP_CAPTURE_BUFFER")) != NULL)
		bytes = (int)strtonum(env, 4096, CAP_BUFFER, NULL);
	if (pcap_set_snaplen(p, CAP_SNAPLEN) != 0 ||
	    pcap_set_immediate_mode(p, 1) != 0 ||
	    pcap_set_buffer_size(p, bytes != 0 ? bytes : CAP_BUFFER) != 0)
		goto fail;
	if ((rc = pcap_activate(p)) < 0) {
		if (rc == PCAP_ERROR_PERM_DENIED)
			snprintf(err, errlen, "%s", _("no permission to capture "
			    "(CAP_NET_RAW) in this network namespace"));
		else
			snprintf(err, errlen, "libpcap: %s", pcap_geterr(p));
		pcap_close(p);
		return NULL;
	}
	/* Cooked headers, version 2: every interface the same, lo and a
	 * veth alike, and the interface's index for the filter. */
	if (pcap_set_datalink(p, DLT_LINUX_SLL2) != 0) {
		snprintf(err, errlen, "libpcap: no Linux cooked v2 headers: "
		    "%s", pcap_geterr(p));
		pcap_close(p);
		return NULL;
	}
	/*
	 * The outgoing copy on lo is dropped in the kernel, not only by
	 * libpcap in user space: else it takes room in the ring and a ring
	 * that overflows counts each segment lost twice.
	 */
	snprintf(filter, sizeof filter, "tcp and not (outbound and ifindex "
	    "%u)", if_nametoindex("lo"));
	if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0)
		goto fail;
	rc = pcap_setfilter(p, &prog);
	pcap_freecode(&prog);
	if (rc != 0 || pcap_setnonblock(p, 1, ebuf) != 0)
		goto fail;
	c = xcalloc(1, sizeof *c);
	c->pcap = p;
	if ((c->fd = pcap_get_selectable_fd(p)) == -1) {
		free(c);
		goto fail;
	}
	/* libpcap opens it without O_CLOEXEC: no traced program gets it. */
	(void)fcntl(c->fd, F_SETFD, FD_CLOEXEC);
	return c;
fail:
	snprintf(err, errlen, "libpcap: %s", ebuf[0] != '\0' ? ebuf :
	    pcap_geterr(p));
	pcap_close(p);
	return NULL;
}

void
net_capture_close(struct net_capture *c)
{
	if (c == NULL)
		return;
	pcap_close(c->pcap);
	free(c->conns);
	free(c);
}

int
net_capture_fd(const struct net_capture *c)
{
	return c != NULL ? c->fd : -1;
}

/* Every segment the ring holds now, in order; never waits. */
int
net_capture_drain(struct net_capture *c,
    void (*fn)(void *, const struct tcp_segment *), void *arg)
{
	int n;

	c->fn = fn;
	c->arg = arg;
	/* One call takes every frame the ring holds (a second would only
	 * poll an empty ring: a system call a step). */
	n = pcap_dispatch(c->pcap, -1, cap_packet, (u_char *)c);
	return n < 0 && n != PCAP_ERROR_BREAK ? -1 : n;
}

/* Frames the ring had no room for (the kernel's count), since the start. */
uint64_t
net_capture_lost(struct net_capture *c)
{
	struct pcap_stat st;

	if (c == NULL || pcap_stats(c->pcap, &st) != 0)
		return 0;
	return st.ps_drop;
}
