/*
 * lab-wire.c - the lab's segments (issue 16 §2): the capture opened in
 * the lab's network namespace, drained in the one poll loop, and each
 * segment tied to the step that caused it, as a LEV_SEGMENT event.
 *
 * A segment read while a call a step let run is under way belongs to
 * that call (cause_seq: its CALL event).  One read while nothing runs
 * was sent by the kernel's timers, and what it repeats says which
 * (net-capture.c).  A repeat is a timer's even during a step: a step's
 * call sends what was not sent before.  The capture is drained as a
 * job begins (what came between steps is the timers') and as it ends,
 * so a step's segments come before the view of the kernel after it:
 * the kernel hands a segment to the capture before the call that sent
 * it returns, on lo and on a veth alike.
 */
#include <stdlib.h>
#include <string.h>

#include <netinet/in.h>

#include "model.h"
#include "lab-private.h"


void
lab_wire_close(struct lab *lab)
{
	free(lab->wire_held);
	lab->wire_held = NULL;
	lab->wire_nheld = lab->wire_held_cap = 0;
	net_capture_close(lab->wire);
	lab->wire = NULL;
	lab->wire_fd = -1;
}

/* As the lab starts, in its namespace, before anything runs; or why
 * not, said once: an empty wire is not a quiet one. */
void
lab_wire_start(struct lab *lab)
{
	char err[200];

	if (lab->wire == NULL && lab->wire_off[0] == '\0') {
		if ((lab->wire = net_capture_open(err, sizeof err)) != NULL)
			lab->wire_fd = net_capture_fd(lab->wire);
		else
			snprintf(lab->wire_off, sizeof lab->wire_off,
			    _("segments are not captured: %s"), err);
	}
	if (lab->wire_off[0] != '\0')
		lab_note(lab, NULL, "%s", lab->wire_off);
}

/* After a RETURN or BLOCKED event: a call's segments follow it (the
 * loop did not poll for them while it ran: lab_pollfds). */
void
lab_wire_after(struct lab *lab, const struct task *t)
{
	if (t != lab->wire_task)
		return;
	lab_wire_drain(lab);
	lab_wire_flush(lab);
}

static void
lab_wire_emit(struct lab *lab, struct tcp_segment *seg)
{
	struct lab_event ev = { .type = LEV_SEGMENT, .seg = seg };

	lab->wire_count[seg->flags]++;
	lab_emit(lab, &ev);
}

/* The segments held back for a call that had not returned yet. */
void
lab_wire_flush(struct lab *lab)
{
	size_t i, n = lab->wire_nheld;

	lab->wire_nheld = 0;
	for (i = 0; i < n; i++)
		lab_wire_emit(lab, &lab->wire_held[i]);
}

/*
 * The call that sends a segment may still be on its way to its return
 * stop when the capture wakes the loop: its segments are held until
 * that return (or its sleep) is shown, so they follow it.
 */
static bool
lab_wire_holding(const struct lab *lab)
{
	const struct task *t = lab->wire_task;

	return t != NULL && lab->wire_cause == t->paused_seq && t->in_call &&
	    t->state == SIDE_RUNNING && lab_task_alive(t);
}

static bool
lab_wire_same(const struct sockaddr_storage *a,
    const struct sockaddr_storage *b)
{
	return a->ss_family == b->ss_family &&
	    memcmp(a, b, a->ss_family == AF_INET ? sizeof(struct sockaddr_in) :
	    sizeof(struct sockaddr_in6)) == 0;
}

/*
 * A timer's segment is remembered; one that answers it (the SYN-ACK to a
 * SYN sent again, the ACK to that) was sent by no timer of its own: it
 * is a reply, not a delayed ACK.
 */
static void
lab_wire_timed(struct lab *lab, struct tcp_segment *s)
{
	unsigned i, n = lab->wire_ntimed < LAB_WIRE_TIMED ?
	    lab->wire_ntimed : LAB_WIRE_TIMED;

	for (i = 0; i < n && s->answers && s->again != SEG_RESENT &&
	    s->again != SEG_SYN_AGAIN; i++)
		if (lab_wire_same(&lab->wire_timed[i].src, &s->dst) &&
		    lab_wire_same(&lab->wire_timed[i].dst, &s->src)) {
			s->again = SEG_REPLY;
			break;
		}
	i = lab->wire_ntimed++ % LAB_WIRE_TIMED;
	lab->wire_timed[i].src = s->src;
	lab->wire_timed[i].dst = s->dst;
}

static void
lab_wire_segment(void *arg, const struct tcp_segment *s)
{
	struct lab *lab = arg;
	struct tcp_segment seg = *s;

	if (lab->wire_quiet)
		return;
	if (lab->wire_cause == LAB_WIRE_END)
		seg.cause = SEG_BY_END;
	else if (lab->wire_cause != 0 && seg.again != SEG_RESENT &&
	    seg.again != SEG_SYN_AGAIN) {
		seg.cause = SEG_BY_STEP;
		seg.cause_seq = lab->wire_cause;
	} else {
		seg.cause = SEG_BY_TIMER;
		lab_wire_timed(lab, &seg);
	}
	if (lab_wire_holding(lab)) {
		if (lab->wire_nheld == lab->wire_held_cap) {
			lab->wire_held_cap = lab->wire_held_cap * 2 + 8;
			lab->wire_held = xreallocarray(lab->wire_held,
			    lab->wire_held_cap, sizeof *lab->wire_held);
		}
		lab->wire_held[lab->wire_nheld++] = seg;
		return;
	}
	lab_wire_flush(lab);
	lab_wire_emit(lab, &seg);
}

void
lab_wire_drain(struct lab *lab)
{
	uint64_t lost;
	int n;

	if (lab->wire == NULL)
		return;
	if ((n = net_capture_drain(lab->wire, lab_wire_segment, lab)) == -1 &&
	    !lab->wire_failed) {
		lab->wire_failed = true;
		lab_note(lab, NULL, "%s", _("the capture of segments failed: "
		    "the wire shows no more"));
	}
	/* A ring that overflowed holds segments: asked only then. */
	if (n <= 0)
		return;
	lost = net_capture_lost(lab->wire);
	if (lost > lab->wire_lost && !lab->wire_quiet) {
		lab_note(lab, NULL, _("%llu segments lost: the capture buffer "
		    "overflowed (%llu so far)"),
		    (unsigned long long)(lost - lab->wire_lost),
		    (unsigned long long)lost);
		lab->wire_lost = lost;
	}
}

/* The call a job lets run now: what the wire carries next is its doing. */
void
lab_wire_cause(struct lab *lab, struct task *t)
{
	uint64_t seq = t->paused_seq;

	/* What came before was another call's (a job that began drained
	 * what came before it; all+ goes on at every stop: there the last
	 * call let run takes what a pump finds). */
	if (seq != lab->wire_cause && lab->wire_cause != 0 && !lab->free_run)
		lab_wire_drain(lab);
	lab_wire_flush(lab);
	lab->wire_cause = seq;
	lab->wire_task = t;
}

/* No call is let run: what the wire carries next is the timers'. */
void
lab_wire_idle(struct lab *lab)
{
	lab_wire_drain(lab);
	lab_wire_flush(lab);
	lab->wire_cause = 0;
	lab->wire_task = NULL;
}

const char *
lab_wire_off(const struct lab *lab)
{
	return lab->wire_off[0] != '\0' ? lab->wire_off : NULL;
}

uint64_t
lab_wire_lost(const struct lab *lab)
{
	return lab->wire_lost;
}

/*
 * The segments shown so far whose flags read as letters ("S.", "P.",
 * "F.": tcpdump's, seg_flags()), for a lesson's check; -1 when nothing
 * is captured (lab_wire_off says why).
 */
long long
lab_wire_count(const struct lab *lab, const char *letters)
{
	struct tcp_segment s;
	struct sbuf b;
	long long n = 0;
	unsigned f;

	if (lab->wire == NULL)
		return -1;
	memset(&s, 0, sizeof s);
	sbuf_init(&b);
	for (f = 0; f < 256; f++) {
		if (lab->wire_count[f] == 0)
			continue;
		s.flags = (uint8_t)f;
		sbuf_reset(&b);
		seg_flags(&b, &s);
		if (strcmp(sbuf_str(&b), letters) == 0)
			n += lab->wire_count[f];
	}
	sbuf_finish(&b);
	return n;
}
