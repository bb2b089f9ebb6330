/*
 * lab-words.c - the model in words, one wording each, shared by the
 * transcript, the exports and the screen: a listener's queue against
 * its backlog, how a program ended, the kernel view in one line.
 */
#include <netinet/tcp.h>
#include <sys/wait.h>

#include <string.h>

#include "model.h"

/* The one wording of a listener's queue against its backlog. */
void
listener_queue_words(struct sbuf *b, const struct ksock *k, const char *label)
{
	sbuf_addf(b, "%s %u/%u", label != NULL ? label : _("accept queue"),
	    k->rqueue, k->wqueue);
}

/* ", SYN queue 1": requests answered, waiting for their last ACK. */
void
syn_queue_words(struct sbuf *b, const struct ksock *k)
{
	if (k->state == TCP_LISTEN_STATE && k->synq > 0)
		sbuf_addf(b, _(", SYN queue %u"), k->synq);
}

void
wait_status_format(struct sbuf *b, int status)
{
	if (WIFEXITED(status))
		sbuf_addf(b, "exited (%d)", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		sbuf_addf(b, "killed by SIG%s", sigabbrev_np(WTERMSIG(status)) ?
		    sigabbrev_np(WTERMSIG(status)) : "?");
	else
		sbuf_add(b, "ended");
}


/* " (held by server, server.2)": a socket more than one lab process
 * holds (a listener a forked child inherited), each by its task; label
 * NULL: "held by" (a view passes its translation). */
void
ksock_holders_words(struct sbuf *b, struct lab *lab, const struct ksock *k,
    const char *label)
{
	const char *name;
	int i;

	if (k->nholders < 2)
		return;
	sbuf_addf(b, " (%s ", label != NULL ? label : _("held by"));
	for (i = 0; i < k->nholders && i < KSOCK_HOLDERS; i++) {
		name = lab_task_name(lab, k->holders[i].pid);
		if (name == NULL)
			name = lab_side_name(lab, k->holders[i].side);
		sbuf_addf(b, "%s%s", i ? ", " : "", name != NULL ? name : "?");
		if (i > 0 && k->holders[i].pid == k->holders[i - 1].pid)
			sbuf_addf(b, " fd %d", k->holders[i].fd);
	}
	if (k->nholders > KSOCK_HOLDERS)
		sbuf_addf(b, " +%d", k->nholders - KSOCK_HOLDERS);
	sbuf_add(b, ")");
}


/*
 * Bytes the kernel holds that no read() has taken yet: data that came
 * before accept(), or before the program's next read().  sock_diag's
 * count is rcv_nxt - copied_seq, so once the peer's FIN is in (the
 * states below) it counts the FIN's sequence number too, until a read()
 * returns 0: that one is not a byte.
 */
uint32_t
ksock_unread(const struct ksock *k, bool *fin)
{
	bool got_fin = k->state == TCP_CLOSE_WAIT ||
	    k->state == TCP_LAST_ACK || k->state == TCP_CLOSING;

	*fin = false;
	if (k->state == TCP_LISTEN_STATE || !k->in_diag || k->rqueue == 0)
		return 0;
	*fin = got_fin;
	return got_fin ? k->rqueue - 1 : k->rqueue;
}

void
unread_words(struct sbuf *b, const struct ksock *k)
{
	bool fin;
	uint32_t n = ksock_unread(k, &fin);

	if (fin && n == 0)
		sbuf_add(b, _(", FIN unread (the next read() returns 0)"));
	else if (n > 0)
		sbuf_addf(b, fin ? ngettext(", %u byte + FIN unread",
		    ", %u bytes + FIN unread", n) : ngettext(", %u byte unread",
		    ", %u bytes unread", n), n);
}

/*
 * Bytes written and not yet acknowledged by the peer (some perhaps not
 * even sent: *notsent of them).  sock_diag's count is write_seq -
 * snd_una, so a SYN or FIN sent and not acknowledged yet counts one
 * sequence number that is not a byte: in SYN-SENT always (`ss` shows
 * Send-Q 1 there), and once our FIN is out (the states below).
 */
uint32_t
ksock_unacked(const struct ksock *k, uint32_t *notsent)
{
	bool ctl = k->state == TCP_SYN_SENT || k->state == TCP_FIN_WAIT1 ||
	    k->state == TCP_CLOSING || k->state == TCP_LAST_ACK;

	*notsent = 0;
	if (k->state == TCP_LISTEN_STATE || !k->in_diag || k->wqueue == 0)
		return 0;
	*notsent = k->has_info ? k->notsent : 0;
	return ctl ? k->wqueue - 1 : k->wqueue;
}

/*
 * ", 5 bytes unacked, 2 SYNs resent": what the sending side
 * holds for the peer, and what it had to send again (tcp_info).  Short: a SYN-SENT row
 * has its two addresses before it on an 80-column screen.
 */
void
sent_words(struct sbuf *b, const struct ksock *k)
{
	uint32_t notsent, n = ksock_unacked(k, &notsent);

	if (n > 0)
		sbuf_addf(b, ngettext(", %u byte unacked", ", %u bytes unacked",
		    n), n);
	if (n > 0 && notsent > 0)
		sbuf_addf(b, _(" (%u not sent yet)"), notsent);
	if (!k->has_info || k->total_retrans == 0)
		return;
	if (k->state == TCP_SYN_SENT)
		sbuf_addf(b, ngettext(", %u SYN resent", ", %u SYNs resent",
		    k->total_retrans), k->total_retrans);
	else
		sbuf_addf(b, ngettext(", %u segment resent",
		    ", %u segments resent", k->total_retrans),
		    k->total_retrans);
}

/* "ListenOverflows 2, ListenDrops 2": the lab's counters, "" if 0. */
void
listen_drops_words(struct sbuf *b, const struct kview *kv)
{
	if (kv->netstat_ok && (kv->listen_overflows > 0 ||
	    kv->listen_drops > 0))
		sbuf_addf(b, "ListenOverflows %llu, ListenDrops %llu",
		    (unsigned long long)kv->listen_overflows,
		    (unsigned long long)kv->listen_drops);
}

/*
 * "queue 1/5 | client 127.0.0.1:37936 ESTABLISHED | server blocked in
 * accept".  The words are translated (--lang zh); addresses, TCP state
 * and call names are the kernel's and stay as they are.
 */
void
kview_summary(struct sbuf *b, struct lab *lab, const struct kview *kv)
{
	const char *sep = "";
	size_t i;

	if (!kv->diag_ok) {
		sbuf_addf(b, _("sock_diag unavailable: %s"), kv->diag_err);
		sep = " | ";
	}
	for (i = 0; i < kv->nsocks; i++) {
		const struct ksock *k = &kv->socks[i];
		const char *owner = lab_side_name(lab, k->side);

		sbuf_add(b, sep);
		sep = " | ";
		if (k->state == TCP_LISTEN_STATE) {
			listener_queue_words(b, k, _("queue"));
			syn_queue_words(b, k);
			ksock_holders_words(b, lab, k, NULL);
			continue;
		}
		/* A connection request the listener answered, whose last
		 * ACK it dropped (queue full): no socket of it exists yet. */
		if (k->state == TCP_SYN_RECV && owner == NULL) {
			sbuf_add(b, _("half-open from "));
			sc_format_addr_port(b, &k->peer);
			sbuf_add(b, " SYN-RECV");
			continue;
		}
		if (k->in_accept_queue) {
			sbuf_add(b, _("in accept queue "));
			sc_format_addr_port(b, &k->peer);
			unread_words(b, k);
			sent_words(b, k);
			continue;
		}
		if (k->side >= 0 && lab_task_name(lab, k->pid) != NULL)
			owner = lab_task_name(lab, k->pid);
		sbuf_addf(b, "%s ", owner != NULL ? owner : _("(no lab process)"));
		if (k->in_diag)
			sc_format_addr_port(b, &k->local);
		else
			sbuf_addf(b, _("fd %d unbound"), k->fd);
		sbuf_addf(b, " %s", tcp_state_name(k->state));
		unread_words(b, k);
		sent_words(b, k);
		ksock_holders_words(b, lab, k, NULL);
	}
	for (i = 0; i < kv->nblocked; i++) {
		const struct sc_desc *d = sc_lookup(kv->blocked[i].nr);
		const char *owner = lab_task_name(lab, kv->blocked[i].pid);

		if (owner == NULL)
			owner = lab_side_name(lab, kv->blocked[i].side);
		if (d == NULL)
			continue;
		if (kv->blocked[i].input) {
			sbuf_addf(b, _("%s%s waiting for input"), sep,
			    owner != NULL ? owner : "?");
			sep = " | ";
			continue;
		}
		sbuf_addf(b, _("%s%s blocked in %s"), sep,
		    owner != NULL ? owner : "?", d->name);
		sep = " | ";
	}
	if (kv->netstat_ok && (kv->listen_overflows > 0 ||
	    kv->listen_drops > 0)) {
		sbuf_add(b, sep);
		listen_drops_words(b, kv);
		sep = " | ";
	}
	if (kv->nunseen > 0) {
		sbuf_addf(b, _("%s%zu more lab sockets with another port, not "
		    "looked up"), sep, kv->nunseen);
		sep = " | ";
	}
	if (*sep == '\0')
		sbuf_add(b, _("no sockets on the port"));
}
