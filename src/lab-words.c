/*
 * lab-words.c - the model in words, one wording each, shared by the
 * transcript, the exports and the screen: a listener's queue against
 * its backlog, how a program ended, the kernel view in one line.
 */
#include <sys/wait.h>

#include <string.h>

#include "model.h"

/* The one wording of a listener's queue against its backlog. */
void
listener_queue_words(struct sbuf *b, const struct ksock *k, const char *label)
{
	sbuf_addf(b, "%s %u/%u", label != NULL ? label : "accept queue",
	    k->rqueue, k->wqueue);
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


/* "queue 1/5 | client 127.0.0.1:37936 ESTABLISHED | server blocked in accept" */
void
kview_summary(struct sbuf *b, struct lab *lab, const struct kview *kv)
{
	const char *sep = "";
	size_t i;

	if (!kv->diag_ok) {
		sbuf_addf(b, "sock_diag unavailable: %s", kv->diag_err);
		sep = " | ";
	}
	for (i = 0; i < kv->nsocks; i++) {
		const struct ksock *k = &kv->socks[i];
		const char *owner = lab_side_name(lab, k->side);

		sbuf_add(b, sep);
		sep = " | ";
		if (k->state == TCP_LISTEN_STATE) {
			listener_queue_words(b, k, "queue");
			continue;
		}
		if (k->in_accept_queue) {
			sbuf_add(b, "in accept queue ");
			sc_format_addr_port(b, &k->peer);
			continue;
		}
		sbuf_addf(b, "%s ", owner != NULL ? owner : "(no lab process)");
		if (k->in_diag)
			sc_format_addr_port(b, &k->local);
		else
			sbuf_addf(b, "fd %d unbound", k->fd);
		sbuf_addf(b, " %s", tcp_state_name(k->state));
	}
	for (i = 0; i < kv->nblocked; i++) {
		const struct sc_desc *d = sc_lookup(kv->blocked[i].nr);
		const char *owner = lab_side_name(lab, kv->blocked[i].side);

		if (d == NULL)
			continue;
		if (kv->blocked[i].input) {
			sbuf_addf(b, "%s%s waiting for input", sep,
			    owner != NULL ? owner : "?");
			sep = " | ";
			continue;
		}
		sbuf_addf(b, "%s%s blocked in %s", sep,
		    owner != NULL ? owner : "?", d->name);
		sep = " | ";
	}
	if (kv->nunseen > 0) {
		sbuf_addf(b, "%s%zu more lab sockets with another port, not "
		    "looked up", sep, kv->nunseen);
		sep = " | ";
	}
	if (*sep == '\0')
		sbuf_add(b, "no sockets on the port");
}
