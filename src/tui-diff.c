/*
 * tui-diff.c - what the last step changed in the kernel: the snapshot
 * taken just before it, and for each socket now the words that mark
 * the difference, shown in the "changed" colour: "NEW", "was
 * SYN-SENT", "NEW ADDRESS", "+1 (was 0)" on a listener's queue, "SYN
 * queue +1", "+1 resent", and "+1 (was 1)" on ListenOverflows.
 */
#include <netinet/in.h>

#include <stdlib.h>
#include <string.h>

#include "tui.h"

/* Take the kernel as it is now: what the next step is compared with. */
void
tui_kernel_remember(struct tui *t)
{
	const struct kview *kv;

	lab_kernel_invalidate(t->d.s.lab);
	kv = lab_kernel(t->d.s.lab);
	free(t->prev);
	t->prev = xreallocarray(NULL, kv->nsocks + 1, sizeof *t->prev);
	if (kv->nsocks > 0)
		memcpy(t->prev, kv->socks, kv->nsocks * sizeof *t->prev);
	t->nprev = kv->nsocks;
	t->have_prev = true;
	t->prev_netstat_ok = kv->netstat_ok;
	t->prev_overflows = kv->listen_overflows;
}

/* Family, address and port; never the padding, which nobody cleared. */
bool
tui_addr_same(const struct sockaddr_storage *a,
    const struct sockaddr_storage *b)
{
	const struct sockaddr_in *a4 = (const void *)a, *b4 = (const void *)b;
	const struct sockaddr_in6 *a6 = (const void *)a, *b6 = (const void *)b;

	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET)
		return a4->sin_port == b4->sin_port &&
		    a4->sin_addr.s_addr == b4->sin_addr.s_addr;
	if (a->ss_family == AF_INET6)
		return a6->sin6_port == b6->sin6_port &&
		    memcmp(&a6->sin6_addr, &b6->sin6_addr,
		    sizeof a6->sin6_addr) == 0;
	return true;
}

/* Sockets with no fd (accept queue, TIME-WAIT) are known by addresses. */
bool
tui_ksock_same(const struct ksock *a, const struct ksock *b)
{
	if (a->inode != 0 || b->inode != 0)
		return a->inode == b->inode;
	return tui_addr_same(&a->local, &b->local) &&
	    tui_addr_same(&a->peer, &b->peer);
}

const struct ksock *
tui_prev_of(const struct tui *t, const struct ksock *k)
{
	size_t i;

	for (i = 0; i < t->nprev; i++)
		if (tui_ksock_same(&t->prev[i], k))
			return &t->prev[i];
	return NULL;
}

/* The change tag for a row ("NEW", "was SYN-SENT", "+1 (was 0)"), or
 * nothing when it did not change. */
void
tui_kernel_change(struct sbuf *b, struct tui *t, const struct ksock *k)
{
	const struct ksock *p;

	if (!t->have_prev)
		return;
	if ((p = tui_prev_of(t, k)) == NULL)
		sbuf_add(b, _("NEW"));
	else if (p->state != k->state && p->in_diag)
		sbuf_addf(b, _("was %s"), tcp_state_name(p->state));
	else if (!p->in_diag && k->in_diag)
		sbuf_add(b, _("NEW ADDRESS"));
	else if (k->state == TCP_LISTEN_STATE && p->rqueue != k->rqueue)
		sbuf_addf(b, _("%+d (was %u)"), (int)k->rqueue - (int)p->rqueue,
		    p->rqueue);
	else if (k->state == TCP_LISTEN_STATE && p->synq != k->synq)
		sbuf_addf(b, _("SYN queue %+d (was %u)"), (int)k->synq -
		    (int)p->synq, p->synq);
	/* A retransmission is a timer's doing, not a call's: worth a mark
	 * (a SYN sent again to a full queue, lesson 5). */
	else if (k->has_info && p->has_info &&
	    k->total_retrans > p->total_retrans)
		sbuf_addf(b, _("%+d resent"), (int)(k->total_retrans -
		    p->total_retrans));
}

void
tui_netstat_change(struct sbuf *b, struct tui *t, const struct kview *kv)
{
	if (t->have_prev && t->prev_netstat_ok && kv->netstat_ok &&
	    kv->listen_overflows != t->prev_overflows)
		sbuf_addf(b, _("%+lld (was %llu)"), (long long)
		    (kv->listen_overflows - t->prev_overflows),
		    (unsigned long long)t->prev_overflows);
}
