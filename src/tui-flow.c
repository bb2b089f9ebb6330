/*
 * tui-flow.c - the chapter's flowchart as a strip, one per side:
 * server socket → bind → listen → accept → read/write → close, client
 * socket → connect → read/write → close.  Stages done carry a check
 * mark, the current one a pointer and the pending colour; the strip
 * loses spaces, then long names, then the marks inside a run of done
 * stages (joined by "⇒" instead) to fit 80 columns.
 */
#include <curses.h>
#include <string.h>

#include "tui.h"

static const enum sc_stage tui_server_flow[] = { STAGE_SOCKET, STAGE_BIND,
	STAGE_LISTEN, STAGE_ACCEPT, STAGE_RW, STAGE_CLOSE };
static const enum sc_stage tui_client_flow[] = { STAGE_SOCKET, STAGE_BIND,
	STAGE_CONNECT, STAGE_RW, STAGE_CLOSE };

/* The last fit marks only the start of each run of done stages. */
enum tui_flow_fit { FLOW_SPACED, FLOW_TIGHT, FLOW_SHORT, FLOW_GROUPED };

struct tui_stage {
	enum sc_stage	 stage;
	bool		 done, current;
};

static size_t
tui_flow_stages(const struct side *side, struct tui_stage *out)
{
	const enum sc_stage *flow = side->is_server ? tui_server_flow :
	    tui_client_flow;
	size_t n = side->is_server ? 6 : 5, i, k = 0;
	bool alive = side->state != SIDE_EXITED && side->state != SIDE_KILLED &&
	    side->state != SIDE_NOT_STARTED;

	for (i = 0; i < n; i++) {
		bool done = side->stages_done & (1u << flow[i]);
		bool current = alive && side->stage == flow[i] &&
		    side->call.desc != NULL && (side->state == SIDE_BEFORE_CALL ||
		    side->state == SIDE_BLOCKED || side->in_call);

		/* A client's bind() is a stage only when it happens. */
		if (!side->is_server && flow[i] == STAGE_BIND && !done &&
		    !current)
			continue;
		out[k].stage = flow[i];
		out[k].done = done;
		out[k++].current = current;
	}
	return k;
}

static const char *
tui_stage_label(enum sc_stage stage, enum tui_flow_fit fit)
{
	if (stage == STAGE_RW && fit >= FLOW_SHORT)
		return "r/w";
	return sc_stage_name(stage);
}

/* Draws (or, with draw false, measures) the strip; returns its width. */
static int
tui_flow_put(const struct side *side, const struct tui_stage *st, size_t n,
    enum tui_flow_fit fit, bool draw, int y, int x, int w)
{
	int used = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		const char *label = tui_stage_label(st[i].stage, fit);
		bool run = fit == FLOW_GROUPED && i > 0 && st[i - 1].done &&
		    !st[i - 1].current;
		const char *mark = st[i].current ? tui_glyph(TG_MARK) :
		    st[i].done && !run ? tui_glyph(TG_DONE) : "";
		enum tui_role role = st[i].current ? (side->state ==
		    SIDE_BLOCKED ? TR_BLOCKED : TR_PENDING) :
		    st[i].done ? TR_OK : TR_DIM;

		if (i > 0 && (fit != FLOW_GROUPED || *mark == '\0')) {
			const char *sep = fit == FLOW_SPACED ? " " : "";
			/* Inside a run of done stages: a double arrow. */
			const char *arrow = tui_glyph(run && st[i].done ?
			    TG_FLOW_DONE : TG_FLOW);

			if (draw) {
				tui_style(run && st[i].done ? TR_OK : TR_DIM);
				used += tui_put(y, x + used, w - used, sep);
				used += tui_put(y, x + used, w - used, arrow);
				used += tui_put(y, x + used, w - used, sep);
			} else
				used += 2 * (int)strlen(sep) + tui_width(arrow);
		}
		if (!draw) {
			used += tui_width(mark) + tui_width(label);
			continue;
		}
		tui_style(role);
		used += tui_put(y, x + used, w - used, mark);
		used += tui_put(y, x + used, w - used, label);
	}
	tui_style(TR_NORMAL);
	return used;
}

void
tui_draw_flow(struct tui *t, const struct side *side, int y, int x, int w)
{
	struct tui_stage st[8];
	size_t n = tui_flow_stages(side, st);
	enum tui_flow_fit fit;

	(void)t;
	for (fit = FLOW_SPACED; fit < FLOW_GROUPED; fit++)
		if (tui_flow_put(side, st, n, fit, false, 0, 0, 0) <= w)
			break;
	tui_flow_put(side, st, n, fit, true, y, x, w);
}
