/*
 * export-markdown.c - the run as a handout: the lesson's title and goal,
 * then a section per step with each call as it really returned, the
 * lesson's narration for it, what the programs printed, and a table of
 * the kernel's sockets as the step left them.
 */
#include <string.h>

#include "export.h"
#include "config.h"

/* `text` in a code span long enough for the backticks inside it;
 * in a table cell, '|' must be escaped even there (GFM). */
static void
md_code(struct sbuf *b, const char *s, bool cell)
{
	size_t run = 0, longest = 0, i;
	const char *p;

	for (p = s; *p != '\0'; p++) {
		run = *p == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	for (i = 0; i <= longest; i++)
		sbuf_addc(b, '`');
	if (*s == '`' || (*s != '\0' && s[strlen(s) - 1] == '`'))
		sbuf_addc(b, ' ');
	for (p = s; *p != '\0'; p++) {
		if (cell && *p == '|')
			sbuf_addc(b, '\\');
		sbuf_addc(b, *p == '\n' ? ' ' : *p);
	}
	if (*s == '`' || (*s != '\0' && s[strlen(s) - 1] == '`'))
		sbuf_addc(b, ' ');
	for (i = 0; i <= longest; i++)
		sbuf_addc(b, '`');
}

/* Plain text: nothing in it starts Markdown by accident. */
static void
md_text(struct sbuf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		if (strchr("\\`*_[]<>|#", *s) != NULL)
			sbuf_addc(b, '\\');
		sbuf_addc(b, *s == '\n' ? ' ' : *s);
	}
}

static void
md_begin(struct output *o, struct lab *lab)
{
	const struct lesson *l = &o->s->lesson;
	const char *title = l->title[o->lang] != NULL ? l->title[o->lang] :
	    l->title[LANG_EN];
	const char *goal = l->goal[o->lang] != NULL ? l->goal[o->lang] :
	    l->goal[LANG_EN];
	struct sbuf b;
	size_t i;

	(void)lab;
	export_begin((struct export *)o);
	sbuf_init(&b);
	sbuf_add(&b, "# ");
	md_text(&b, l->name);
	if (title != NULL) {
		sbuf_add(&b, ": ");
		md_text(&b, title);
	}
	sbuf_add(&b, "\n\n");
	if (goal != NULL) {
		sbuf_add(&b, "**Goal.** ");
		md_text(&b, goal);
		sbuf_add(&b, "\n\n");
	}
	sbuf_addf(&b, "A handout written by sockstep %s from a real run on "
	    "port %u with %d client%s", SOCKSTEP_VERSION, o->s->port,
	    o->s->nclients, o->s->nclients == 1 ? "" : "s");
	if (o->s->nsteps > 0) {
		sbuf_add(&b, ", steps ");
		for (i = 0; i < o->s->nsteps; i++)
			sbuf_addf(&b, "%s%s", i ? " " : "`",
			    o->s->steps[i].token);
		sbuf_add(&b, "`");
	}
	sbuf_add(&b, ". Every call below really ran; the kernel tables were "
	    "read from the kernel (sock_diag, /proc, getsockname) after "
	    "each step.\n\n");
	fputs(sbuf_str(&b), o->out);
	sbuf_finish(&b);
}

static void
md_return(struct export *x, const struct lab_event *ev)
{
	const struct sc_call *c = ev->call;
	const char *name = c->desc->name, *before, *after;
	const struct lesson *l = &x->o.s->lesson;
	enum lang lang = x->o.lang;
	struct sbuf b;

	sbuf_init(&b);
	sc_format_call(&b, c);
	sbuf_addf(&x->body, "- **%s** ", ev->side->name);
	md_code(&x->body, sbuf_str(&b), false);
	if (ev->local_source != ADDR_NONE) {
		sbuf_reset(&b);
		sc_format_addr_port(&b, &ev->local);
		sbuf_add(&x->body, " — local ");
		md_code(&x->body, sbuf_str(&b), false);
		if (ev->local_origin != NULL)
			sbuf_addf(&x->body, ", %s", ev->local_origin);
	}
	if (ev->peer_source != ADDR_NONE) {
		sbuf_reset(&b);
		sc_format_addr_port(&b, &ev->peer);
		sbuf_add(&x->body, " — peer ");
		md_code(&x->body, sbuf_str(&b), false);
	}
	sbuf_addc(&x->body, '\n');
	before = lesson_narration_text(l, ev->side->name, name, false, lang);
	after = c->err == 0 ? lesson_narration_text(l, ev->side->name, name,
	    true, lang) : NULL;
	if (before != NULL) {
		sbuf_add(&x->body, "  - *Before:* ");
		md_text(&x->body, before);
		sbuf_addc(&x->body, '\n');
	}
	if (after != NULL) {
		sbuf_add(&x->body, "  - *After:* ");
		md_text(&x->body, after);
		sbuf_addc(&x->body, '\n');
	}
	sbuf_finish(&b);
}

static void
md_event(struct output *o, struct lab *lab, const struct lab_event *ev)
{
	struct export *x = (struct export *)o;
	const char *me = ev->task != NULL ? ev->task->name :
	    ev->side != NULL ? ev->side->name : "sockstep";
	struct sbuf b;

	(void)lab;
	sbuf_init(&b);
	switch (ev->type) {
	case LEV_CALL:
		break;
	case LEV_RETURN:
		md_return(x, ev);
		break;
	case LEV_BLOCKED:
		sbuf_addf(&b, "%s(", ev->call->desc->name);
		sc_format_args(&b, ev->call);
		sbuf_addc(&b, ')');
		sbuf_addf(&x->body, "- **%s** BLOCKED in ", me);
		md_code(&x->body, sbuf_str(&b), false);
		if (ev->text != NULL && *ev->text != '\0') {
			sbuf_add(&x->body, " (the kernel put it to sleep in ");
			md_code(&x->body, ev->text, false);
			sbuf_add(&x->body, ")");
		}
		sbuf_addc(&x->body, '\n');
		break;
	case LEV_OUTPUT:
		sbuf_addf(&x->body, "- **%s** prints ", me);
		md_code(&x->body, ev->text, false);
		sbuf_addc(&x->body, '\n');
		break;
	case LEV_EXIT:
		/* The task that ended (a child's end is not its side's). */
		wait_status_format(&b, ev->task != NULL ?
		    ev->task->wait_status : ev->side->wait_status);
		sbuf_addf(&x->body, "- **%s** %s\n", me, sbuf_str(&b));
		break;
	case LEV_INPUT:
		if (ev->eof)
			sbuf_addf(&x->body, "- **%s** is typed end-of-file "
			    "(Ctrl-D)\n", me);
		else {
			sbuf_addf(&x->body, "- **%s** is typed ", me);
			md_code(&x->body, ev->text, false);
			sbuf_addc(&x->body, '\n');
		}
		break;
	case LEV_INPUT_WAIT:
		sbuf_addf(&x->body, "- **%s** waits for input (read() of its "
		    "terminal)\n", me);
		break;
	case LEV_NOTE:
		sbuf_addf(&x->body, "- *%s:* ", me);
		md_text(&x->body, ev->text);
		sbuf_addc(&x->body, '\n');
		break;
	case LEV_SEGMENT:	/* under the call that sent it */
		seg_format(&b, ev->seg);
		sbuf_add(&x->body, "  - wire: ");
		md_code(&x->body, sbuf_str(&b), false);
		sbuf_reset(&b);
		export_seg_cause(&b, ev->seg);
		md_text(&x->body, sbuf_str(&b));
		sbuf_addc(&x->body, '\n');
		break;
	}
	sbuf_finish(&b);
}

static void
md_addr_cell(struct sbuf *b, const struct sockaddr_storage *ss, bool set)
{
	struct sbuf a;

	if (!set) {
		sbuf_add(b, " |");
		return;
	}
	sbuf_init(&a);
	sc_format_addr_port(&a, ss);
	if (a.len >= 2 && strcmp(a.s + a.len - 2, ":0") == 0) {
		sbuf_add(b, " |");	/* no address yet */
		sbuf_finish(&a);
		return;
	}
	sbuf_addc(b, ' ');
	md_code(b, sbuf_str(&a), true);
	sbuf_add(b, " |");
	sbuf_finish(&a);
}

/* The kernel's sockets on the lab's port, as a table. */
static void
md_kernel(struct export *x, struct lab *lab, const char *when)
{
	const struct kview *kv = lab_kernel(lab);
	struct sbuf *b = &x->body;
	size_t i;

	sbuf_addf(b, "\n**Kernel %s**", when);
	if (!kv->diag_ok) {
		sbuf_add(b, ": sock_diag unavailable: ");
		md_text(b, kv->diag_err);
	}
	sbuf_add(b, "\n\n");
	if (kv->nsocks == 0)
		sbuf_add(b, "*No sockets on the lab's port.*\n");
	else
		sbuf_add(b, "| owner | fd | state | local | peer | note |\n"
		    "|---|---|---|---|---|---|\n");
	for (i = 0; i < kv->nsocks; i++) {
		const struct ksock *k = &kv->socks[i];
		const char *owner = lab_side_name(lab, k->side);
		bool listen = k->state == TCP_LISTEN_STATE;

		sbuf_addf(b, "| %s |", owner != NULL ? owner :
		    k->in_accept_queue ? "(accept queue)" : "(no lab process)");
		if (k->fd >= 0)
			sbuf_addf(b, " %d |", k->fd);
		else
			sbuf_add(b, " |");
		sbuf_addf(b, " %s |", tcp_state_name(k->state));
		md_addr_cell(b, &k->local, k->in_diag);
		md_addr_cell(b, &k->peer, k->in_diag && !listen);
		if (listen) {
			sbuf_addc(b, ' ');
			listener_queue_words(b, k, NULL);
			sbuf_add(b, " |\n");
		} else if (k->in_accept_queue)
			sbuf_add(b, " not yet accepted |\n");
		else if (!k->in_diag)
			sbuf_add(b, " not bound yet |\n");
		else
			sbuf_add(b, " |\n");
	}
	for (i = 0; i < kv->nblocked; i++) {
		const struct sc_desc *d = sc_lookup(kv->blocked[i].nr);
		const char *owner = lab_side_name(lab, kv->blocked[i].side);

		if (d == NULL)
			continue;
		sbuf_addf(b, "\n%s is blocked in `%s()`", owner != NULL ?
		    owner : "?", d->name);
		if (kv->blocked[i].wchan[0] != '\0')
			sbuf_addf(b, " (kernel: `%s`)", kv->blocked[i].wchan);
		sbuf_addc(b, '\n');
	}
}

static void
md_step(struct output *o, struct lab *lab, const char *token)
{
	struct export *x = (struct export *)o;
	char when[64];
	const struct step *st = token != NULL && o->nstep <= o->s->nsteps ?
	    &o->s->steps[o->nstep - 1] : NULL;
	const char *who;

	if (token == NULL) {
		fputs("## Start\n\n", o->out);
		md_kernel(x, lab, "at the start");
	} else {
		who = st != NULL && st->op == STEP_ALL ? "every side" :
		    st != NULL && st->op == STEP_WAIT ? "the kernel's timers" :
		    st != NULL ? lab_side_name(lab, st->side) : NULL;
		fprintf(o->out, "## Step %zu: `%s`%s%s\n\n", o->nstep, token,
		    who != NULL ? " — " : "", who != NULL ? who : "");
		snprintf(when, sizeof when, "after step %zu", o->nstep);
		md_kernel(x, lab, when);
	}
	export_put_body(x);
	fputc('\n', o->out);
}

static void
md_end(struct output *o, struct lab *lab)
{
	struct export *x = (struct export *)o;

	(void)lab;
	if (x->body.len == 0)
		return;
	fputs("## End\n\n", o->out);
	export_put_body(x);
	fputc('\n', o->out);
}

const struct output_ops output_markdown_ops = {
	.size = sizeof(struct export),
	.begin = md_begin,
	.event = md_event,
	.step = md_step,
	.end = md_end,
	.finish = export_finish,
};
