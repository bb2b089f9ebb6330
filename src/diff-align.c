/*
 * diff-align.c - where two runs part (diff.h).  Each task's calls are
 * aligned with the same task's in the reference by a longest common
 * subsequence of their tokens ("accept:L:ok": the call, the role of its
 * socket, its outcome), not step by step: one extra call is one gap,
 * and all after it still lines up.  Then the calls that line up are
 * compared in what the tokens leave out, in the order the student's
 * run made them: ports and addresses (a run on another lab port is the
 * same run, so ports map one to one; a port that is the reference's
 * bytes swapped is a missing htons()), bytes written, the kernel's
 * state of the socket.  Nothing that changes from run to run of the
 * same programs is compared: pids, fd numbers (roles instead),
 * ephemeral ports, pointers.
 */
#include <stdlib.h>
#include <string.h>

#include "diff.h"

/* Calls that leave the socket as it was for the peer: an extra or a
 * missing one is no divergence (a careful student's setsockopt()). */
static const char *const harmless[] = {
	"getsockname", "getpeername", "setsockopt", "getsockopt", "fcntl",
};

/* Beyond this many calls a task is compared by its first ones only:
 * the table is n * m. */
#define MAXALIGN	3000

enum op { OP_MATCH, OP_DEL, OP_INS };
struct aop {
	enum op	 op;
	size_t	 i, j;		/* ref item, got item */
};

static bool
is_harmless(const struct titem *it)
{
	size_t i;

	for (i = 0; i < sizeof harmless / sizeof harmless[0]; i++)
		if (strcmp(it->family, harmless[i]) == 0)
			return true;
	return false;
}

/* The walk through both tasks: matches and gaps, in order. */
static struct aop *
align(const struct ttask *r, const struct ttask *g, size_t *nops)
{
	size_t n = r->nitems < MAXALIGN ? r->nitems : MAXALIGN;
	size_t m = g->nitems < MAXALIGN ? g->nitems : MAXALIGN;
	unsigned short *dp = xcalloc((n + 1) * (m + 1), sizeof *dp);
	struct aop *ops = xreallocarray(NULL, n + m + 1, sizeof *ops);
	size_t i, j, k = 0;

#define DP(a, b) dp[(a) * (m + 1) + (b)]
	/* DP(i, j): the longest common subsequence of the suffixes. */
	for (i = n; i-- > 0;)
		for (j = m; j-- > 0;)
			DP(i, j) = strcmp(r->items[i].token,
			    g->items[j].token) == 0 ? DP(i + 1, j + 1) + 1 :
			    DP(i + 1, j) >= DP(i, j + 1) ? DP(i + 1, j) :
			    DP(i, j + 1);
	for (i = 0, j = 0; i < n || j < m;) {
		if (i < n && j < m && strcmp(r->items[i].token,
		    g->items[j].token) == 0 &&
		    DP(i, j) == DP(i + 1, j + 1) + 1)
			ops[k++] = (struct aop){ OP_MATCH, i++, j++ };
		else if (i < n && (j == m || DP(i + 1, j) >= DP(i, j + 1)))
			ops[k++] = (struct aop){ OP_DEL, i++, j };
		else
			ops[k++] = (struct aop){ OP_INS, i, j++ };
	}
#undef DP
	free(dp);
	*nops = k;
	return ops;
}

static void
div_set(struct tdiv *d, enum tdiv_kind kind, const struct ttask *rt,
    const struct ttask *gt, const struct titem *ri, const struct titem *gi,
    unsigned long at)
{
	memset(d, 0, sizeof *d);
	d->kind = kind;
	d->rtask = rt;
	d->gtask = gt;
	d->ref = ri;
	d->got = gi;
	d->at = at;
}

/* In the student's order: just before its item j, or after its last. */
static unsigned long
at_before(const struct ttask *g, size_t j)
{
	if (j < g->nitems)
		return 2 * g->items[j].seq - 1;
	return g->nitems > 0 ? 2 * g->items[g->nitems - 1].seq + 1 :
	    (unsigned long)-1 / 2;
}

/*
 * A gap: the reference's calls ops[a..b) has and the student's has not,
 * and the other way round.  The first of each that counts; the same call
 * on both sides is one call that went otherwise.
 */
static bool
gap_div(const struct ttask *rt, const struct ttask *gt,
    const struct aop *ops, size_t a, size_t b, size_t nops, struct tdiv *d)
{
	const struct titem *del = NULL, *ins = NULL, *next = NULL;
	size_t k, jnext = gt->nitems;

	for (k = a; k < b; k++) {
		if (ops[k].op == OP_DEL && del == NULL &&
		    !is_harmless(&rt->items[ops[k].i]))
			del = &rt->items[ops[k].i];
		if (ops[k].op == OP_INS && ins == NULL &&
		    !is_harmless(&gt->items[ops[k].j]))
			ins = &gt->items[ops[k].j];
	}
	if (del == NULL && ins == NULL)
		return false;
	for (k = a; k < nops; k++)
		if (ops[k].op != OP_DEL) {
			jnext = ops[k].j;
			break;
		}
	if (jnext < gt->nitems)
		next = &gt->items[jnext];
	if (del != NULL && ins != NULL && strcmp(del->family,
	    ins->family) == 0) {
		enum tdiv_kind kind = DV_RESULT;

		if (del->kind == TI_EXIT)
			kind = DV_EXIT;
		else if (del->role != ins->role)
			kind = DV_ROLE;
		div_set(d, kind, rt, gt, del, ins, 2 * ins->seq);
	} else if (del != NULL) {
		/* The next call of the student's is the same on another
		 * socket: the wrong one closed, not a call left out. */
		div_set(d, DV_MISSING, rt, gt, del, next, at_before(gt,
		    jnext));
		if (next != NULL && strcmp(next->family, del->family) == 0 &&
		    next->role != del->role)
			d->kind = DV_ROLE;
	} else
		div_set(d, DV_EXTRA, rt, gt, NULL, ins, 2 * ins->seq);
	return true;
}

/* "{AF_INET, 127.0.0.1:9190}" -> "127.0.0.1", 9190; false for others. */
static bool
addr_parse(const char *arg, char *host, size_t hostsz, long *port)
{
	const char *p, *colon, *end;
	char *e;

	if (arg == NULL || strncmp(arg, "{AF_INET", 8) != 0 ||
	    (p = strstr(arg, ", ")) == NULL ||
	    (end = strrchr(arg, '}')) == NULL || end < p ||
	    (colon = memrchr(p, ':', (size_t)(end - p))) == NULL)
		return false;
	p += 2;
	if ((size_t)(colon - p) >= hostsz)
		return false;
	memcpy(host, p, (size_t)(colon - p));
	host[colon - p] = '\0';
	*port = strtol(colon + 1, &e, 10);
	return e == end;
}

/* A one-to-one map, student's value to the reference's: the same
 * programs on another lab port or address are the same run. */
struct vmap {
	char	(*from)[64];
	char	(*to)[64];
	size_t	  n;
};

/* 1: maps as before or newly; 0: the value maps to another. */
static int
vmap_same(struct vmap *m, const char *got, const char *ref)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		if (strcmp(m->from[i], got) == 0)
			return strcmp(m->to[i], ref) == 0;
		if (strcmp(m->to[i], ref) == 0)
			return 0;
	}
	m->from = xreallocarray(m->from, m->n + 1, sizeof *m->from);
	m->to = xreallocarray(m->to, m->n + 1, sizeof *m->to);
	strlcpy(m->from[m->n], got, sizeof m->from[m->n]);
	strlcpy(m->to[m->n], ref, sizeof m->to[m->n]);
	m->n++;
	return 1;
}

/* "1.0.0.127" for "127.0.0.1": the address's bytes the other way. */
static void
addr_swapped(const char *a, char *out, size_t outsz)
{
	unsigned b[4];

	if (sscanf(a, "%u.%u.%u.%u", &b[0], &b[1], &b[2], &b[3]) != 4)
		strlcpy(out, "", outsz);
	else
		snprintf(out, outsz, "%u.%u.%u.%u", b[3], b[2], b[1], b[0]);
}

struct maps {
	struct vmap	 ports, addrs;
	const struct trun *ref, *got;
};

static long
bswap16(long port)
{
	return ((port & 0xff) << 8) | ((port >> 8) & 0xff);
}

/* Some program of the run named the port in a bind() or connect(). */
static bool
run_names_port(const struct trun *run, long port)
{
	size_t i;

	for (i = 0; i < run->nnports; i++)
		if (run->nports[i] == port)
			return true;
	return false;
}

/*
 * The call was made at the same place of the same source file in both
 * runs: the reference's own program.  When the runs' lab ports differ,
 * of two ports in the student's run that are each other's bytes swapped
 * the wrong one is not that program's.
 */
static bool
same_program(const struct titem *ri, const struct titem *gi)
{
	return ri->path != NULL && gi->path != NULL && ri->src != NULL &&
	    gi->src != NULL && strcmp(ri->path, gi->path) == 0 &&
	    strcmp(ri->src, gi->src) == 0;
}

static bool
addr_wild(const char *a)
{
	return strcmp(a, "0.0.0.0") == 0 || strcmp(a, "::") == 0;
}

/* bind(), connect(): the address a program named. */
static bool
addr_div(struct maps *mp, const struct titem *ri, const struct titem *gi,
    struct tdiv *d)
{
	char rh[64], gh[64], sw[64], rp[16], gp[16];
	long rport, gport;

	if (ri->nargs < 2 || gi->nargs < 2 ||
	    !addr_parse(ri->args[1], rh, sizeof rh, &rport) ||
	    !addr_parse(gi->args[1], gh, sizeof gh, &gport))
		return false;
	snprintf(rp, sizeof rp, "%ld", rport);
	snprintf(gp, sizeof gp, "%ld", gport);
	addr_swapped(rh, sw, sizeof sw);
	/* The port first: another address alone is a soft difference. */
	if (strcmp(rh, gh) != 0 && strcmp(sw, gh) == 0 &&
	    strcmp(rh, sw) != 0)
		d->kind = DV_HTONL;
	/* A port whose two bytes are equal (41377, 0xa1a1) is its own
	 * bytes swapped: that says nothing of htons(). */
	else if (gport != rport && gport != bswap16(gport) &&
	    (gport == bswap16(rport) || (run_names_port(mp->got,
	    bswap16(gport)) && !same_program(ri, gi)))) {
		/* What the port should have been: in the student's run
		 * (the lab's port may differ from the reference's). */
		d->kind = DV_HTONS;
		snprintf(rp, sizeof rp, "%ld", bswap16(gport));
	}
	else if (vmap_same(&mp->ports, gp, rp) == 0)
		d->kind = DV_PORT;
	/* A wildcard bind() (the book's INADDR_ANY) against one address
	 * is the same listener to a client of that address: not mapped,
	 * or every later address would part the runs. */
	else if (!addr_wild(rh) && !addr_wild(gh) &&
	    vmap_same(&mp->addrs, gh, rh) == 0)
		d->kind = DV_ADDR;
	else
		return false;
	if (d->kind == DV_HTONL || d->kind == DV_ADDR) {
		strlcpy(d->what[0], rh, sizeof d->what[0]);
		strlcpy(d->what[1], gh, sizeof d->what[1]);
	} else {
		strlcpy(d->what[0], rp, sizeof d->what[0]);
		strlcpy(d->what[1], gp, sizeof d->what[1]);
	}
	return true;
}

static bool
args_differ(const struct titem *ri, const struct titem *gi, unsigned from,
    unsigned to)
{
	unsigned k;

	for (k = from; k < to && k < ri->nargs && k < gi->nargs; k++)
		if (strcmp(ri->args[k], gi->args[k]) != 0)
			return true;
	return ri->nargs != gi->nargs;
}

/* "AF_INET, SOCK_STREAM, 0": the arguments from the first compared. */
static void
args_join(const struct titem *it, unsigned from, char *out, size_t outsz)
{
	unsigned k;

	out[0] = '\0';
	for (k = from; k < it->nargs; k++) {
		if (k > from)
			strlcat(out, ", ", outsz);
		strlcat(out, it->args[k], outsz);
	}
}

/* The bytes written, but for the ports the kernel chose in each run. */
static bool
data_differ(const struct maps *mp, const struct titem *ri,
    const struct titem *gi)
{
	char *a, *b;
	bool differ;

	if (ri->nargs < 2 || gi->nargs < 2)
		return false;
	a = trun_mask_ports(mp->ref, ri->args[1]);
	b = trun_mask_ports(mp->got, gi->args[1]);
	differ = strcmp(a, b) != 0;
	free(a);
	free(b);
	return differ;
}

/* Two calls that line up: what their tokens do not say. */
static bool
pair_div(struct maps *mp, const struct titem *ri, const struct titem *gi,
    struct tdiv *d)
{
	const char *f = ri->family;

	d->kind = DV_NONE;
	if (ri->kind != TI_CALL || !gi->returned)
		return false;
	if ((strcmp(f, "bind") == 0 || strcmp(f, "connect") == 0) &&
	    addr_div(mp, ri, gi, d))
		return true;
	/* The fd argument is a number that may differ; the rest not. */
	if ((strcmp(f, "socket") == 0 && args_differ(ri, gi, 0, 3)) ||
	    ((strcmp(f, "shutdown") == 0 || strcmp(f, "listen") == 0) &&
	    args_differ(ri, gi, 1, 2))) {
		d->kind = DV_ARGS;
		args_join(ri, strcmp(f, "socket") == 0 ? 0 : 1, d->what[0],
		    sizeof d->what[0]);
		args_join(gi, strcmp(f, "socket") == 0 ? 0 : 1, d->what[1],
		    sizeof d->what[1]);
	} else if (strcmp(f, "write") == 0 && strcmp(ri->call,
	    gi->call) == 0 && ri->err == NULL && gi->err == NULL &&
	    (ri->ret != gi->ret ||
	    data_differ(mp, ri, gi))) {
		d->kind = DV_DATA;
		snprintf(d->what[0], sizeof d->what[0], "%s", ri->nargs > 1 ?
		    ri->args[1] : "?");
		snprintf(d->what[1], sizeof d->what[1], "%s", gi->nargs > 1 ?
		    gi->args[1] : "?");
	} else if ((strcmp(f, "listen") == 0 || strcmp(f, "connect") == 0 ||
	    strcmp(f, "accept") == 0) && ri->kstate != NULL &&
	    gi->kstate != NULL && strcmp(ri->kstate, gi->kstate) != 0) {
		d->kind = DV_KSTATE;
		strlcpy(d->what[0], ri->kstate, sizeof d->what[0]);
		strlcpy(d->what[1], gi->kstate, sizeof d->what[1]);
	}
	return d->kind != DV_NONE;
}

/* Each task's first divergence, by the tokens and then the details. */
struct cand {
	struct tdiv	 d;
	const char	*side;
};

static void
cand_add(struct cand **c, size_t *n, const struct tdiv *d, const char *side)
{
	*c = xreallocarray(*c, *n + 1, sizeof **c);
	(*c)[*n].d = *d;
	(*c)[*n].side = side;
	(*n)++;
}

struct pair {
	const struct ttask	*rt, *gt;
	const struct titem	*ri, *gi;
};

static int
pair_cmp(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;

	return x->gi->seq < y->gi->seq ? -1 : x->gi->seq > y->gi->seq;
}

void
tdiff_align(const struct trun *ref, const struct trun *got,
    struct tdiv *first, struct tdiv *then)
{
	struct cand *c = NULL;
	struct pair *pairs = NULL;
	struct maps mp;
	struct tdiv d, soft;
	size_t nc = 0, np = 0, t, k, a, nops;
	const struct cand *best = NULL, *next = NULL;
	bool *seen;

	memset(&mp, 0, sizeof mp);
	mp.ref = ref;
	mp.got = got;
	memset(&soft, 0, sizeof soft);
	memset(first, 0, sizeof *first);
	memset(then, 0, sizeof *then);
	for (t = 0; t < ref->ntasks; t++) {
		const struct ttask *rt = &ref->tasks[t];
		const struct ttask *gt = trun_task(got, rt->name);
		struct aop *ops;

		if (gt == NULL) {
			div_set(&d, DV_TASK_MISSING, rt, NULL, NULL, NULL,
			    (unsigned long)-1 / 2);
			cand_add(&c, &nc, &d, rt->side);
			continue;
		}
		ops = align(rt, gt, &nops);
		for (k = 0; k < nops;) {
			if (ops[k].op == OP_MATCH) {
				pairs = xreallocarray(pairs, np + 1,
				    sizeof *pairs);
				pairs[np++] = (struct pair){ rt, gt,
				    &rt->items[ops[k].i], &gt->items[ops[k].j] };
				k++;
				continue;
			}
			for (a = k; k < nops && ops[k].op != OP_MATCH; k++)
				;
			if (gap_div(rt, gt, ops, a, k, nops, &d)) {
				cand_add(&c, &nc, &d, rt->side);
				/* The same call that went otherwise: its
				 * arguments may say why (a port). */
				if (d.kind == DV_RESULT || d.kind == DV_ROLE) {
					pairs = xreallocarray(pairs, np + 1,
					    sizeof *pairs);
					pairs[np++] = (struct pair){ rt, gt,
					    d.ref, d.got };
				}
				break;
			}
		}
		free(ops);
	}
	for (t = 0; t < got->ntasks; t++)
		if (trun_task(ref, got->tasks[t].name) == NULL &&
		    got->tasks[t].nitems > 0) {
			div_set(&d, DV_TASK_EXTRA, NULL, &got->tasks[t], NULL,
			    &got->tasks[t].items[0],
			    2 * got->tasks[t].items[0].seq);
			cand_add(&c, &nc, &d, got->tasks[t].side);
		}
	/* The details, in the order the student's run made the calls:
	 * the first port seen maps the lab's port of one run to the
	 * other's.  A task's first only. */
	if (np > 0)
		qsort(pairs, np, sizeof *pairs, pair_cmp);
	seen = xcalloc(got->ntasks + 1, sizeof *seen);
	for (k = 0; k < np; k++) {
		size_t ti = (size_t)(pairs[k].gt - got->tasks);

		if (seen[ti] || !pair_div(&mp, pairs[k].ri, pairs[k].gi, &d))
			continue;
		/* Another address to bind or connect to (INADDR_ANY for
		 * 127.0.0.1, the lab's other host) is told only when
		 * nothing else parts the runs: it often does no harm. */
		if (d.kind == DV_ADDR) {
			if (soft.kind == DV_NONE) {
				soft = d;
				soft.rtask = pairs[k].rt;
				soft.gtask = pairs[k].gt;
				soft.ref = pairs[k].ri;
				soft.got = pairs[k].gi;
				soft.at = 2 * pairs[k].gi->seq;
			}
			continue;
		}
		d.rtask = pairs[k].rt;
		d.gtask = pairs[k].gt;
		d.ref = pairs[k].ri;
		d.got = pairs[k].gi;
		/* Other arguments come before the result they brought (a
		 * connect() refused for its port says the port); the state
		 * the kernel shows, after it. */
		d.at = 2 * pairs[k].gi->seq - (d.kind != DV_KSTATE);
		cand_add(&c, &nc, &d, pairs[k].gt->side);
		seen[ti] = true;
	}
	free(seen);
	for (k = 0; k < nc; k++)
		if (best == NULL || c[k].d.at < best->d.at)
			best = &c[k];
	for (k = 0; best != NULL && k < nc; k++)
		if (strcmp(c[k].side, best->side) != 0 &&
		    c[k].d.at > best->d.at &&
		    (next == NULL || c[k].d.at < next->d.at))
			next = &c[k];
	if (best != NULL)
		*first = best->d;
	else if (soft.kind != DV_NONE)
		*first = soft;
	if (next != NULL)
		*then = next->d;
	free(c);
	free(pairs);
	free(mp.ports.from);
	free(mp.ports.to);
	free(mp.addrs.from);
	free(mp.addrs.to);
}
