/*
 * tui-observe.c - the lab's events turned into view state: where each
 * side's call is in its source (asked while the tracee is stopped), the
 * address sockstep read after bind/connect, the timeline rows, and the
 * message line that says what the last key did.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

void
tui_message(struct tui *t, bool error, const char *fmt, ...)
{
	va_list ap;

	if (error) {
		sbuf_reset(&t->msg);
		t->msg_error = true;
	} else if (t->msg_error)
		return;		/* a refusal stays readable */
	if (t->msg.len > 0)
		sbuf_add(&t->msg, "; ");
	va_start(ap, fmt);
	sbuf_vaddf(&t->msg, fmt, ap);
	va_end(ap);
	t->dirty = true;
}

/* Forget what the last lab showed (restart). */
void
tui_view_reset(struct tui *t)
{
	size_t i;

	for (i = 0; i < sizeof t->sv / sizeof t->sv[0]; i++) {
		struct srcloc *loc = t->sv[i].loc;

		memset(&t->sv[i], 0, sizeof t->sv[i]);
		t->sv[i].loc = loc;
	}
	t->nrows = 0;
	t->scroll = 0;
	t->have_prev = false;
	t->d.guided = 0;
	t->stepped = false;
	t->client = 1;
	sbuf_reset(&t->msg);
	t->msg_error = false;
}

static void
tui_row_call(struct tui *t, const struct lab_event *ev, struct side *side)
{
	struct tui_sideview *sv = &t->sv[side->index];
	const struct sc_call *c = ev->call;
	const char *name = c->desc->name;
	struct tui_row row;
	struct sbuf b;
	int fd = (int)c->args[0];
	bool ok = c->returned && c->err == 0;
	bool fd_conn = fd >= 0 && fd < 64 && (sv->connected >> fd & 1);

	memset(&row, 0, sizeof row);
	row.side = side->index;
	row.role = c->err != 0 ? TR_ERROR : TR_NORMAL;
	row.call_seq = ev->task != NULL ? ev->task->paused_seq : 0;
	sbuf_init(&b);
	/* Another task than the first: its number, as s.N names it. */
	if (ev->task != NULL && ev->task->num > 1)
		sbuf_addf(&b, "[.%u] ", ev->task->num);
	else if (ev->task == NULL && ev->pid != side->pid)
		sbuf_addf(&b, "[%d] ", (int)ev->pid);
	tui_call_brief(&b, c, ev->type == LEV_RETURN);
	if (ev->type == LEV_BLOCKED) {
		sbuf_add(&b, " BLOCKED");
		row.role = TR_BLOCKED;
	}
	strlcpy(row.text, sbuf_str(&b), sizeof row.text);
	sbuf_finish(&b);
	row.arrow_role = TR_OK;
	if (ev->type != LEV_RETURN)
		goto add;
	/* The segments captured are drawn as they were (tui-wire.c), not
	 * what a call implies; the descriptors are followed all the same. */
	if (lab_wire_off(t->d.s.lab) == NULL) {
		if (strcmp(name, "read") == 0 && ok && c->ret == 0)
			strlcat(row.text, " (end of stream)", sizeof row.text);
		if (ev->still_held_by != NULL) {
			char held[64];

			snprintf(held, sizeof held, _(" (%s still holds it: "
			    "no FIN)"), ev->still_held_by->name);
			strlcat(row.text, held, sizeof row.text);
		}
		goto add;
	}
	if (strcmp(name, "connect") == 0 && ok) {
		row.arrow = TA_BOTH;
		strlcpy(row.label, "handshake", sizeof row.label);
		if (fd >= 0 && fd < 64)
			sv->connected |= 1ull << fd;
	} else if (strcmp(name, "connect") == 0 && c->err == EINPROGRESS) {
		/* Only the SYN is sure: the handshake may never finish. */
		row.arrow = side->is_server ? TA_TO_CLIENT : TA_TO_SERVER;
		row.arrow_role = TR_DIM;
		strlcpy(row.label, "SYN", sizeof row.label);
		if (fd >= 0 && fd < 64)
			sv->connected |= 1ull << fd;
	} else if (strcmp(name, "connect") == 0 && c->err == ECONNREFUSED) {
		row.arrow = TA_BOTH;
		row.arrow_role = TR_ERROR;
		strlcpy(row.label, "SYN, RST", sizeof row.label);
	} else if ((strcmp(name, "accept") == 0 ||
	    strcmp(name, "accept4") == 0) && c->ret >= 0 && c->ret < 64) {
		sv->connected |= 1ull << c->ret;
	} else if (c->ret > 0 && sc_data_direction(c->desc) > 0) {
		row.arrow = side->is_server ? TA_TO_CLIENT : TA_TO_SERVER;
		/* sendmmsg counts messages, the others bytes */
		snprintf(row.label, sizeof row.label, "%lld %s",
		    (long long)c->ret, strcmp(name, "sendmmsg") == 0 ?
		    "msg" : "B");
	} else if (strcmp(name, "read") == 0 && ok && c->ret == 0) {
		strlcat(row.text, " (end of stream)", sizeof row.text);
	} else if (ev->still_held_by != NULL) {
		/* Not the last reference: the connection goes on. */
		char held[64];

		snprintf(held, sizeof held, _(" (%s still holds it: no FIN)"),
		    ev->still_held_by->name);
		strlcat(row.text, held, sizeof row.text);
		if (fd >= 0 && fd < 64)
			sv->connected &= ~(1ull << fd);
	} else if ((strcmp(name, "close") == 0 ||
	    strcmp(name, "shutdown") == 0) && ok && fd_conn) {
		row.arrow = side->is_server ? TA_TO_CLIENT : TA_TO_SERVER;
		strlcpy(row.label, "FIN", sizeof row.label);
		if (strcmp(name, "close") == 0)
			sv->connected &= ~(1ull << fd);
	}
add:
	tui_timeline_add(t, &row);
}

void
tui_row_text(struct tui *t, int side, enum tui_role role, const char *text)
{
	struct tui_row row;

	memset(&row, 0, sizeof row);
	row.side = side;
	row.role = role;
	strlcpy(row.text, text, sizeof row.text);
	tui_timeline_add(t, &row);
}

static void
tui_remember_local(struct tui *t, const struct lab_event *ev,
    struct side *side)
{
	struct tui_sideview *sv = &t->sv[side->index];

	if (ev->local_source == ADDR_NONE || ev->pid != side->pid ||
	    strcmp(ev->call->desc->name, "accept") == 0 ||
	    strcmp(ev->call->desc->name, "accept4") == 0)
		return;
	sv->local_ok = true;
	sv->local_fd = (int)ev->call->args[0];
	sv->local = ev->local;
	sv->local_source = ev->local_source;
	strlcpy(sv->local_origin, ev->local_origin != NULL ?
	    ev->local_origin : "", sizeof sv->local_origin);
}

/* Is the event of the task the side's column shows? */
static bool
tui_ev_shown(const struct lab_event *ev, const struct side *side)
{
	return ev->task != NULL ? ev->task == side->cur : ev->pid == side->pid;
}

/*
 * The source line of the call the side's column shows, asked while
 * that task is stopped before it: when it pauses, or when the column
 * comes to show another task (the one paused longest changed).
 */
static void
tui_observe_source(struct tui *t, struct side *side)
{
	struct tui_sideview *sv = &t->sv[side->index];
	const struct task *cur = side->cur;

	if (t->srcmap == NULL || cur == NULL ||
	    cur->state != SIDE_BEFORE_CALL ||
	    (sv->loc_valid && sv->loc_task == cur &&
	    sv->loc_gen == cur->call_gen))
		return;
	if (sv->loc == NULL)
		sv->loc = xcalloc(1, sizeof *sv->loc);
	if (srcmap_call_site(t->srcmap, cur->tid, sv->loc) == -1)
		sv->loc->ok = false;
	sv->loc_valid = true;
	sv->loc_task = cur;
	sv->loc_gen = cur->call_gen;
}

void
tui_observe(struct lab *lab, const struct lab_event *ev, void *arg)
{
	struct tui *t = arg;
	struct side *side = ev->side;
	struct tui_sideview *sv;
	struct sbuf b;

	(void)lab;
	t->dirty = true;
	check_history_record(&t->d.hist, ev);
	if (ev->type == LEV_SEGMENT) {
		tui_wire_segment(t, ev->seg);
		return;
	}
	if (side == NULL || side->index < 0 ||
	    (size_t)side->index >= sizeof t->sv / sizeof t->sv[0]) {
		if (ev->type == LEV_NOTE) {
			tui_row_text(t, -1, TR_DIM, ev->text);
			tui_message(t, false, "%s", ev->text);
		}
		return;
	}
	sv = &t->sv[side->index];
	sbuf_init(&b);
	switch (ev->type) {
	case LEV_CALL:
		break;		/* its source line: tui_observe_source below */
	case LEV_RETURN:
		/* The lesson's words on what the call did (not if it failed). */
		if (tui_ev_shown(ev, side)) {
			sv->after = ev->call->err != 0 ? NULL :
			    lesson_narration_text(&t->d.s.lesson, side->name,
			    ev->call->desc->name, true, t->opts->lang);
			sv->after_action = t->action;
		}
		tui_remember_local(t, ev, side);
		tui_row_call(t, ev, side);
		tui_call_brief(&b, ev->call, true);
		if (tui_ev_shown(ev, side)) {
			strlcpy(sv->last, sbuf_str(&b), sizeof sv->last);
			sv->last_action = t->action;
		}
		tui_message(t, false, "%s %s", ev->task != NULL ?
		    ev->task->name : side->name, sbuf_str(&b));
		break;
	case LEV_BLOCKED:
		tui_row_call(t, ev, side);
		tui_message(t, false, "%s BLOCKED in %s()", ev->task != NULL ?
		    ev->task->name : side->name, ev->call->desc->name);
		break;
	case LEV_OUTPUT:
		sbuf_addf(&b, "out: %s", ev->text);
		tui_row_text(t, side->index, TR_DIM, sbuf_str(&b));
		break;
	case LEV_EXIT:
		wait_status_format(&b, side->wait_status);
		tui_row_text(t, side->index, TR_EXITED, sbuf_str(&b));
		tui_message(t, false, "%s %s", side->name, sbuf_str(&b));
		break;
	case LEV_NOTE:
		tui_row_text(t, side->index, TR_DIM, ev->text);
		tui_message(t, false, "%s", ev->text);
		break;
	case LEV_INPUT:		/* typed, not printed: '<' and its own colour */
		if (ev->eof)
			sbuf_add(&b, _("typed: end-of-file (Ctrl-D)"));
		else
			sbuf_addf(&b, _("typed: %s"), ev->text);
		tui_row_text(t, side->index, TR_PENDING, sbuf_str(&b));
		break;
	case LEV_SEGMENT:	/* above */
		break;
	case LEV_INPUT_WAIT:
		tui_row_text(t, side->index, TR_PENDING,
		    _("waiting for input (read() of its terminal)"));
		tui_message(t, false, _("%s is waiting for input: press i to "
		    "type"), side->name);
		break;
	}
	sbuf_finish(&b);
	tui_observe_source(t, side);
}
