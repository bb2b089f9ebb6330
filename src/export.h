/*
 * export.h - what export.c shares with its two formats.  Events of a
 * step are kept until the step ends, so each step's output starts with
 * its heading and ends with the kernel as the step left it.
 */
#ifndef EXPORT_H
#define EXPORT_H

#include "sockstep.h"

#define EXPORT_MAX_FD	64

struct export {
	FILE			*out;
	int			 fmt;
	const struct session	*s;
	enum lang		 lang;
	struct sbuf		 body;		/* the current step so far */
	size_t			 nstep;		/* steps ended */
	/* side index of the other end of (side, fd), -1 unknown */
	signed char		 peer[SOCKSTEP_MAX_CLIENTS + 1][EXPORT_MAX_FD];
	bool			 call_drawn[SOCKSTEP_MAX_CLIENTS + 1];
	struct sbuf		 queue;		/* listeners last shown */
};

int		 export_peer_of_addr(struct lab *, const struct sockaddr_storage *);
void		 export_track(struct export *, struct lab *,
		    const struct lab_event *);
int		 export_peer(const struct export *, int side, int fd);
/* "accept queue 1/5" per listener, "" when there is none */
void		 export_queue_words(struct sbuf *, const struct kview *);

void	export_mermaid_start(struct export *, struct lab *);
void	export_mermaid_event(struct export *, struct lab *,
	    const struct lab_event *);
void	export_mermaid_step(struct export *, struct lab *, const char *);
void	export_mermaid_end(struct export *, struct lab *);

void	export_markdown_start(struct export *, struct lab *);
void	export_markdown_event(struct export *, struct lab *,
	    const struct lab_event *);
void	export_markdown_step(struct export *, struct lab *, const char *);
void	export_markdown_end(struct export *, struct lab *);

#endif
