/*
 * tui-wire.c - the wire lane: each captured segment an arrow between
 * the SERVER and CLIENT lifelines of the timeline, labelled as a
 * student says it ("SYN", "SYN,ACK", "ACK", "12 B", "FIN").  The first
 * segment of a call goes on the call's own row when that row has no
 * arrow yet, so a step costs as few rows as it can at 80x24.  A segment
 * sent by a timer says so on its sender's side.
 */
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <string.h>

#include "tui.h"

static uint16_t
tui_wire_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)ss)->sin_port);
	if (ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	return 0;
}

/* The client whose address (read after its connect or bind) this is;
 * 1 when none matches. */
static int
tui_wire_client(struct tui *t, const struct sockaddr_storage *ss)
{
	uint16_t port = tui_wire_port(ss);
	size_t i;

	for (i = 1; i < sizeof t->sv / sizeof t->sv[0]; i++)
		if (t->sv[i].local_ok && tui_wire_port(&t->sv[i].local) == port)
			return (int)i;
	return 1;
}

void
tui_wire_segment(struct tui *t, const struct tcp_segment *s)
{
	struct tui_row row, *last;
	uint16_t port = lab_port(t->d.s.lab);
	bool from_server = tui_wire_port(&s->src) == port;
	struct sbuf b;

	t->dirty = true;
	memset(&row, 0, sizeof row);
	if (!from_server && tui_wire_port(&s->dst) != port) {
		/* Not on the lab's port (a program's own): in words. */
		sbuf_init(&b);
		sbuf_add(&b, "wire: ");
		seg_format(&b, s);
		tui_row_text(t, -1, TR_DIM, sbuf_str(&b));
		sbuf_finish(&b);
		return;
	}
	row.arrow = from_server ? TA_TO_CLIENT : TA_TO_SERVER;
	row.arrow_role = (s->flags & TH_RST) ? TR_ERROR :
	    s->cause == SEG_BY_STEP ? TR_OK : TR_DIM;
	sbuf_init(&b);
	seg_label(&b, s);
	strlcpy(row.label, sbuf_str(&b), sizeof row.label);
	sbuf_finish(&b);
	last = t->nrows > 0 && t->rows != NULL ?
	    &t->rows[(t->nrows - 1) % TUI_ROWS_MAX] : NULL;
	if (s->cause == SEG_BY_STEP && last != NULL && last->side >= 0 &&
	    last->arrow == TA_NONE && last->call_seq == s->cause_seq) {
		last->arrow = row.arrow;
		last->arrow_role = row.arrow_role;
		strlcpy(last->label, row.label, sizeof last->label);
		return;
	}
	/* Its own row: on the client's side (c2 with several), or the
	 * sender's with the timer that sent it. */
	row.side = tui_wire_client(t, from_server ? &s->dst : &s->src);
	row.role = TR_DIM;
	if (s->cause != SEG_BY_STEP) {
		if (from_server)
			row.side = 0;
		snprintf(row.text, sizeof row.text, s->cause == SEG_BY_TIMER ?
		    _("timer: %s") : "%s", seg_why_words(s));
	}
	tui_timeline_add(t, &row);
}
