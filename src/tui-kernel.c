/*
 * tui-kernel.c - what the kernel holds now, read fresh (sock_diag,
 * /proc, getsockname): each listener with its accept queue, each socket
 * with state, owner and addresses, connections waiting to be accepted,
 * and the client's address with where it came from.  Whatever differs
 * from the snapshot taken before the last step is marked (tui-diff.c).
 */
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui.h"

#define COL_OWNER	12
#define COL_ADDR	28

static bool
addr_has_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ((const struct sockaddr_in *)ss)->sin_port != 0;
	if (ss->ss_family == AF_INET6)
		return ((const struct sockaddr_in6 *)ss)->sin6_port != 0;
	return false;
}

static void
tui_owner(struct sbuf *b, struct tui *t, const struct ksock *k)
{
	struct side *side = k->side >= 0 ? session_side(&t->d.s, k->side) : NULL;

	if (k->in_accept_queue)
		sbuf_add(b, _("in accept queue"));
	else if (side == NULL && k->state == TCP_SYN_RECV)
		sbuf_add(b, _("half-open"));
	else if (side == NULL)
		sbuf_add(b, _("no process"));
	else	/* the process that holds it: its task's name */
		sbuf_addf(b, "%s fd %d", lab_task_name(t->d.s.lab, k->pid) !=
		    NULL ? lab_task_name(t->d.s.lab, k->pid) : side->name,
		    k->fd);
}

static void
tui_kernel_row(struct tui *t, int y, int x, int w, const struct ksock *k)
{
	struct sbuf b;
	int cx;

	sbuf_init(&b);
	tui_style(tui_state_role(k->state));
	tui_put(y, x, COL_OWNER - 1, tcp_state_name(k->state));
	tui_style(k->in_accept_queue ? TR_QUEUE : TR_NORMAL);
	tui_owner(&b, t, k);
	tui_put(y, x + COL_OWNER, COL_ADDR - COL_OWNER - 1, sbuf_str(&b));
	tui_style(TR_NORMAL);
	sbuf_reset(&b);
	if (!k->in_diag)
		sbuf_add(&b, _("no address yet (not bound)"));
	else {
		sc_format_addr_port(&b, &k->local);
		if (addr_has_port(&k->peer)) {
			sbuf_addf(&b, " %s ", tui_glyph(TG_BOTH));
			sc_format_addr_port(&b, &k->peer);
		}
		unread_words(&b, k);
		sent_words(&b, k);
	}
	cx = COL_ADDR + tui_put(y, x + COL_ADDR, w - COL_ADDR, sbuf_str(&b));
	if (k->state == TCP_LISTEN_STATE) {
		cx += tui_put(y, x + cx, w - cx, _(" accept queue "));
		cx += tui_draw_gauge(t, y, x + cx, w - cx, k->rqueue,
		    k->wqueue);
		sbuf_reset(&b);
		syn_queue_words(&b, k);
		if (b.len > 0 && cx < w)
			cx += tui_put(y, x + cx, w - cx, sbuf_str(&b));
	}
	/* Held by more than one process (a forked child's inherited
	 * listener): every holder. */
	sbuf_reset(&b);
	ksock_holders_words(&b, t->d.s.lab, k, _("held by"));
	if (b.len > 0 && cx < w) {
		tui_style(TR_DIM);
		cx += tui_put(y, x + cx, w - cx, sbuf_str(&b));
		tui_style(TR_NORMAL);
	}
	sbuf_reset(&b);
	tui_kernel_change(&b, t, k);
	if (b.len > 0 && cx + 2 < w) {
		tui_style(TR_CHANGED);
		tui_put(y, x + cx + 2, w - cx - 2, sbuf_str(&b));
		tui_style(TR_NORMAL);
	}
	sbuf_finish(&b);
}

/* "└ client's address 127.0.0.1:37936: chosen by the kernel (from
 * getsockname)" under the client's socket; 1 if drawn. */
static int
tui_local_note(struct tui *t, int y, int x, int w, const struct ksock *k)
{
	struct side *side = k->side > 0 ? session_side(&t->d.s, k->side) : NULL;
	const struct tui_sideview *sv;
	const struct ksock *p;
	struct sbuf b;

	if (side == NULL || side->is_server || !k->in_diag)
		return 0;
	sv = &t->sv[side->index];
	if (!sv->local_ok || sv->local_fd != k->fd || k->pid != side->pid ||
	    !tui_addr_same(&sv->local, &k->local))
		return 0;
	if (y < 0)
		return 1;	/* only counting */
	p = t->have_prev ? tui_prev_of(t, k) : NULL;
	sbuf_init(&b);
	sbuf_addf(&b, "  %s %s ", tui_glyph(TG_CORNER), side->name);
	sc_format_addr_port(&b, &sv->local);
	sbuf_addf(&b, _(": %s (from %s)"), strcmp(sv->local_origin, "bind") ==
	    0 ? _("set by its bind()") : _("port chosen by the kernel"),
	    sv->local_source == ADDR_GETSOCKNAME ? "getsockname" : "sock_diag");
	tui_style(t->have_prev && (p == NULL || !p->in_diag ||
	    !tui_addr_same(&p->local, &k->local)) ?
	    TR_CHANGED : TR_OK);
	tui_put(y, x, w, sbuf_str(&b));
	tui_style(TR_NORMAL);
	sbuf_finish(&b);
	return 1;
}

/*
 * "dropped     ListenOverflows 2, ListenDrops 2 (/proc/net/netstat)": the
 * requests full listeners turned away, once there are any; true if
 * there is such a row (y < 0: only asked).
 */
static bool
tui_drops_row(struct tui *t, int y, int x, int w, const struct kview *kv)
{
	struct sbuf b;
	int cx;

	sbuf_init(&b);
	listen_drops_words(&b, kv);
	if (b.len == 0 || y < 0) {
		cx = b.len > 0;
		sbuf_finish(&b);
		return cx;
	}
	tui_style(TR_BLOCKED);
	tui_put(y, x, COL_OWNER - 1, _("dropped"));
	tui_style(TR_NORMAL);
	/* Without a lab network they are the whole host's, any program's. */
	sbuf_add(&b, t->d.s.net.lab ? " (/proc/net/netstat)" :
	    _(" (/proc/net/netstat: the whole host)"));
	cx = COL_OWNER + tui_put(y, x + COL_OWNER, w - COL_OWNER,
	    sbuf_str(&b));
	sbuf_reset(&b);
	tui_netstat_change(&b, t, kv);
	if (b.len > 0 && cx + 2 < w) {
		tui_style(TR_CHANGED);
		tui_put(y, x + cx + 2, w - cx - 2, sbuf_str(&b));
		tui_style(TR_NORMAL);
	}
	sbuf_finish(&b);
	return true;
}

/* A lab process asleep in a socket call, as /proc tells it. */
static bool
tui_asleep_row(struct tui *t, int y, int x, int w, const struct kblocked *kb)
{
	const struct sc_desc *d = sc_lookup(kb->nr);
	struct side *side = session_side(&t->d.s, kb->side);
	char who[32];

	if (d == NULL || side == NULL)
		return false;
	if (y < 0)
		return true;
	/* The task asleep ("server.2"), as s.2 names it. */
	if (lab_task_name(t->d.s.lab, kb->pid) != NULL)
		strlcpy(who, lab_task_name(t->d.s.lab, kb->pid), sizeof who);
	else if (kb->pid != side->pid)
		snprintf(who, sizeof who, "%s[%d]", side->name, (int)kb->pid);
	else
		strlcpy(who, side->name, sizeof who);
	if (kb->input) {	/* not a socket call: its keyboard */
		tui_style(TR_PENDING);
		tui_put(y, x, COL_OWNER - 1, _("waiting"));
		tui_style(TR_NORMAL);
		tui_putf(y, x + COL_OWNER, w - COL_OWNER, _("%-15s for input: "
		    "read() of its terminal (from /proc)"), who);
		return true;
	}
	tui_style(TR_BLOCKED);
	tui_put(y, x, COL_OWNER - 1, _("asleep"));
	tui_style(TR_NORMAL);
	tui_putf(y, x + COL_OWNER, w - COL_OWNER, "%-15s in %s(), wchan %s "
	    "(from /proc)", who, d->name, kb->wchan[0] != '\0' ?
	    kb->wchan : "?");
	return true;
}

/* Which sockets a small pane keeps: listeners, the server's, the
 * client on screen, the accept queue, then the rest. */
static int
tui_kernel_rank(const struct tui *t, const struct ksock *k)
{
	if (k->state == TCP_LISTEN_STATE)
		return 0;
	if (k->side == 0)
		return 1;
	if (k->side == t->client)
		return 2;
	if (k->in_accept_queue)
		return 3;
	return k->side > 0 ? 4 : 5;
}

void
tui_draw_kernel(struct tui *t, const struct tui_rect *r)
{
	const struct kview *kv = lab_kernel(t->d.s.lab);
	int y = r->y + 1, end = r->y + r->h, need = 0, x = r->x + 1;
	int w = r->w - 2;
	size_t i, j, n = 0, gone = 0, folded;
	const struct ksock **order;
	char title[192], join[64] = "";
	int rank;

	/* The way in from another terminal, where there is a lab network
	 * to go into (issue 16 §1): in the title of a full-width pane, on
	 * the bottom row of a projector's narrower one. */
	if (t->d.s.net.lab && !t->lay.roomy)
		snprintf(join, sizeof join, " · sockstep join %ld",
		    (long)getpid());
	if (t->d.s.net.lab && t->lay.roomy && r->h > 3) {
		tui_style(TR_DIM);
		/* Two hosts: the clients' is one option away. */
		tui_putf(--end, x, w, t->d.s.net.hosts == 2 ?
		    _("another terminal: sockstep join %ld [--host client] "
		    "(ss, nc, tcpdump)") : _("another terminal: sockstep join "
		    "%ld (ss, nc, tcpdump)"), (long)getpid());
		tui_style(TR_NORMAL);
	}
	snprintf(title, sizeof title, _("KERNEL now: the lab's sockets, port %u%s"),
	    t->d.s.port, t->lay.roomy ? " (sock_diag, /proc, getsockname)" :
	    join);
	tui_rule(r->y, r->x, r->w, title);
	if (!kv->diag_ok) {
		tui_style(TR_ERROR);
		tui_putf(y++, x, w, _("sock_diag unavailable: %s"), kv->diag_err);
		tui_style(TR_NORMAL);
	}
	for (i = 0; i < kv->nsocks; i++)
		need += 1 + tui_local_note(t, -1, 0, 0, &kv->socks[i]);
	for (i = 0; i < kv->nblocked; i++)
		need += tui_asleep_row(t, -1, 0, 0, &kv->blocked[i]);
	need += tui_drops_row(t, -1, 0, 0, kv);
	order = xreallocarray(NULL, kv->nsocks + 1, sizeof *order);
	/* The projector folds the table to what the lesson is about: the
	 * lab's own sockets and its accept queue. */
	for (rank = 0; rank <= (t->projector ? 4 : 5); rank++)
		for (j = 0; j < kv->nsocks; j++)
			if (tui_kernel_rank(t, &kv->socks[j]) == rank)
				order[n++] = &kv->socks[j];
	folded = kv->nsocks - n;
	if (folded > 0)
		need -= (int)folded;
	for (i = 0; i < n && y < end; i++) {
		if (y == end - 1 && need > 1) {
			tui_style(TR_DIM);
			tui_putf(y++, x, w, _("%s %d more: a larger window "
			    "shows them"), tui_glyph(TG_ELLIPSIS), need);
			break;
		}
		tui_kernel_row(t, y++, x, w, order[i]);
		need--;
		if (y < end && tui_local_note(t, y, x, w, order[i])) {
			y++;
			need--;
		}
	}
	free(order);
	if (folded > 0 && y < end) {
		tui_style(TR_DIM);
		tui_putf(y++, x, w, _("%s %zu more held by no lab process (p "
		    "shows them)"), tui_glyph(TG_ELLIPSIS), folded);
		tui_style(TR_NORMAL);
	}
	if (kv->nunseen > 0 && y < end) {
		tui_style(TR_DIM);
		tui_putf(y++, x, w, _("%s %zu more of the lab's sockets have "
		    "another port (not looked up)"), tui_glyph(TG_ELLIPSIS),
		    kv->nunseen);
		tui_style(TR_NORMAL);
	}
	if (y < end && tui_drops_row(t, y, x, w, kv))
		y++;
	for (i = 0; i < kv->nblocked && y < end; i++)
		if (tui_asleep_row(t, y, x, w, &kv->blocked[i]))
			y++;
	for (i = 0; t->have_prev && i < t->nprev; i++) {
		size_t j;
		bool found = false;

		for (j = 0; j < kv->nsocks && !found; j++)
			found = tui_ksock_same(&t->prev[i], &kv->socks[j]);
		for (j = 0; j < kv->nunseen && !found; j++)
			found = t->prev[i].inode != 0 &&
			    kv->unseen[j] == t->prev[i].inode;
		if (found || t->prev[i].state == 6)	/* TIME-WAIT expired */
			continue;
		if (y < end) {
			struct sbuf b;

			sbuf_init(&b);
			tui_owner(&b, t, &t->prev[i]);
			tui_style(TR_CHANGED);
			tui_putf(y++, x, w, _("GONE        %-15s closed by "
			    "the last step"), sbuf_str(&b));
			tui_style(TR_NORMAL);
			sbuf_finish(&b);
		}
		gone++;
	}
	if (kv->nsocks == 0 && gone == 0 && y < end) {
		tui_style(TR_DIM);
		tui_putf(y, x, w, _("no sockets on port %u yet: socket() "
		    "makes one, bind() gives it this port"), t->d.s.port);
		tui_style(TR_NORMAL);
	}
}
