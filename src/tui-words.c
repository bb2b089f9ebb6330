/*
 * tui-words.c - a side's state in words a student can read:
 * "paused before connect()", "BLOCKED in accept() — waiting for a
 * connection", "exited (0)"; what a blocked call waits for and what
 * wakes it; a call in brief for the timeline.
 */
#include <sys/wait.h>

#include <string.h>

#include "tui.h"

#define WAKE_DATA	N_("the other side's write() or close() wakes it")
#define WAKE_ROOM	N_("the other side's read() makes room")

static const struct {
	const char	*call;
	const char	*waiting;
	const char	*brief;		/* for a narrow column */
	const char	*wake;
} tui_block_words[] = {
	{ "accept", N_("waiting for a connection"), N_("no connection yet"),
	  N_("a client's connect() wakes it") },
	{ "accept4", N_("waiting for a connection"), N_("no connection yet"),
	  N_("a client's connect() wakes it") },
	{ "connect", N_("waiting for the handshake (accept queue full?)"),
	  N_("queue full?"), N_("an accept() on the server makes room") },
	{ "read", N_("waiting for data"), N_("no data yet"), WAKE_DATA },
	{ "recvfrom", N_("waiting for data"), N_("no data yet"), WAKE_DATA },
	{ "recvmsg", N_("waiting for data"), N_("no data yet"), WAKE_DATA },
	{ "write", N_("waiting for room in the send buffer"),
	  N_("buffer full"), WAKE_ROOM },
	{ "sendto", N_("waiting for room in the send buffer"),
	  N_("buffer full"), WAKE_ROOM },
	{ "sendmsg", N_("waiting for room in the send buffer"),
	  N_("buffer full"), WAKE_ROOM },
	{ "close", N_("sending what is left (SO_LINGER)"), N_("lingering"),
	  N_("it ends by itself") },
};

static int
tui_block_find(const struct side *side)
{
	size_t i;

	if (side->call.desc == NULL)
		return -1;
	for (i = 0; i < sizeof tui_block_words / sizeof tui_block_words[0];
	    i++)
		if (strcmp(tui_block_words[i].call, side->call.desc->name) == 0)
			return (int)i;
	return -1;
}

const char *
tui_waiting_for(const struct side *side)
{
	int i = tui_block_find(side);

	return i == -1 ? _("asleep in the kernel") :
	    _(tui_block_words[i].waiting);
}

const char *
tui_waiting_brief(const struct side *side)
{
	int i = tui_block_find(side);

	return i == -1 ? _("asleep") : _(tui_block_words[i].brief);
}

const char *
tui_wake_hint(const struct side *side)
{
	int i = tui_block_find(side);

	return i == -1 ? _("another side's step may wake it") :
	    _(tui_block_words[i].wake);
}

/* brief: the words for a narrow column ("BLOCKED in read(): no data yet") */
void
tui_state_words(struct sbuf *b, const struct side *side, bool brief,
    enum tui_role *role)
{
	const char *call = side->call.desc != NULL ? side->call.desc->name :
	    "?";

	*role = TR_NORMAL;
	switch (side->state) {
	case SIDE_NOT_STARTED:
		sbuf_add(b, _("not started"));
		*role = TR_DIM;
		break;
	case SIDE_BEFORE_CALL:
		sbuf_addf(b, _("paused before %s()"), call);
		*role = TR_PENDING;
		break;
	case SIDE_RUNNING:
		if (side->in_call)
			sbuf_addf(b, _("running in %s()"), call);
		else if (side->awaiting_input) {	/* read() of its tty */
			sbuf_add(b, brief ? _("waiting for input: i types") :
			    _("waiting for input (read() of its terminal): "
			    "press i to type"));
			*role = TR_PENDING;
		} else
			sbuf_add(b, _("running (between socket calls)"));
		break;
	case SIDE_BLOCKED:
		if (brief)
			sbuf_addf(b, _("BLOCKED in %s(): %s"), call,
			    tui_waiting_brief(side));
		else
			sbuf_addf(b, _("BLOCKED in %s() %s %s"), call,
			    tui_glyph(TG_DASH), tui_waiting_for(side));
		*role = TR_BLOCKED;
		break;
	case SIDE_EXITED:
	case SIDE_KILLED:
		wait_status_format(b, side->wait_status);
		/* A crash: where it was, as far as the lab saw. */
		if (WIFSIGNALED(side->wait_status) && side->call.desc != NULL)
			sbuf_addf(b, _(", last call %s()"),
			    side->call.desc->name);
		*role = side->state == SIDE_EXITED &&
		    WIFEXITED(side->wait_status) &&
		    WEXITSTATUS(side->wait_status) == 0 ? TR_EXITED : TR_ERROR;
		break;
	}
}

/* "{AF_INET, 127.0.0.1:9190}" -> "127.0.0.1:9190" */
static void
tui_addr_brief(struct sbuf *b, const char *s)
{
	const char *p = strstr(s, ", ");
	size_t n;

	if (s[0] != '{' || p == NULL) {
		sbuf_add(b, s);
		return;
	}
	p += 2;
	n = strlen(p);
	sbuf_addn(b, p, n > 0 && p[n - 1] == '}' ? n - 1 : n);
}

/* "bind(3, 127.0.0.1:9190) = 0", "write(4, \"Hello\") = 5" */
void
tui_call_brief(struct sbuf *b, const struct sc_call *c, bool ret)
{
	const char *sep = "";
	unsigned i;

	sbuf_addf(b, "%s(", c->desc->name);
	for (i = 0; i < c->desc->nargs; i++) {
		const char *a = c->argstr[i] != NULL ? c->argstr[i] : "?";

		switch (c->desc->arg[i]) {
		case SA_FD:
		case SA_INT:
		case SA_SHUT_HOW:
		case SA_BUF_IN:
			break;
		case SA_BUF_OUT:
			if (!c->returned)
				continue;
			break;
		case SA_SOCKADDR_IN:
			sbuf_add(b, sep);
			tui_addr_brief(b, a);
			sep = ", ";
			continue;
		default:
			continue;
		}
		sbuf_addf(b, "%s%s", sep, a);
		sep = ", ";
	}
	sbuf_add(b, ")");
	if (!ret || !c->returned)
		return;
	if (c->err != 0)
		sbuf_addf(b, " = -1 %s", sc_errno_name(c->err) != NULL ?
		    sc_errno_name(c->err) : "error");
	else
		sbuf_addf(b, " = %lld", (long long)c->ret);
	/* accept's peer, getsockname's answer: the address it wrote */
	if (c->err == 0 && c->addr_len > 0) {
		sbuf_addf(b, " %s ", tui_glyph(TG_RIGHT));
		sc_format_addr_port(b, &c->addr);
	}
}

const char *
tui_explain(const struct tui *t, const struct sc_call *c)
{
	const char *zh = c->desc->explain_zh, *en = c->desc->explain_en;

	if (t->opts->lang == LANG_ZH && zh != NULL)
		return zh;
	return en != NULL ? en : "";
}
