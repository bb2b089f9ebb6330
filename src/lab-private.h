/* lab-private.h - the lab's insides, shared by lab*.c only. */
#ifndef LAB_PRIVATE_H
#define LAB_PRIVATE_H

#include "sockstep.h"

#define LAB_MAX_CHILDREN	64
#define LAB_BLOCKED_MS		10	/* asleep in the call this long: blocked */
#define LAB_IDLE_MS		200	/* asleep between calls this long: idle */
#define LAB_SETTLE_MS		10000	/* a side computing longer is left running */
#define LAB_START_MS		1000	/* ... but at the start, this long */

/* A process a side forked: traced, run freely, its calls reported. */
struct lab_child {
	pid_t			 pid;
	struct side		*side;
	bool			 in_call;
	bool			 seen_stop;	/* its first SIGSTOP was swallowed */
	unsigned		 ncalls;	/* watched calls it made */
	struct sc_call		 call;
	LIST_ENTRY(lab_child)	 entry;
};

struct lab {
	struct side		*sides[SOCKSTEP_MAX_CLIENTS + 1];
	size_t			 nsides;
	uint16_t		 port;
	int			 sigfd;
	uint64_t		 seq;
	lab_observer_fn		 observer;
	void			*observer_arg;
	LIST_HEAD(, lab_child)	 children;
	size_t			 nchildren;
	struct kview		 kv;
	bool			 kv_valid;
	bool			 free_run;	/* all+: pauses are not held */
	/* Bumped when a call that can create or end a socket returns, and
	 * when a process exits or execs: the kernel view's promise that
	 * the port's set of sockets is what its last dump saw (sock-view.c). */
	uint64_t		 sock_gen;
};

void	lab_emit(struct lab *, struct lab_event *);
bool	lab_call_keeps_set(const struct sc_call *);
void	lab_dispatch(struct lab *, const struct trace_event *);

#endif
