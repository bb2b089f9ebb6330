/*
 * net-segment.c - a captured segment in words, shared by every view:
 * tcpdump's own (flag letters, "seq 1:13, ack 1, win 512"), so a
 * student can hold the two side by side, and the short label of the
 * screen's wire lane.
 */
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "model.h"

/* tcpdump's letters, in its order (print-tcp.c tcp_flag_values). */
static const struct {
	uint8_t		 bit;
	char		 letter;
} seg_letters[] = {
	{ TH_FIN, 'F' }, { TH_SYN, 'S' }, { TH_RST, 'R' }, { TH_PUSH, 'P' },
	{ TH_ACK, '.' }, { TH_URG, 'U' }, { 0x40, 'E' }, { 0x80, 'W' },
};

void
seg_flags(struct sbuf *b, const struct tcp_segment *s)
{
	size_t i;

	if (s->flags == 0) {
		sbuf_add(b, "none");
		return;
	}
	for (i = 0; i < sizeof seg_letters / sizeof seg_letters[0]; i++)
		if (s->flags & seg_letters[i].bit)
			sbuf_addc(b, seg_letters[i].letter);
}

void
seg_format(struct sbuf *b, const struct tcp_segment *s)
{
	sc_format_addr_port(b, &s->src);
	sbuf_add(b, " > ");
	sc_format_addr_port(b, &s->dst);
	sbuf_add(b, ": Flags ");
	seg_format_tcp(b, s);
}

void
seg_format_tcp(struct sbuf *b, const struct tcp_segment *s)
{
	const char *sep = "";

	sbuf_add(b, "[");
	seg_flags(b, s);
	sbuf_add(b, "]");
	/* tcpdump: a range when the segment carries sequence space */
	if (s->len > 0)
		sbuf_addf(b, ", seq %u:%u", s->seq, s->seq + s->len);
	else if (s->flags & (TH_SYN | TH_FIN | TH_RST))
		sbuf_addf(b, ", seq %u", s->seq);
	if (s->flags & TH_ACK)
		sbuf_addf(b, ", ack %u", s->ack);
	sbuf_addf(b, ", win %u", s->win);
	if (s->mss != 0 || s->wscale >= 0 || s->sack_ok) {
		sbuf_add(b, ", options [");
		if (s->mss != 0) {
			sbuf_addf(b, "mss %u", s->mss);
			sep = ",";
		}
		if (s->sack_ok) {
			sbuf_addf(b, "%ssackOK", sep);
			sep = ",";
		}
		if (s->wscale >= 0)
			sbuf_addf(b, "%swscale %d", sep, s->wscale);
		sbuf_add(b, "]");
	}
	sbuf_addf(b, ", length %u", s->len);
}

void
seg_label(struct sbuf *b, const struct tcp_segment *s)
{
	if (s->len > 0)
		sbuf_addf(b, "%u B%s", s->len, (s->flags & TH_FIN) ? ",FIN" :
		    "");
	else if (s->flags & TH_SYN)
		sbuf_add(b, (s->flags & TH_ACK) ? "SYN,ACK" : "SYN");
	else if (s->flags & TH_RST)
		sbuf_add(b, "RST");
	else if (s->flags & TH_FIN)
		sbuf_add(b, "FIN");
	else if (s->flags & TH_ACK)
		sbuf_add(b, "ACK");
	else
		seg_flags(b, s);
}

/* The JSON's "why" and the words a view shows for it, by enum seg_again. */
static const struct {
	const char	*key;
	const char	*words;
} seg_whys[] = {
	[SEG_NEW] = { "other", N_("sent with no step") },
	[SEG_RESENT] = { "retransmission", N_("retransmission") },
	[SEG_SYN_AGAIN] = { "syn-resent", N_("SYN sent again") },
	[SEG_ACK] = { "delayed-ack", N_("delayed ACK") },
	[SEG_DUP_ACK] = { "duplicate-ack", N_("duplicate ACK") },
	[SEG_WINDOW] = { "window-update", N_("window update") },
	[SEG_REPLY] = { "reply", N_("answers what a timer sent") },
};

const char *
seg_why(const struct tcp_segment *s)
{
	if (s->cause == SEG_BY_STEP)
		return NULL;
	if (s->cause == SEG_BY_END)
		return "programs-ended";
	return seg_whys[s->again].key;
}

const char *
seg_why_words(const struct tcp_segment *s)
{
	if (s->cause == SEG_BY_STEP)
		return NULL;
	if (s->cause == SEG_BY_END)
		return _("sockstep ended the programs");
	return _(seg_whys[s->again].words);
}
