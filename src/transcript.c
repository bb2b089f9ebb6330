/*
 * transcript.c - two of the batch outputs (output.h).  Text is one
 * strace-like line per event and a one-line kernel summary after each
 * step; JSON Lines is one object per event, each with the kernel
 * snapshot of that moment.  Both print the lesson's checks.
 */
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "output.h"

struct transcript {
	struct output		 o;
	struct sbuf		 buf;
	struct srcmap		*srcmap;	/* JSON: where each call is made */
	struct srcloc		 loc;
	bool			 started;	/* past the wait before step 1 */
};

static const char *const lev_names[] = {
	[LEV_CALL] = "call",
	[LEV_RETURN] = "return",
	[LEV_BLOCKED] = "blocked",
	[LEV_OUTPUT] = "output",
	[LEV_EXIT] = "exit",
	[LEV_NOTE] = "note",
	[LEV_INPUT] = "input",
	[LEV_INPUT_WAIT] = "input_wait",
	[LEV_SEGMENT] = "segment",
};

static const char *const source_names[] = {
	[ADDR_NONE] = NULL,
	[ADDR_GETSOCKNAME] = "getsockname",
	[ADDR_SOCK_DIAG] = "sock_diag",
};

static void
transcript_begin(struct output *o, struct lab *lab)
{
	struct transcript *t = (struct transcript *)o;

	(void)lab;
	sbuf_init(&t->buf);
}

static void
transcript_finish(struct output *o)
{
	struct transcript *t = (struct transcript *)o;

	sbuf_finish(&t->buf);
	srcmap_destroy(t->srcmap);
}

static void
addr_str(struct sbuf *b, const struct sockaddr_storage *ss)
{
	sc_format_addr_port(b, ss);
}

static void
json_kv_str(struct sbuf *b, const char *key, const char *val)
{
	sbuf_addf(b, "\"%s\":", key);
	if (val == NULL)
		sbuf_add(b, "null");
	else
		sbuf_add_json(b, val);
}

static void
json_addr(struct sbuf *b, const char *key, const struct sockaddr_storage *ss)
{
	struct sbuf a;

	sbuf_init(&a);
	addr_str(&a, ss);
	json_kv_str(b, key, sbuf_str(&a));
	sbuf_finish(&a);
}

/* "holders":[{"pid":..,"fd":..,"task_name":"server.2"}, ...]: every
 * lab process that holds the socket (the first few), and how many. */
static void
json_holders(struct sbuf *b, struct lab *lab, const struct ksock *k)
{
	int i;

	sbuf_add(b, "\"holders\":[");
	for (i = 0; i < k->nholders && i < KSOCK_HOLDERS; i++) {
		sbuf_addf(b, "%s{\"pid\":%d,\"fd\":%d,", i ? "," : "",
		    (int)k->holders[i].pid, k->holders[i].fd);
		json_kv_str(b, "task_name", lab_task_name(lab,
		    k->holders[i].pid));
		sbuf_add(b, "}");
	}
	sbuf_addf(b, "],\"nholders\":%d,", k->nholders);
}

/*
 * The rest of a socket's object, closing brace included: bytes written
 * and not acknowledged (Send-Q less a SYN or FIN), and from tcp_info the
 * retransmissions and rtt in microseconds, null where the kernel gives
 * no tcp_info (TIME-WAIT, request socks, no sock_diag).
 */
static void
json_sent(struct sbuf *b, const struct ksock *k)
{
	uint32_t notsent, unacked = ksock_unacked(k, &notsent);

	sbuf_addf(b, ",\"unacked\":%u,", unacked);
	if (k->has_info)
		sbuf_addf(b, "\"notsent\":%u,\"retransmits\":%u,"
		    "\"total_retrans\":%u,\"rtt_us\":%u,\"rttvar_us\":%u}",
		    notsent, k->retransmits, k->total_retrans, k->rtt_us,
		    k->rttvar_us);
	else
		sbuf_add(b, "\"notsent\":null,\"retransmits\":null,"
		    "\"total_retrans\":null,\"rtt_us\":null,"
		    "\"rttvar_us\":null}");
}

/* ,"host":"server"|"client" with two hosts (issue 16 §1): which
 * namespace's sock_diag listed the socket; nothing with one host. */
static void
json_host(struct sbuf *b, const struct kview *kv, const struct ksock *k)
{
	if (kv->nhosts == 2)
		sbuf_addf(b, ",\"host\":\"%s\"", k->host == 1 ? "client" :
		    "server");
}

static void
json_kernel(struct sbuf *b, struct lab *lab, const struct kview *kv)
{
	const char *sep = "";
	size_t i;

	sbuf_add(b, "\"kernel\":{\"diag_ok\":");
	sbuf_add(b, kv->diag_ok ? "true" : "false");
	sbuf_add(b, ",\"listeners\":[");
	for (i = 0; i < kv->nsocks; i++) {
		const struct ksock *k = &kv->socks[i];

		if (k->state != TCP_LISTEN_STATE)
			continue;
		sbuf_addf(b, "%s{", sep);
		json_addr(b, "addr", &k->local);
		sbuf_addf(b, ",\"queue\":%u,\"backlog\":%u,\"syn_queue\":%u,",
		    k->rqueue, k->wqueue, k->synq);
		json_kv_str(b, "side", lab_side_name(lab, k->side));
		sbuf_addf(b, ",\"fd\":%d", k->fd);
		json_host(b, kv, k);
		sbuf_add(b, "}");
		sep = ",";
	}
	sbuf_add(b, "],\"sockets\":[");
	sep = "";
	for (i = 0; i < kv->nsocks; i++) {
		const struct ksock *k = &kv->socks[i];

		sbuf_addf(b, "%s{", sep);
		json_kv_str(b, "side", lab_side_name(lab, k->side));
		if (k->fd >= 0)
			sbuf_addf(b, ",\"pid\":%d,\"fd\":%d,", (int)k->pid,
			    k->fd);
		else
			sbuf_add(b, ",\"pid\":null,\"fd\":null,");
		json_holders(b, lab, k);
		json_kv_str(b, "state", tcp_state_name(k->state));
		sbuf_add(b, ",");
		json_addr(b, "local", &k->local);
		sbuf_add(b, ",");
		json_addr(b, "peer", &k->peer);
		sbuf_addf(b, ",\"rqueue\":%u,\"wqueue\":%u,\"inode\":%llu,"
		    "\"in_kernel_table\":%s,\"in_accept_queue\":%s",
		    k->rqueue, k->wqueue, (unsigned long long)k->inode,
		    k->in_diag ? "true" : "false",
		    k->in_accept_queue ? "true" : "false");
		json_host(b, kv, k);
		json_sent(b, k);
		sep = ",";
	}
	sbuf_add(b, "],");
	/* The lab namespace's counters (null: /proc/net/netstat unreadable) */
	if (kv->netstat_ok)
		sbuf_addf(b, "\"listen_overflows\":%llu,\"listen_drops\":%llu,",
		    (unsigned long long)kv->listen_overflows,
		    (unsigned long long)kv->listen_drops);
	else
		sbuf_add(b, "\"listen_overflows\":null,\"listen_drops\":null,");
	sbuf_add(b, "\"blocked\":[");
	sep = "";
	for (i = 0; i < kv->nblocked; i++) {
		const struct kblocked *kb = &kv->blocked[i];
		const struct sc_desc *d = sc_lookup(kb->nr);

		/* Asleep outside a watched call (sleep(), a tty read) is
		 * not "blocked in a socket call". */
		if (d == NULL || kb->input)
			continue;
		sbuf_addf(b, "%s{", sep);
		json_kv_str(b, "side", lab_side_name(lab, kb->side));
		sbuf_addf(b, ",\"pid\":%d,", (int)kb->pid);
		json_kv_str(b, "task_name", lab_task_name(lab, kb->pid));
		sbuf_add(b, ",");
		json_kv_str(b, "call", d->name);
		sbuf_add(b, ",");
		json_kv_str(b, "wchan", kb->wchan[0] != '\0' ? kb->wchan : NULL);
		sbuf_add(b, "}");
		sep = ",";
	}
	sbuf_add(b, "],\"waiting_for_input\":[");
	sep = "";
	for (i = 0; i < kv->nblocked; i++)
		if (kv->blocked[i].input) {
			sbuf_add(b, sep);
			sbuf_add_json(b, lab_side_name(lab,
			    kv->blocked[i].side));
			sep = ",";
		}
	sbuf_add(b, "]");
	/* Lab sockets with another port, past those looked up: a count. */
	if (kv->nunseen > 0)
		sbuf_addf(b, ",\"not_looked_up\":%zu", kv->nunseen);
	sbuf_add(b, "}");
}

static void
json_args(struct sbuf *b, const struct sc_call *c)
{
	unsigned i;

	sbuf_add(b, "\"args\":[");
	for (i = 0; i < c->desc->nargs; i++) {
		if (i > 0)
			sbuf_addc(b, ',');
		sbuf_add_json(b, c->argstr[i] != NULL ? c->argstr[i] : "?");
	}
	sbuf_add(b, "]");
}

/* The lesson's words for this call: before it runs, or once it returned. */
static const char *
narration(const struct transcript *t, const struct lab_event *ev)
{
	const struct lesson_narration *n;
	bool after;

	/* The rule check-lesson counts by (lesson-validate.c). */
	if ((n = lesson_narration_shown(&t->o.s->lesson, ev, t->o.lang,
	    &after)) == NULL)
		return NULL;
	return after ? n->after[t->o.lang] : n->before[t->o.lang];
}

/*
 * "source":"/path/file.c:37","func":"main" for a call paused at (the
 * tracee is stopped), from the program's debug info wherever it lives;
 * without it, "source":null and "source_why" says what is missing.
 */
static void
json_source(struct transcript *t, pid_t pid)
{
	struct sbuf *b = &t->buf;

	if (t->srcmap == NULL)
		t->srcmap = srcmap_create();
	memset(&t->loc, 0, sizeof t->loc);
	if (srcmap_call_site(t->srcmap, pid, &t->loc) == 0 && t->loc.ok) {
		sbuf_add(b, ",\"source\":");
		sbuf_add_json(b, t->loc.file);
		sbuf_addf(b, ",\"line\":%d,", t->loc.line);
		json_kv_str(b, "func", t->loc.func[0] != '\0' ?
		    t->loc.func : NULL);
	} else {
		sbuf_add(b, ",\"source\":null,");
		json_kv_str(b, "source_why", t->loc.why[0] != '\0' ?
		    t->loc.why : "no source line");
	}
}

/*
 * A segment: tcpdump's fields ("seq" is the TCP sequence number, so the
 * event's own number is "event_seq"), and its cause: the seq of the
 * call event whose call sent it, or "timer" and why; the kernel as
 * every event has it.
 */
static void
json_segment(struct output *o, struct lab *lab, const struct lab_event *ev)
{
	struct transcript *t = (struct transcript *)o;
	const struct tcp_segment *s = ev->seg;
	struct sbuf *b = &t->buf;
	struct sbuf f;

	sbuf_reset(b);
	sbuf_init(&f);
	seg_flags(&f, s);
	/* The keys every event has, null: a filter on them reads it. */
	sbuf_addf(b, "{\"event_seq\":%llu,\"event\":\"segment\","
	    "\"side\":null,\"pid\":null,\"call\":null,\"args\":null,"
	    "\"ret\":null,\"errno\":null,", (unsigned long long)ev->seq);
	json_addr(b, "src", &s->src);
	sbuf_add(b, ",");
	json_addr(b, "dst", &s->dst);
	sbuf_add(b, ",");
	json_kv_str(b, "flags", sbuf_str(&f));
	sbuf_addf(b, ",\"seq\":%u,\"ack\":%u,\"len\":%u,\"win\":%u,"
	    "\"win_scaled\":false,\"relative\":%s", s->seq, s->ack, s->len,
	    s->win, s->seq_rel ? "true" : "false");
	if (s->flags & TH_SYN)	/* its options */
		sbuf_addf(b, ",\"mss\":%u,\"wscale\":%d,\"sack_ok\":%s",
		    s->mss, s->wscale, s->sack_ok ? "true" : "false");
	if (s->cause == SEG_BY_STEP)
		sbuf_addf(b, ",\"cause\":%llu,\"step\":%zu,\"why\":null",
		    (unsigned long long)s->cause_seq, o->nstep + 1);
	else {
		sbuf_addf(b, ",\"cause\":\"%s\",\"step\":null,",
		    s->cause == SEG_BY_END ? "end" : "timer");
		json_kv_str(b, "why", seg_why(s));
	}
	sbuf_add(b, ",");
	json_kernel(b, lab, lab_kernel(lab));
	sbuf_add(b, "}\n");
	fputs(sbuf_str(b), o->out);
	sbuf_finish(&f);
}

static void
json_event(struct output *o, struct lab *lab, const struct lab_event *ev)
{
	struct transcript *t = (struct transcript *)o;
	const char *narr = narration(t, ev);
	struct sbuf *b = &t->buf;
	const struct sc_call *c = ev->call;

	if (ev->type == LEV_SEGMENT) {
		json_segment(o, lab, ev);
		return;
	}
	sbuf_reset(b);
	sbuf_addf(b, "{\"seq\":%llu,", (unsigned long long)ev->seq);
	json_kv_str(b, "side", ev->side != NULL ? ev->side->name : NULL);
	sbuf_addf(b, ",\"pid\":%d,", (int)ev->pid);
	if (ev->task != NULL) {
		sbuf_addf(b, "\"task\":%d,", (int)ev->task->tid);
		json_kv_str(b, "task_name", ev->task->name);
		sbuf_add(b, ",");
	}
	json_kv_str(b, "event", lev_names[ev->type]);
	/* The step of the steps given it happened in: what `sockstep diff`
	 * names (issue 17 §3); none before the first or after the last. */
	if (t->started && o->nstep < o->s->nsteps)
		sbuf_addf(b, ",\"step\":%zu", o->nstep + 1);
	sbuf_add(b, ",");
	json_kv_str(b, "call", c != NULL ? c->desc->name : NULL);
	sbuf_add(b, ",");
	if (c != NULL)
		json_args(b, c);
	else
		sbuf_add(b, "\"args\":null");
	if (c != NULL && ev->type == LEV_RETURN) {
		sbuf_addf(b, ",\"ret\":%lld,", (long long)c->ret);
		json_kv_str(b, "errno", c->err != 0 ?
		    sc_errno_name(c->err) : NULL);
		if (ev->still_held_by != NULL) {
			sbuf_add(b, ",");
			json_kv_str(b, "still_held_by",
			    ev->still_held_by->name);
		}
	} else
		sbuf_add(b, ",\"ret\":null,\"errno\":null");
	if (ev->side != NULL) {
		sbuf_add(b, ",");
		json_kv_str(b, "state", side_state_word(ev->side, ev->state));
	}
	if (ev->type == LEV_OUTPUT || ev->type == LEV_NOTE) {
		sbuf_add(b, ",");
		json_kv_str(b, "text", ev->text);
	}
	if (ev->type == LEV_INPUT) {	/* typed, not printed */
		sbuf_add(b, ",");
		json_kv_str(b, "text", ev->eof ? NULL : ev->text);
		sbuf_addf(b, ",\"eof\":%s", ev->eof ? "true" : "false");
	}
	if (ev->type == LEV_INPUT_WAIT)
		sbuf_addf(b, ",\"fd\":%d", ev->side->input_fd);
	if (ev->type == LEV_BLOCKED || ev->type == LEV_INPUT_WAIT) {
		sbuf_add(b, ",");
		json_kv_str(b, "wchan", ev->text != NULL && *ev->text ?
		    ev->text : NULL);
	}
	if (ev->type == LEV_EXIT && ev->side != NULL) {
		const struct sc_call *last = ev->task != NULL ?
		    &ev->task->call : &ev->side->call;
		struct sbuf s;
		int st = ev->task != NULL ? ev->task->wait_status :
		    ev->side->wait_status;

		sbuf_init(&s);
		wait_status_format(&s, st);
		if (WIFEXITED(st))
			sbuf_addf(b, ",\"status\":%d,\"signal\":null,",
			    WEXITSTATUS(st));
		else
			sbuf_addf(b, ",\"status\":null,\"signal\":%d,",
			    WIFSIGNALED(st) ? WTERMSIG(st) : 0);
		json_kv_str(b, "text", sbuf_str(&s));
		sbuf_finish(&s);
		/* A crash: the last call it made is the student's clue. */
		if (last->desc != NULL) {
			sbuf_init(&s);
			sc_format_call(&s, last);
			sbuf_add(b, ",");
			json_kv_str(b, "last_call", sbuf_str(&s));
			sbuf_finish(&s);
		}
	}
	if (narr != NULL) {
		sbuf_add(b, ",");
		json_kv_str(b, "narration", narr);
	}
	if (ev->type == LEV_CALL)
		json_source(t, ev->pid);
	if (ev->local_source != ADDR_NONE) {
		sbuf_add(b, ",");
		json_addr(b, "local", &ev->local);
		sbuf_add(b, ",");
		json_kv_str(b, "local_source", source_names[ev->local_source]);
		sbuf_add(b, ",");
		json_kv_str(b, "local_origin", ev->local_origin);
	}
	if (ev->peer_source != ADDR_NONE) {
		sbuf_add(b, ",");
		json_addr(b, "peer", &ev->peer);
		sbuf_add(b, ",");
		json_kv_str(b, "peer_source", source_names[ev->peer_source]);
	}
	sbuf_add(b, ",");
	json_kernel(b, lab, lab_kernel(lab));
	sbuf_add(b, "}\n");
	fputs(sbuf_str(b), o->out);
}

static void
text_event(struct output *o, struct lab *lab, const struct lab_event *ev)
{
	struct transcript *t = (struct transcript *)o;
	struct sbuf *b = &t->buf;
	const char *name = ev->side != NULL ? ev->side->name : "sockstep";
	const char *narr = narration(t, ev);
	char who[32];

	(void)lab;
	sbuf_reset(b);
	strlcpy(who, ev->task != NULL ? ev->task->name : name, sizeof who);
	switch (ev->type) {
	case LEV_CALL:
		/* The pause itself is silent; the return line says it all. */
		if (narr != NULL)
			fprintf(o->out, "%-8s » %s\n", who, narr);
		return;
	case LEV_RETURN:
		sbuf_addf(b, "%-8s ", who);
		sc_format_call(b, ev->call);
		/* The words translate (--lang zh); the JSON keeps the
		 * origin as the lab named it. */
		if (ev->local_source != ADDR_NONE) {
			sbuf_addf(b, "  [%s ", _("local"));
			addr_str(b, &ev->local);
			if (ev->local_origin != NULL)
				sbuf_addf(b, ", %s", _(ev->local_origin));
			sbuf_addf(b, _(", from %s]"),
			    source_names[ev->local_source]);
		}
		if (ev->still_held_by != NULL)
			sbuf_addf(b, _("  [%s still holds it: nothing is sent]"),
			    ev->still_held_by->name);
		if (ev->peer_source != ADDR_NONE) {
			sbuf_addf(b, "  [%s ", _("peer"));
			addr_str(b, &ev->peer);
			sbuf_addf(b, _(", from %s]"),
			    ev->peer_source == ADDR_GETSOCKNAME ?
			    "getpeername" : "sock_diag");
		}
		break;
	case LEV_BLOCKED:
		sbuf_addf(b, "%-8s ", who);
		sc_format_call(b, ev->call);
		sbuf_add(b, " blocked");
		if (ev->text != NULL && *ev->text != '\0')
			sbuf_addf(b, " (kernel: %s)", ev->text);
		break;
	case LEV_OUTPUT:
		sbuf_addf(b, "%-8s | %s", who, ev->text);
		break;
	case LEV_EXIT: {
		const struct task *tk = ev->task;
		int st = tk != NULL ? tk->wait_status : ev->side->wait_status;
		const struct sc_call *last = tk != NULL ? &tk->call :
		    &ev->side->call;

		sbuf_addf(b, "%-8s ", who);
		wait_status_format(b, st);
		if (WIFSIGNALED(st) && last->desc != NULL) {
			sbuf_add(b, ", last call ");
			sc_format_call(b, last);
		}
		break;
	}
	case LEV_NOTE:
		sbuf_addf(b, "%-8s -- %s", who, ev->text);
		break;
	case LEV_INPUT:		/* typed: '<', as a shell redirects input */
		if (ev->eof)
			sbuf_addf(b, "%-8s < ^D (end of file)", who);
		else
			sbuf_addf(b, "%-8s < %s", who, ev->text);
		break;
	case LEV_INPUT_WAIT:
		sbuf_addf(b, "%-8s waiting for input: read(%d) of its "
		    "terminal", who, ev->side->input_fd);
		if (ev->text != NULL && *ev->text != '\0')
			sbuf_addf(b, " (kernel: %s)", ev->text);
		break;
	case LEV_SEGMENT:	/* under the call that sent it, as tcpdump says it */
		sbuf_addf(b, "         ~ %s ", _("wire:"));
		seg_format(b, ev->seg);
		if (ev->seg->cause == SEG_BY_TIMER)
			sbuf_addf(b, _("  [timer: %s]"), seg_why_words(ev->seg));
		else if (ev->seg->cause == SEG_BY_END)
			sbuf_addf(b, "  [%s]", seg_why_words(ev->seg));
		break;
	}
	sbuf_addc(b, '\n');
	if (narr != NULL && ev->type == LEV_RETURN)
		sbuf_addf(b, "         » %s\n", narr);
	fputs(sbuf_str(b), o->out);
}

/* "after step 3", "at the end" */
static void
check_point(char *at, size_t len, unsigned point)
{
	if (point == 0)
		strlcpy(at, "at the end", len);
	else
		snprintf(at, len, "after step %u", point);
}

static void
text_check(struct output *o, unsigned point, const char *expr,
    enum check_result r, const char *why)
{
	char at[32];

	check_point(at, sizeof at, point);
	if (r == CHECK_HELD)
		fprintf(o->out, "check    %s: %s: passed\n", at, expr);
	else
		fprintf(o->out, "check    %s: %s: %s: %s\n", at, expr,
		    r == CHECK_FAILED ? "failed" : "not evaluated", why);
}

static void
json_check(struct output *o, unsigned point, const char *expr,
    enum check_result r, const char *why)
{
	struct transcript *t = (struct transcript *)o;
	struct sbuf *b = &t->buf;

	sbuf_reset(b);
	sbuf_addf(b, "{\"event\":\"check\",\"step\":%u,", point);
	json_kv_str(b, "expr", expr);
	sbuf_addf(b, ",\"result\":\"%s\",", r == CHECK_HELD ? "passed" :
	    r == CHECK_FAILED ? "failed" : "skipped");
	json_kv_str(b, "detail", r == CHECK_HELD ? NULL : why);
	sbuf_add(b, "}\n");
	fputs(sbuf_str(b), o->out);
}

/* Once before the first step: events from now on are in a step. */
static void
json_step(struct output *o, struct lab *lab, const char *token)
{
	struct transcript *t = (struct transcript *)o;

	(void)lab;
	if (token == NULL)
		t->started = true;
}

/* After each step: the kernel in brief. */
static void
text_step(struct output *o, struct lab *lab, const char *token)
{
	struct transcript *t = (struct transcript *)o;
	struct sbuf *b = &t->buf;

	if (token == NULL)
		return;
	sbuf_reset(b);
	sbuf_addf(b, "         ~ %s ", _("kernel:"));
	kview_summary(b, lab, lab_kernel(lab));
	sbuf_addc(b, '\n');
	fputs(sbuf_str(b), o->out);
}

const struct output_ops output_text_ops = {
	.size = sizeof(struct transcript),
	.begin = transcript_begin,
	.event = text_event,
	.step = text_step,
	.check = text_check,
	.finish = transcript_finish,
};

const struct output_ops output_json_ops = {
	.size = sizeof(struct transcript),
	.begin = transcript_begin,
	.event = json_event,
	.step = json_step,
	.check = json_check,
	.finish = transcript_finish,
};
