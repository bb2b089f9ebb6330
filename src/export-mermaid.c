/*
 * export-mermaid.c - the run as a Mermaid sequenceDiagram: participants
 * server, kernel and the clients; each call an arrow to the kernel and
 * its result an arrow back; the handshake of a connect, the bytes of a
 * write and the FIN of a close between the two ends; the accept queue
 * as a note over the kernel whenever it changed; a note per step.
 * With the segments captured (lab-wire.c), each is drawn between its two
 * ends instead of the handshake, bytes and FIN a call implies.
 */
#include <errno.h>
#include <string.h>

#include "export.h"
#include "config.h"

/* Message text ends at ';', '#' starts an entity: write them as entities. */
static void
mm_text(struct sbuf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case ';':
			sbuf_add(b, "#59;");
			break;
		case '#':
			sbuf_add(b, "#35;");
			break;
		case '<':
			sbuf_add(b, "#lt;");
			break;
		case '>':
			sbuf_add(b, "#gt;");
			break;
		case '\n':
		case '\r':
			sbuf_addc(b, ' ');
			break;
		default:
			sbuf_addc(b, *s);
		}
	}
}

static void
mm_line(struct export *x, const char *from, const char *arrow,
    const char *to, const char *text)
{
	sbuf_addf(&x->body, "    %s%s%s: ", from, arrow, to);
	mm_text(&x->body, text);
	sbuf_addc(&x->body, '\n');
}

static void
mm_note(struct sbuf *b, const char *over, const char *text)
{
	sbuf_addf(b, "    Note over %s: ", over);
	mm_text(b, text);
	sbuf_addc(b, '\n');
}

/* "server,client2": a note across every participant. */
static void
mm_span(struct lab *lab, char *buf, size_t len)
{
	const char *first = lab_side_name(lab, 0);
	size_t i;
	int last = 0;

	for (i = 0; i < lab_nsides(lab); i++)
		if (lab_side(lab, i)->index > last)
			last = lab_side(lab, i)->index;
	snprintf(buf, len, "%s,%s", first != NULL ? first : "kernel",
	    last > 0 ? lab_side_name(lab, last) : "kernel");
}

static void
mm_begin(struct output *o, struct lab *lab)
{
	const struct session *s = o->s;
	size_t i;

	export_begin((struct export *)o);
	fprintf(o->out, "%%%% sockstep %s: lesson %s, port %u, %d client%s, "
	    "from a real run\n", SOCKSTEP_VERSION, s->lesson.name, s->port,
	    s->nclients, s->nclients == 1 ? "" : "s");
	fputs("sequenceDiagram\n", o->out);
	if (lab_side_name(lab, 0) != NULL)
		fputs("    participant server\n", o->out);
	fputs("    participant kernel\n", o->out);
	for (i = 0; i < lab_nsides(lab); i++)
		if (!lab_side(lab, i)->is_server)
			fprintf(o->out, "    participant %s\n",
			    lab_side(lab, i)->name);
}

static bool
mm_is(const struct sc_call *c, const char *name)
{
	return strcmp(c->desc->name, name) == 0;
}

static void
mm_return(struct export *x, struct lab *lab, const struct lab_event *ev)
{
	const struct sc_call *c = ev->call;
	const char *me = ev->side->name, *peer;
	int idx = ev->side->index, fd = (int)c->args[0];
	/* Segments captured: they are drawn, not what a call implies. */
	bool wire = lab_wire_off(lab) == NULL;
	struct sbuf b;

	sbuf_init(&b);
	if (!x->call_drawn[idx]) {	/* a blocked call was drawn already */
		sbuf_addf(&b, "%s(", c->desc->name);
		sc_format_args(&b, c);
		sbuf_addc(&b, ')');
		mm_line(x, me, "->>", "kernel", sbuf_str(&b));
		if (mm_is(c, "connect") && (c->err == 0 ||
		    c->err == ECONNREFUSED) && !wire)
			mm_line(x, me, "->>", "kernel", "SYN");
	}
	x->call_drawn[idx] = false;
	if (wire)
		;	/* the captured segments follow, as they were */
	else if (mm_is(c, "connect") && c->err == 0) {
		mm_line(x, "kernel", "->>", me, "SYN+ACK");
		mm_line(x, me, "->>", "kernel", "ACK (handshake done by the "
		    "kernel)");
	} else if (mm_is(c, "connect") && c->err == ECONNREFUSED)
		mm_line(x, "kernel", "-->>", me, "RST (nothing listens)");
	sbuf_reset(&b);
	sc_format_ret(&b, c);
	if (ev->local_source != ADDR_NONE && ev->local_origin != NULL &&
	    !mm_is(c, "listen")) {
		sbuf_add(&b, " (local ");
		sc_format_addr_port(&b, &ev->local);
		sbuf_addf(&b, ", %s)", ev->local_origin);
	}
	if (ev->peer_source != ADDR_NONE) {
		sbuf_add(&b, " (connection from ");
		sc_format_addr_port(&b, &ev->peer);
		sbuf_add(&b, ")");
	}
	if (c->err == 0 && c->ret == 0 && sc_data_direction(c->desc) < 0)
		sbuf_add(&b, " (end of stream: the peer closed)");
	mm_line(x, "kernel", "-->>", me, sbuf_str(&b));
	peer = wire ? NULL : lab_side_name(lab, export_peer(x, idx, fd));
	if (peer != NULL && c->err == 0 && c->ret > 0 &&
	    sc_data_direction(c->desc) > 0) {
		sbuf_reset(&b);
		sbuf_addf(&b, "%lld %s", (long long)c->ret,
		    mm_is(c, "sendmmsg") ? "messages" : "bytes");
		if (c->desc->nargs > 1 && c->argstr[1] != NULL)
			sbuf_addf(&b, " %s", c->argstr[1]);
		mm_line(x, me, "-)", peer, sbuf_str(&b));
	}
	/* A close of a socket another process still holds sends none. */
	if (peer != NULL && c->err == 0 && (mm_is(c, "close") ||
	    mm_is(c, "shutdown")) && ev->still_held_by == NULL)
		mm_line(x, me, "-)", peer, "FIN");
	sbuf_finish(&b);
}

/* The participant at an end of a segment: a side, else the kernel. */
static const char *
mm_end_name(struct lab *lab, int side)
{
	const char *name = lab_side_name(lab, side);

	return name != NULL ? name : "kernel";
}

static void
mm_event(struct output *o, struct lab *lab, const struct lab_event *ev)
{
	struct export *x = (struct export *)o;
	const char *me = ev->side != NULL ? ev->side->name : NULL;
	char span[64];
	struct sbuf b;
	int from, to;

	sbuf_init(&b);
	switch (ev->type) {
	case LEV_CALL:
		break;
	case LEV_RETURN:
		mm_return(x, lab, ev);
		break;
	case LEV_BLOCKED:
		sbuf_addf(&b, "%s(", ev->call->desc->name);
		sc_format_args(&b, ev->call);
		sbuf_addc(&b, ')');
		mm_line(x, me, "->>", "kernel", sbuf_str(&b));
		if (mm_is(ev->call, "connect") && lab_wire_off(lab) != NULL)
			mm_line(x, me, "->>", "kernel", "SYN");
		x->call_drawn[ev->side->index] = true;
		sbuf_reset(&b);
		sbuf_addf(&b, "BLOCKED in %s()", ev->call->desc->name);
		if (ev->text != NULL && *ev->text != '\0')
			sbuf_addf(&b, " (kernel: %s)", ev->text);
		mm_note(&x->body, me, sbuf_str(&b));
		break;
	case LEV_OUTPUT:
		sbuf_addf(&b, "prints: %s", ev->text);
		mm_note(&x->body, me, sbuf_str(&b));
		break;
	case LEV_EXIT:
		/* The task that ended (a child's end is not its side's). */
		wait_status_format(&b, ev->task != NULL ?
		    ev->task->wait_status : ev->side->wait_status);
		mm_note(&x->body, me, sbuf_str(&b));
		break;
	case LEV_INPUT:
		if (ev->eof)
			sbuf_add(&b, "typed: end-of-file (Ctrl-D)");
		else
			sbuf_addf(&b, "typed: %s", ev->text);
		mm_note(&x->body, me, sbuf_str(&b));
		break;
	case LEV_INPUT_WAIT:
		mm_note(&x->body, me, "waiting for input");
		break;
	case LEV_NOTE:
		mm_span(lab, span, sizeof span);
		mm_note(&x->body, me != NULL ? me : span, ev->text);
		break;
	case LEV_SEGMENT:	/* between the two ends, as captured */
		seg_format_tcp(&b, ev->seg);
		export_seg_cause(&b, ev->seg);
		export_seg_sides(x, ev->seg, &from, &to);
		mm_line(x, mm_end_name(lab, from), "-)", mm_end_name(lab, to),
		    sbuf_str(&b));
		break;
	}
	sbuf_finish(&b);
	export_track(x, lab, ev);
}

/* The accept queue as a note, when it changed. */
static void
mm_queue(struct export *x, struct lab *lab)
{
	struct sbuf q;

	sbuf_init(&q);
	export_queue_words(&q, lab_kernel(lab));
	if (strcmp(sbuf_str(&q), sbuf_str(&x->queue)) != 0) {
		if (q.len > 0)
			mm_note(&x->body, "kernel", sbuf_str(&q));
		else
			mm_note(&x->body, "kernel", "no listener any more");
		sbuf_reset(&x->queue);
		sbuf_add(&x->queue, sbuf_str(&q));
	}
	sbuf_finish(&q);
}

static void
mm_step(struct output *o, struct lab *lab, const char *token)
{
	struct export *x = (struct export *)o;
	char span[64], what[64];

	mm_queue(x, lab);
	if (token != NULL) {
		mm_span(lab, span, sizeof span);
		snprintf(what, sizeof what, "step %zu: %s", o->nstep, token);
		fprintf(o->out, "    Note over %s: %s\n", span, what);
	}
	export_put_body(x);
}

static void
mm_end(struct output *o, struct lab *lab)
{
	struct export *x = (struct export *)o;
	char span[64];

	if (x->body.len == 0)
		return;
	mm_span(lab, span, sizeof span);
	mm_queue(x, lab);
	sbuf_reset(&x->queue);	/* the end: say nothing twice */
	fprintf(o->out, "    Note over %s: end\n", span);
	export_put_body(x);
}

const struct output_ops output_mermaid_ops = {
	.size = sizeof(struct export),
	.begin = mm_begin,
	.event = mm_event,
	.step = mm_step,
	.end = mm_end,
	.finish = export_finish,
};
