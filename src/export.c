/*
 * export.c - `sockstep batch --export mermaid|markdown`: the run's
 * events turned into a diagram or a handout instead of a transcript.
 * This file holds what the two formats share, and follows the
 * connections (which side is at the other end of a descriptor) so the
 * diagram can draw bytes and FINs between sides.
 */
#include <netinet/in.h>

#include <string.h>

#include "export.h"

int
export_fmt_parse(const char *s, int *fmt)
{
	if (strcmp(s, "mermaid") == 0)
		*fmt = EXPORT_MERMAID;
	else if (strcmp(s, "markdown") == 0 || strcmp(s, "md") == 0)
		*fmt = EXPORT_MARKDOWN;
	else
		return -1;
	return 0;
}

/* The lab side whose socket has this local address, -1 if none. */
int
export_peer_of_addr(struct lab *lab, const struct sockaddr_storage *addr)
{
	const struct kview *kv = lab_kernel(lab);
	struct sbuf a, b;
	size_t i;
	int side = -1;

	sbuf_init(&a);
	sbuf_init(&b);
	sc_format_addr_port(&a, addr);
	for (i = 0; i < kv->nsocks && side == -1; i++) {
		if (kv->socks[i].side < 0 ||
		    kv->socks[i].state == TCP_LISTEN_STATE)
			continue;
		sbuf_reset(&b);
		sc_format_addr_port(&b, &kv->socks[i].local);
		if (strcmp(sbuf_str(&a), sbuf_str(&b)) == 0)
			side = kv->socks[i].side;
	}
	sbuf_finish(&a);
	sbuf_finish(&b);
	return side;
}

int
export_peer(const struct export *x, int side, int fd)
{
	if (side < 0 || side > SOCKSTEP_MAX_CLIENTS || fd < 0 ||
	    fd >= EXPORT_MAX_FD)
		return -1;
	return x->peer[side][fd];
}

static void
export_set_peer(struct export *x, int side, int fd, int peer)
{
	if (side >= 0 && side <= SOCKSTEP_MAX_CLIENTS && fd >= 0 &&
	    fd < EXPORT_MAX_FD)
		x->peer[side][fd] = (signed char)peer;
}

static bool
export_same_end(const struct sockaddr_storage *a,
    const struct sockaddr_storage *b)
{
	struct sbuf x, y;
	bool same;

	sbuf_init(&x);
	sbuf_init(&y);
	sc_format_addr_port(&x, a);
	sc_format_addr_port(&y, b);
	same = strcmp(sbuf_str(&x), sbuf_str(&y)) == 0;
	sbuf_finish(&x);
	sbuf_finish(&y);
	return same;
}

static void
export_add_end(struct export *x, const struct sockaddr_storage *addr,
    int side)
{
	size_t i;

	if (side < 0)
		return;
	for (i = 0; i < x->nends; i++)
		if (export_same_end(&x->ends[i].addr, addr)) {
			x->ends[i].side = side;
			return;
		}
	i = x->nends < EXPORT_MAX_FD ? x->nends++ : x->next_end++ %
	    EXPORT_MAX_FD;
	x->ends[i].addr = *addr;
	x->ends[i].side = side;
}

/* A listener bound to every address (0.0.0.0, ::): its port is enough. */
static bool
export_wild_end(const struct sockaddr_storage *w,
    const struct sockaddr_storage *a)
{
	const struct sockaddr_in *w4 = (const void *)w, *a4 = (const void *)a;
	const struct sockaddr_in6 *w6 = (const void *)w, *a6 = (const void *)a;

	if (w->ss_family == AF_INET && a->ss_family == AF_INET)
		return w4->sin_addr.s_addr == htonl(INADDR_ANY) &&
		    w4->sin_port == a4->sin_port;
	if (w->ss_family == AF_INET6 && a->ss_family == AF_INET6)
		return IN6_IS_ADDR_UNSPECIFIED(&w6->sin6_addr) &&
		    w6->sin6_port == a6->sin6_port;
	return false;
}

static int
export_seg_side(const struct export *x, const struct sockaddr_storage *addr)
{
	size_t i;

	for (i = 0; i < x->nends; i++)
		if (export_same_end(&x->ends[i].addr, addr))
			return x->ends[i].side;
	for (i = 0; i < x->nends; i++)
		if (export_wild_end(&x->ends[i].addr, addr))
			return x->ends[i].side;
	return -1;
}

void
export_seg_sides(const struct export *x, const struct tcp_segment *s,
    int *from, int *to)
{
	int by = -1;
	unsigned i;

	*from = export_seg_side(x, &s->src);
	*to = export_seg_side(x, &s->dst);
	for (i = 0; i < 16 && s->cause == SEG_BY_STEP; i++)
		if (x->calls[i].seq == s->cause_seq && s->cause_seq != 0)
			by = x->calls[i].side;
	if (*from == -1 && *to != by)
		*from = by;
	else if (*to == -1 && *from != by)
		*to = by;
}

void
export_seg_cause(struct sbuf *b, const struct tcp_segment *s)
{
	if (s->cause == SEG_BY_TIMER)
		sbuf_addf(b, " (timer: %s)", seg_why_words(s));
	else if (s->cause == SEG_BY_END)
		sbuf_addf(b, " (%s)", seg_why_words(s));
}

void
export_track(struct export *x, struct lab *lab, const struct lab_event *ev)
{
	const struct sc_call *c = ev->call;
	const char *name;
	int side, fd;

	if (ev->type == LEV_CALL && ev->side != NULL) {
		x->calls[x->ncalls % 16].seq = ev->seq;
		x->calls[x->ncalls++ % 16].side = ev->side->index;
	}
	if (ev->type != LEV_RETURN || c == NULL || ev->side == NULL ||
	    c->err != 0)
		return;
	name = c->desc->name;
	side = ev->side->index;
	fd = (int)c->args[0];
	if (ev->local_source != ADDR_NONE)
		export_add_end(x, &ev->local, side);
	if (strcmp(name, "connect") == 0)
		/* In the accept queue for now: the listening side's. */
		export_set_peer(x, side, fd, lab_side_name(lab, 0) != NULL ?
		    0 : -1);
	else if (strncmp(name, "accept", 6) == 0 && c->ret >= 0)
		export_set_peer(x, side, (int)c->ret, ev->peer_source !=
		    ADDR_NONE ? export_peer_of_addr(lab, &ev->peer) : -1);
	else if (strcmp(name, "close") == 0)
		export_set_peer(x, side, fd, -1);
}

void
export_queue_words(struct sbuf *b, const struct kview *kv)
{
	size_t i;

	for (i = 0; i < kv->nsocks; i++) {
		const struct ksock *k = &kv->socks[i];

		if (k->state != TCP_LISTEN_STATE)
			continue;
		if (b->len > 0)
			sbuf_add(b, ", ");
		listener_queue_words(b, k, NULL);
	}
}

void
export_begin(struct export *x)
{
	sbuf_init(&x->body);
	sbuf_init(&x->queue);
	memset(x->peer, -1, sizeof x->peer);
}

void
export_put_body(struct export *x)
{
	fputs(sbuf_str(&x->body), x->o.out);
	sbuf_reset(&x->body);
}

void
export_finish(struct output *o)
{
	struct export *x = (struct export *)o;

	sbuf_finish(&x->body);
	sbuf_finish(&x->queue);
}
