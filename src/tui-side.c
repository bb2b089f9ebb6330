/*
 * tui-side.c - one side's column: who it is, its flow strip, its state
 * in words and colour, its source at the call, the call decoded, and
 * the last lines it printed.
 *
 *   SERVER pid 4242                     server.c:42
 *   ✓socket → ✓bind → ▶listen → accept → r/w → close
 *   paused before listen()
 *     41   if (listen(serv_sock, 5) == -1)       (highlighted)
 *   next ▶ listen(3, 5)
 *   out│ ...
 */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

static void
tui_side_header(struct tui *t, struct side *side, int y, int x, int w)
{
	const struct tui_sideview *sv = &t->sv[side->index];
	char where[4200];
	int used;

	tui_style(TR_HEADER);
	if (side->is_server)
		used = tui_put(y, x, w, "SERVER");
	else if (t->d.s.nclients > 1)
		used = tui_putf(y, x, w, "CLIENT %d of %d", side->index,
		    t->d.s.nclients);
	else
		used = tui_put(y, x, w, "CLIENT");
	tui_style(TR_DIM);
	if (side->pid > 0)
		used += tui_putf(y, x + used, w - used, "  pid %d",
		    (int)side->pid);
	if (!side->is_server && t->d.s.nclients > 1)
		used += tui_put(y, x + used, w - used, "  (Tab: next)");
	if (sv->loc_valid && sv->loc != NULL && sv->loc->ok) {
		const char *base = strrchr(sv->loc->file, '/');

		snprintf(where, sizeof where, "%s:%d", base != NULL ? base + 1 :
		    sv->loc->file, sv->loc->line);
		if (tui_width(where) + 2 <= w - used)
			tui_put_right(y, x + used, w - used, where);
	}
	tui_style(TR_NORMAL);
}

static void
tui_side_call(struct side *side, int y, int x, int w)
{
	struct sbuf b;
	const char *label;
	enum tui_role role;
	int used;

	if (side->call.desc == NULL)
		return;
	switch (side->state) {
	case SIDE_BEFORE_CALL:
		label = "next";
		role = TR_PENDING;
		break;
	case SIDE_BLOCKED:
		label = "in";
		role = TR_BLOCKED;
		break;
	case SIDE_RUNNING:
		label = side->in_call ? "in" : "last";
		role = TR_NORMAL;
		break;
	default:
		label = "last";
		role = TR_DIM;
		break;
	}
	sbuf_init(&b);
	sc_format_call(&b, &side->call);
	tui_style(role);
	used = tui_putf(y, x, w, "%s %s ", label, tui_glyph(TG_MARK));
	tui_style(role == TR_BLOCKED || role == TR_DIM ? role : TR_HEADER);
	tui_put(y, x + used, w - used, sbuf_str(&b));
	tui_style(TR_NORMAL);
	sbuf_finish(&b);
}

static void
tui_side_output(struct side *side, int y, int x, int w, int h)
{
	size_t first, i;
	int row = 0;

	tui_style(TR_DIM);
	tui_put(y, x, 4, "out");
	tui_put(y, x + 3, 1, tui_glyph(TG_VLINE));
	if (side->nlines == 0) {
		tui_put(y, x + 5, w - 5, _("(nothing printed yet)"));
		tui_style(TR_NORMAL);
		return;
	}
	first = side->nlines > (size_t)h ? side->nlines - (size_t)h : 0;
	for (i = first; i < side->nlines; i++, row++) {
		tui_style(TR_DIM);
		tui_put(y + row, x + 3, 1, tui_glyph(TG_VLINE));
		tui_style(TR_NORMAL);
		if (side->typed[i]) {	/* typed in: '<', as the transcript */
			tui_style(TR_PENDING);
			tui_putf(y + row, x + 5, w - 5, "< %s",
			    side->lines[i]);
			tui_style(TR_NORMAL);
		} else
			tui_put(y + row, x + 5, w - 5, side->lines[i]);
	}
}

/* The socket the pending call works on, as the kernel has it now. */
static void
tui_side_fd(struct tui *t, struct side *side, struct sbuf *b)
{
	const struct kview *kv;
	int fd = (int)side->call.args[0];
	size_t i;

	if (side->call.desc == NULL || side->call.desc->arg[0] != SA_FD) {
		sbuf_add(b, _("not run yet: the kernel has not seen this call"));
		return;
	}
	kv = lab_kernel(t->d.s.lab);
	for (i = 0; i < kv->nsocks; i++) {
		const struct ksock *k = &kv->socks[i];

		if (side->cur == NULL || k->pid != side->cur->tgid ||
		    k->fd != fd)
			continue;
		sbuf_addf(b, _("fd %d is %s in the kernel"), fd,
		    tcp_state_name(k->state));
		if (k->in_diag) {
			sbuf_add(b, ": ");
			sc_format_addr_port(b, &k->local);
		} else
			sbuf_add(b, _(", with no address yet"));
		if (k->state == TCP_LISTEN_STATE)
			sbuf_addf(b, _(", accept queue %u/%u"), k->rqueue,
			    k->wqueue);
		return;
	}
	sbuf_addf(b, _("fd %d: not on the lab's port"), fd);
}

void
tui_draw_side(struct tui *t, struct side *side, const struct tui_rect *r)
{
	struct sbuf b;
	enum tui_role role;
	int y = r->y, x = r->x + 1, w = r->w - 2, h = r->h;
	int fixed, out, src;

	tui_side_header(t, side, y, x, w);
	tui_draw_flow(t, side, y + 1, x, w);
	sbuf_init(&b);
	tui_state_words(&b, side, false, &role);
	if (tui_width(sbuf_str(&b)) > w) {
		sbuf_reset(&b);
		tui_state_words(&b, side, true, &role);
	}
	tui_style(role);
	if (role == TR_BLOCKED || t->projector)	/* a band, seen from afar */
		tui_blank(y + 2, x, w);
	tui_put(y + 2, x, w, sbuf_str(&b));
	tui_style(TR_NORMAL);
	fixed = 4;
	if (t->lay.roomy) {
		/* Room for what the kernel says about it. */
		sbuf_reset(&b);
		if (side->state == SIDE_BLOCKED)
			sbuf_addf(&b, _("kernel: asleep in %s (/proc/%d/wchan); "
			    "%s"), side->wchan[0] != '\0' ? side->wchan : "?",
			    side->cur != NULL ? (int)side->cur->tid :
			    (int)side->pid, tui_wake_hint(side));
		else if (side->state == SIDE_BEFORE_CALL)
			tui_side_fd(t, side, &b);
		tui_style(TR_DIM);
		tui_put(y + 3, x, w, sbuf_str(&b));
		tui_style(TR_NORMAL);
		fixed = 5;
	}
	sbuf_finish(&b);
	/* A program of several tasks: which, and the one a step takes. */
	if (side->ntasks > 1) {
		tui_draw_tasks(t, side, y + fixed - 1, x, w);
		fixed++;
	}
	out = t->lay.roomy ? (h - fixed) / 5 : h - fixed >= 7 ? 2 : 1;
	src = h - fixed - out;
	tui_draw_source(t, side, y + fixed - 1, x, w, src);
	tui_side_call(side, y + fixed - 1 + src, x, w);
	tui_side_output(side, y + h - out, x, w, out);
}
