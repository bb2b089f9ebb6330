/*
 * lesson-check.c - a lesson's checks: small sentences about what the
 * kernel and the programs must show at a step, evaluated against the
 * kernel view of that moment and the calls the programs really made.
 *
 *	queue = 1			the listener's accept queue (sock_diag)
 *	backlog = 5			its backlog (sock_diag)
 *	sockets SYN-SENT = 2		sockets on the port in a TCP state
 *	orphans TIME-WAIT = 1		... that no lab process holds
 *	accept-queue = 3		connections waiting for accept()
 *	accept-queue unread = 10	bytes sent to them, not read yet
 *	server unread = 5		bytes a side's sockets hold unread
 *	syn-queue = 1			the listener's half-open requests (sock_diag)
 *	listen-overflows >= 1		TcpExt ListenOverflows (/proc/net/netstat)
 *	listen-drops >= 1		TcpExt ListenDrops
 *	client unacked = 0		bytes a side wrote, not acknowledged yet
 *	client4 retransmits >= 1	segments a side's sockets sent again (tcp_info)
 *	client connect = -1 ECONNREFUSED	the last return of a call
 *	server accept >= 0
 *	server blocked accept		asleep in that call (/proc)
 *	client is exited		the side's state
 *	client output "Hello World!"	a line the program printed
 *	client origin bind		who chose the address: bind or kernel
 *	client local-port = port2	the port getsockname gave after connect
 *	segments S. = 1			segments with these flags (tcpdump's
 *					letters) on the lab network so far
 */
#include <netinet/in.h>

#include <stdlib.h>
#include <string.h>

#include "lesson.h"

enum check_kind {
	CK_QUEUE, CK_BACKLOG, CK_SOCKETS, CK_ACCEPTQ, CK_RET, CK_BLOCKED,
	CK_IS, CK_OUTPUT, CK_ORIGIN, CK_LOCALPORT, CK_UNREAD, CK_ORPHANS,
	CK_SYNQ, CK_OVERFLOWS, CK_LDROPS, CK_UNACKED, CK_RETRANS,
	CK_SEGMENTS,
};

/* The forms that count something in the kernel view, without a side:
 * WORD [WORD2] [STATE] OP N.  The first that matches is taken. */
static const struct {
	const char	*word;
	const char	*word2;		/* a second word, NULL none */
	bool		 state;		/* a TCP state follows */
	enum check_kind	 kind;
} check_counts[] = {
	{ "queue", NULL, false, CK_QUEUE },
	{ "backlog", NULL, false, CK_BACKLOG },
	/* side "": the accept queue's */
	{ "accept-queue", "unread", false, CK_UNREAD },
	{ "accept-queue", NULL, false, CK_ACCEPTQ },
	{ "sockets", NULL, true, CK_SOCKETS },
	/* No process holds it: a TIME-WAIT, or one its program left. */
	{ "orphans", NULL, true, CK_ORPHANS },
	/* issue 16 §3: the queue before the accept queue, and the lab
	 * namespace's counts of requests a full listener dropped */
	{ "syn-queue", NULL, false, CK_SYNQ },
	{ "listen-overflows", NULL, false, CK_OVERFLOWS },
	{ "listen-drops", NULL, false, CK_LDROPS },
};

/* SIDE WORD OP N: a count over the side's sockets. */
static const struct {
	const char	*word;
	enum check_kind	 kind;
} check_side_counts[] = {
	{ "local-port", CK_LOCALPORT },
	{ "unread", CK_UNREAD },
	{ "unacked", CK_UNACKED },
	{ "retransmits", CK_RETRANS },
};
enum check_op { OP_EQ, OP_NE, OP_GE, OP_LE, OP_GT, OP_LT };

static const char *const op_names[] = {
	[OP_EQ] = "=", [OP_NE] = "!=", [OP_GE] = ">=", [OP_LE] = "<=",
	[OP_GT] = ">", [OP_LT] = "<",
};

#define CHECK_MAX_WORDS 6

struct check_expr {
	enum check_kind	 kind;
	char		 side[16];
	char		 word[64];	/* call, TCP state, side state, origin, text */
	enum check_op	 op;
	long long	 value;
	bool		 value_port2;
	char		 errname[24];
};

static int
split_words(const char *s, char w[][64], int max)
{
	int n = 0;
	size_t len;

	while (*s != '\0') {
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0')
			break;
		if (n == max)
			return -1;
		len = 0;
		if (*s == '"') {
			for (s++; *s != '\0' && *s != '"'; s++)
				if (len < 63)
					w[n][len++] = *s;
			if (*s != '"')
				return -1;
			s++;
		} else {
			for (; *s != '\0' && *s != ' ' && *s != '\t'; s++)
				if (len < 63)
					w[n][len++] = *s;
		}
		w[n++][len] = '\0';
	}
	return n;
}

static int
parse_op(const char *s, enum check_op *op)
{
	size_t i;

	for (i = 0; i < sizeof op_names / sizeof op_names[0]; i++)
		if (strcmp(s, op_names[i]) == 0) {
			*op = (enum check_op)i;
			return 0;
		}
	return -1;
}

static int
parse_value(const char *s, struct check_expr *c)
{
	const char *errstr;

	if (strcmp(s, "port2") == 0) {
		c->value_port2 = true;
		return 0;
	}
	c->value = strtonum(s, -4096, 1LL << 40, &errstr);
	return errstr == NULL ? 0 : -1;
}

static bool
is_side_name(const char *s)
{
	if (strcmp(s, "server") == 0 || strcmp(s, "client") == 0)
		return true;
	return strncmp(s, "client", 6) == 0 && s[6] >= '2' && s[6] <= '9' &&
	    s[7] == '\0';
}

static bool
is_tcp_state(const char *s)
{
	int i;

	for (i = 1; i <= 12; i++)
		if (strcmp(tcp_state_name(i), s) == 0)
			return true;
	return false;
}

static bool
is_side_state(const char *s)
{
	int i;

	for (i = SIDE_NOT_STARTED; i <= SIDE_KILLED; i++)
		if (strcmp(side_state_name((enum side_state)i), s) == 0)
			return true;
	return strcmp(s, "waiting-for-input") == 0;	/* lab-input.c */
}

int
check_parse(const char *expr, struct check_expr *c, char *err, size_t errlen)
{
	char w[CHECK_MAX_WORDS][64];
	int n = split_words(expr, w, CHECK_MAX_WORDS), at;
	size_t i;

	memset(c, 0, sizeof *c);
	if (n < 2)
		goto bad;
	for (i = 0; i < sizeof check_counts / sizeof check_counts[0]; i++) {
		if (strcmp(w[0], check_counts[i].word) != 0 ||
		    (check_counts[i].word2 != NULL &&
		    strcmp(w[1], check_counts[i].word2) != 0))
			continue;
		at = 1 + (check_counts[i].word2 != NULL) +
		    check_counts[i].state;	/* where OP is */
		if (n != at + 2)
			goto bad;
		c->kind = check_counts[i].kind;
		if (check_counts[i].state && !is_tcp_state(w[at - 1])) {
			snprintf(err, errlen, "'%s' is not a TCP state "
			    "(LISTEN, SYN-SENT, ESTABLISHED, ...)", w[at - 1]);
			return -1;
		}
		if (check_counts[i].state)
			strlcpy(c->word, w[at - 1], sizeof c->word);
		if (parse_op(w[at], &c->op) == -1 ||
		    parse_value(w[at + 1], c) == -1)
			goto bad;
		return 0;
	}
	/* issue 16 §4: segments FLAGS OP N, the letters as the wire
	 * lines print them (S, S., ., P., F., R, R.) */
	if (strcmp(w[0], "segments") == 0) {
		if (n != 4 || w[1][strspn(w[1], "SFRP.UEW")] != '\0' ||
		    parse_op(w[2], &c->op) == -1 || parse_value(w[3], c) == -1)
			goto bad;
		c->kind = CK_SEGMENTS;
		strlcpy(c->word, w[1], sizeof c->word);
		return 0;
	}
	if (!is_side_name(w[0])) {
		snprintf(err, errlen, "'%s' is not a side (server, client, "
		    "client2...) nor queue, backlog, sockets, orphans, "
		    "accept-queue, syn-queue, listen-overflows, listen-drops, "
		    "segments", w[0]);
		return -1;
	}
	strlcpy(c->side, w[0], sizeof c->side);
	strlcpy(c->word, n > 2 ? w[2] : "", sizeof c->word);
	if (strcmp(w[1], "blocked") == 0 && n == 3) {
		c->kind = CK_BLOCKED;
		if (sc_lookup_name(w[2]) == NULL)
			goto badcall;
		return 0;
	}
	if (strcmp(w[1], "is") == 0 && n == 3) {
		c->kind = CK_IS;
		if (!is_side_state(w[2])) {
			snprintf(err, errlen, "'%s' is not a side state "
			    "(before-call, running, waiting-for-input, blocked, "
			    "exited, killed)",
			    w[2]);
			return -1;
		}
		return 0;
	}
	if (strcmp(w[1], "output") == 0 && n == 3) {
		c->kind = CK_OUTPUT;
		return 0;
	}
	if (strcmp(w[1], "origin") == 0 && n == 3) {
		c->kind = CK_ORIGIN;
		if (strcmp(w[2], "bind") != 0 && strcmp(w[2], "kernel") != 0)
			goto bad;
		return 0;
	}
	for (i = 0; i < sizeof check_side_counts / sizeof check_side_counts[0];
	    i++) {
		if (strcmp(w[1], check_side_counts[i].word) != 0 || n != 4)
			continue;
		c->kind = check_side_counts[i].kind;
		if (parse_op(w[2], &c->op) == -1 || parse_value(w[3], c) == -1)
			goto bad;
		if (c->value_port2 && c->kind != CK_LOCALPORT)
			goto bad;
		return 0;
	}
	/* SIDE CALL OP VALUE [ERRNO] */
	strlcpy(c->word, w[1], sizeof c->word);
	c->kind = CK_RET;
	if (sc_lookup_name(w[1]) == NULL)
		goto badcall;
	if ((n != 4 && n != 5) || parse_op(w[2], &c->op) == -1 ||
	    parse_value(w[3], c) == -1 || c->value_port2)
		goto bad;
	if (n == 5)
		strlcpy(c->errname, w[4], sizeof c->errname);
	return 0;
badcall:
	snprintf(err, errlen, "'%s' is not a watched call",
	    c->kind == CK_RET ? w[1] : w[2]);
	return -1;
bad:
	snprintf(err, errlen, "cannot read check '%s' (see the list of check "
	    "forms in the README)", expr);
	return -1;
}

struct check_expr *
check_create(const char *expr, char *err, size_t errlen)
{
	struct check_expr *c = xmalloc(sizeof *c);

	if (check_parse(expr, c, err, errlen) == -1) {
		free(c);
		return NULL;
	}
	return c;
}

void
check_destroy(struct check_expr *c)
{
	free(c);
}

static bool
compare(long long a, enum check_op op, long long b)
{
	switch (op) {
	case OP_EQ: return a == b;
	case OP_NE: return a != b;
	case OP_GE: return a >= b;
	case OP_LE: return a <= b;
	case OP_GT: return a > b;
	case OP_LT: return a < b;
	}
	return false;
}

/* The programs' calls as they returned, for checks about them. */
void
check_history_record(struct check_history *h, const struct lab_event *ev)
{
	struct check_record *r;
	size_t i;

	if (ev->type != LEV_RETURN || ev->side == NULL || ev->call == NULL)
		return;
	/*
	 * Checks ask only for the last return of a call, or a side's last
	 * call: an older return of the same (side, call) is dropped and the
	 * new one goes to the end.  So a free run of 80,000 calls keeps a
	 * handful of records, not 80,000 (it grew sockstep by 5 MB).
	 */
	for (i = 0; i < h->n; i++)
		if (strcmp(h->rec[i].side, ev->side->name) == 0 &&
		    strcmp(h->rec[i].call, ev->call->desc->name) == 0)
			break;
	if (i < h->n) {
		memmove(&h->rec[i], &h->rec[i + 1],
		    (h->n - i - 1) * sizeof *h->rec);
		h->n--;
	} else if (h->n == h->cap) {
		h->cap = h->cap == 0 ? 16 : h->cap * 2;
		h->rec = xreallocarray(h->rec, h->cap, sizeof *h->rec);
	}
	r = &h->rec[h->n++];
	memset(r, 0, sizeof *r);
	strlcpy(r->side, ev->side->name, sizeof r->side);
	strlcpy(r->call, ev->call->desc->name, sizeof r->call);
	r->ret = ev->call->ret;
	r->err = ev->call->err;
	r->origin = ev->local_origin;
	if (ev->local_source != ADDR_NONE)
		r->local_port = sock_port(&ev->local);
}

void
check_history_finish(struct check_history *h)
{
	free(h->rec);
	memset(h, 0, sizeof *h);
}

/* accept4 is accept with flags: a check about one holds for both. */
static bool
same_call(const char *want, const char *got)
{
	return strcmp(want, got) == 0 ||
	    (strcmp(want, "accept") == 0 && strcmp(got, "accept4") == 0);
}

static const struct check_record *
history_last(const struct check_history *h, const char *side, const char *call)
{
	size_t i;

	for (i = h->n; i > 0; i--)
		if (strcmp(h->rec[i - 1].side, side) == 0 &&
		    (call == NULL || same_call(call, h->rec[i - 1].call)))
			return &h->rec[i - 1];
	return NULL;
}

static const struct ksock *
first_listener(const struct kview *kv)
{
	size_t i;

	for (i = 0; i < kv->nsocks; i++)
		if (kv->socks[i].state == TCP_LISTEN_STATE)
			return &kv->socks[i];
	return NULL;
}

static enum check_result
eval_count(const struct check_expr *c, long long got, const char *what,
    long long want, char *why, size_t len)
{
	if (compare(got, c->op, want))
		return CHECK_HELD;
	snprintf(why, len, _("expected %s %s %lld, the kernel shows %lld"),
	    what, op_names[c->op], want, got);
	return CHECK_FAILED;
}

/* Whether the check holds now; else why says what was seen instead, or
 * why it could not be evaluated. */
enum check_result
check_eval(const struct check_expr *c, struct lab *lab,
    const struct check_history *h, uint16_t port2, char *why, size_t len)
{
	const struct kview *kv = lab_kernel(lab);
	const struct ksock *ls = first_listener(kv);
	const struct check_record *r;
	struct side *side = NULL;
	long long want = c->value_port2 ? port2 : c->value, n = 0;
	char what[96];
	size_t i;

	if (c->side[0] != '\0' && (side = lab_side_by_name(lab, c->side)) ==
	    NULL) {
		snprintf(why, len, _("there is no %s in this run"), c->side);
		return CHECK_FAILED;
	}
	switch (c->kind) {
	case CK_QUEUE:
	case CK_BACKLOG:
		if (ls == NULL) {
			snprintf(why, len, "%s", _("no listening socket on the port"));
			return CHECK_FAILED;
		}
		return eval_count(c, c->kind == CK_QUEUE ? ls->rqueue :
		    ls->wqueue, c->kind == CK_QUEUE ? _("accept queue") :
		    "backlog", want, why, len);
	case CK_SYNQ:
		if (ls == NULL) {
			snprintf(why, len, "%s", _("no listening socket on the port"));
			return CHECK_FAILED;
		}
		return eval_count(c, ls->synq, _("SYN queue"), want, why,
		    len);
	case CK_OVERFLOWS:
	case CK_LDROPS:
		if (!kv->netstat_ok) {
			snprintf(why, len, "%s",
			    _("/proc/net/netstat could not be read"));
			return CHECK_FAILED;
		}
		return eval_count(c, c->kind == CK_OVERFLOWS ?
		    (long long)kv->listen_overflows :
		    (long long)kv->listen_drops, c->kind == CK_OVERFLOWS ?
		    "ListenOverflows" : "ListenDrops", want, why, len);
	case CK_SEGMENTS:
		/* Without a capture, or with segments lost, the count is
		 * not the wire's: the check is not evaluated, and says why,
		 * rather than pass or fail on what sockstep did not see. */
		if ((n = lab_wire_count(lab, c->word)) == -1) {
			snprintf(why, len, "%s", lab_wire_off(lab) != NULL ?
			    lab_wire_off(lab) : _("segments are not captured"));
			return CHECK_SKIPPED;
		}
		if (lab_wire_lost(lab) > 0) {
			snprintf(why, len, _("%llu segments were lost from "
			    "the capture"), (unsigned long long)lab_wire_lost(lab));
			return CHECK_SKIPPED;
		}
		snprintf(what, sizeof what, _("segments [%s]"), c->word);
		return eval_count(c, n, what, want, why, len);
	case CK_UNACKED:
	case CK_RETRANS:
		for (i = 0; i < kv->nsocks; i++) {
			const struct ksock *k = &kv->socks[i];
			uint32_t notsent;

			if (k->side != side->index)
				continue;
			n += c->kind == CK_UNACKED ? ksock_unacked(k, &notsent) :
			    k->has_info ? k->total_retrans : 0;
		}
		return eval_count(c, n, c->kind == CK_UNACKED ?
		    _("bytes unacked") : _("segments sent again"), want, why,
		    len);
	case CK_SOCKETS:
		for (i = 0; i < kv->nsocks; i++)
			if (strcmp(tcp_state_name(kv->socks[i].state),
			    c->word) == 0)
				n++;
		return eval_count(c, n, c->word, want, why, len);
	case CK_ORPHANS:
		for (i = 0; i < kv->nsocks; i++)
			if (kv->socks[i].side < 0 &&
			    strcmp(tcp_state_name(kv->socks[i].state),
			    c->word) == 0)
				n++;
		snprintf(what, sizeof what, _("%s held by no process"),
		    c->word);
		return eval_count(c, n, what, want, why, len);
	case CK_ACCEPTQ:
		for (i = 0; i < kv->nsocks; i++)
			n += kv->socks[i].in_accept_queue;
		return eval_count(c, n, _("connections waiting in the accept "
		    "queue"), want, why, len);
	case CK_UNREAD:
		for (i = 0; i < kv->nsocks; i++) {
			const struct ksock *k = &kv->socks[i];
			bool fin;

			if (side != NULL ? k->side == side->index :
			    k->in_accept_queue)
				n += ksock_unread(k, &fin);
		}
		return eval_count(c, n, side != NULL ? _("bytes unread") :
		    _("bytes unread in the accept queue"), want, why, len);
	case CK_BLOCKED:
		for (i = 0; i < kv->nblocked; i++)
			if (kv->blocked[i].side == side->index &&
			    !kv->blocked[i].input &&
			    kv->blocked[i].nr == sc_lookup_name(c->word)->nr)
				return CHECK_HELD;
		snprintf(why, len, _("expected %s blocked in %s(), it is %s"),
		    c->side, c->word, side_state_name(side->state));
		return CHECK_FAILED;
	case CK_IS:
		if (strcmp(side_state_word(side, side->state), c->word) == 0)
			return CHECK_HELD;
		snprintf(why, len, _("expected %s %s, it is %s"), c->side,
		    c->word, side_state_word(side, side->state));
		return CHECK_FAILED;
	case CK_OUTPUT:
		for (i = 0; i < side->nlines; i++)	/* printed, not typed */
			if (!side->typed[i] &&
			    strstr(side->lines[i], c->word) != NULL)
				return CHECK_HELD;
		snprintf(why, len, _("%s never printed \"%s\""), c->side,
		    c->word);
		return CHECK_FAILED;
	case CK_ORIGIN:
	case CK_LOCALPORT:
		r = history_last(h, c->side, "connect");
		if (r == NULL || r->local_port == 0) {
			snprintf(why, len, _("%s has no connected address yet"),
			    c->side);
			return CHECK_FAILED;
		}
		if (c->kind == CK_LOCALPORT)
			return eval_count(c, r->local_port, _("the local port"),
			    want, why, len);
		if (r->origin != NULL && strncmp(r->origin, c->word,
		    strlen(c->word)) == 0)
			return CHECK_HELD;
		if (r->origin != NULL && strcmp(c->word, "kernel") == 0 &&
		    strstr(r->origin, "kernel") != NULL)
			return CHECK_HELD;
		snprintf(why, len, _("expected the address chosen by %s, it "
		    "was %s"), c->word, r->origin != NULL ? r->origin : "unknown");
		return CHECK_FAILED;
	case CK_RET:
		r = history_last(h, c->side, c->word);
		if (r == NULL) {
			snprintf(why, len, _("expected %s() to return, %s has "
			    "not returned from it"), c->word, c->side);
			return CHECK_FAILED;
		}
		if (compare(r->ret, c->op, want) && (c->errname[0] == '\0' ||
		    (r->err != 0 && sc_errno_name(r->err) != NULL &&
		    strcmp(sc_errno_name(r->err), c->errname) == 0)))
			return CHECK_HELD;
		snprintf(why, len, _("expected %s() %s %lld%s%s, it returned "
		    "%lld%s%s"), c->word, op_names[c->op], want,
		    c->errname[0] ? " " : "", c->errname, (long long)r->ret,
		    r->err != 0 ? " " : "",
		    r->err != 0 && sc_errno_name(r->err) ?
		    sc_errno_name(r->err) : "");
		return CHECK_FAILED;
	}
	return CHECK_FAILED;
}

/* A check from its text, evaluated at once; why says what the kernel
 * showed, why it was not evaluated, or what is wrong with the text. */
enum check_result
check_run(const char *expr, struct lab *lab, const struct check_history *h,
    uint16_t port2, char *why, size_t len)
{
	struct check_expr *c;
	enum check_result r;

	if ((c = check_create(expr, why, len)) == NULL)
		return CHECK_FAILED;
	r = check_eval(c, lab, h, port2, why, len);
	check_destroy(c);
	return r;
}
