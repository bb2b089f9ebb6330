/*
 * export.h - what export.c shares with its two formats, the Mermaid
 * and Markdown outputs (output.h).  Events of a step are kept until the
 * step ends, so each step's output starts with its heading and ends
 * with the kernel as the step left it.
 */
#ifndef EXPORT_H
#define EXPORT_H

#include "output.h"

#define EXPORT_MAX_FD	64

struct export {
	struct output		 o;
	struct sbuf		 body;		/* the current step so far */
	/* side index of the other end of (side, fd), -1 unknown */
	signed char		 peer[SOCKSTEP_MAX_CLIENTS + 1][EXPORT_MAX_FD];
	bool			 call_drawn[SOCKSTEP_MAX_CLIENTS + 1];
	struct sbuf		 queue;		/* listeners last shown */
	/* local ports the calls' addresses named, and their side: which
	 * side a segment is between (a closed socket's too) */
	struct {
		struct sockaddr_storage	 addr;
		int			 side;
	}			 ends[EXPORT_MAX_FD];
	size_t			 nends, next_end;
	struct {			/* the last calls: their CALL seq, side */
		uint64_t		 seq;
		int			 side;
	}			 calls[16];
	unsigned		 ncalls;
};
/* The sides at the two ends of a segment, -1 where unknown: from the
 * addresses the calls so far named; an end no call named (a connect
 * that failed) is the side whose call sent it, if the other end is not. */
void		 export_seg_sides(const struct export *,
		    const struct tcp_segment *, int *from, int *to);
/* "(timer: retransmission)" or "" for a step's segment */
void		 export_seg_cause(struct sbuf *, const struct tcp_segment *);

void		 export_begin(struct export *);
void		 export_finish(struct output *);
/* The step's body written out, ready for the next step. */
void		 export_put_body(struct export *);
int		 export_peer_of_addr(struct lab *, const struct sockaddr_storage *);
/* Called after a format has drawn the event: close forgets the peer. */
void		 export_track(struct export *, struct lab *,
		    const struct lab_event *);
int		 export_peer(const struct export *, int side, int fd);
/* "accept queue 1/5" per listener, "" when there is none */
void		 export_queue_words(struct sbuf *, const struct kview *);

#endif
