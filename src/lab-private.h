/* lab-private.h - the lab's insides, shared by lab*.c only. */
#ifndef LAB_PRIVATE_H
#define LAB_PRIVATE_H

#include <signal.h>

#include "model.h"

#define LAB_MAX_TASKS		1024	/* tasks of a lab at once; more are ended */
#define LAB_MAX_OBSERVERS	4	/* the drive, a view, an export */
#define LAB_BLOCKED_MS		10	/* asleep in the call this long: blocked */
#define LAB_IDLE_MS		200	/* asleep between calls this long: idle */
#define LAB_SETTLE_MS		10000	/* a side computing longer is left running */
#define LAB_START_MS		1000	/* ... but at the start, this long */
#define LAB_REAP_MS		5000	/* killed tasks collected within this */
#define LAB_SLEEP_MS		5000	/* a sleep with a timeout is waited for */
#define LAB_EXTRA_CALLS		64	/* s@call: calls run through, at most */
/* w: how long a blocked call is waited for.  A SYN that got no answer is
 * sent again up to about two minutes after the first (tcp_syn_schedule);
 * past that, connect() has failed and returned anyway. */
#define LAB_WAIT_MS		140000

enum lab_phase {
	PH_REACH,	/* the side was running: wait for its next call */
	PH_SETTLE,	/* a call was let run: wait for every side to settle */
	PH_ALL,		/* all+: everything runs, until all are still */
	PH_RETURN,	/* w: until a call blocked at the start returns */
};
struct lab_job {		/* lab-run.c: what lab_advance() moves on */
	enum lab_op		 op;
	enum lab_phase		 phase;
	struct side		*side;
	struct task		*task;		/* the one it steps; NULL: the side */
	unsigned		 max;		/* calls to let run; 0: no limit */
	unsigned		 steps;		/* calls let run so far */
	uint64_t		 since;		/* ms: the phase began, or last life */
	uint64_t		 limit;		/* ms the phase may last */
	uint64_t		 seen;		/* lab->seq at the last look */
	uint64_t		 life;		/* side->activity at the last look */
	char			 target[16];	/* STEP to this call ("" none) */
	char			 took[16];	/* the last call it let run */
	unsigned		 blocked;	/* w: sides blocked at the start, by bit */
	int			 rc;		/* of the job that ended */
	char			 err[256];
};

struct lab {
	struct side		*sides[SOCKSTEP_MAX_CLIENTS + 1];
	size_t			 nsides;
	uint16_t		 port;
	int			 sigfd;
	uint64_t		 seq;
	struct {
		lab_observer_fn	 fn;
		void		*arg;
	}			 obs[LAB_MAX_OBSERVERS];
	size_t			 nobs;
	TAILQ_HEAD(tasklist, task) tasks;		/* every task, in order of appearance */
	size_t			 nlive;		/* of them not ended */
	struct kview		 kv;
	bool			 kv_valid;
	bool			 free_run;	/* all+: pauses are not held */
	/* Bumped when a call that can create or end a socket returns, and
	 * when a process exits or execs: the kernel view's promise that
	 * the port's set of sockets is what its last dump saw (sock-view.c). */
	uint64_t		 sock_gen;
	struct lab_job		 job;
	struct trace_fds	*fds;		/* which (pid, fd) are sockets */
	bool			 said_setuid;	/* lab_exec_setuid, once a run */
	bool			 said_order;	/* all+'s order of events, once */
	unsigned		 blocked_at_end; /* sides blocked as the last job ended */
	volatile sig_atomic_t	*stop;		/* set by a signal: stop waiting */
	/* lab-wire.c: the segments */
	struct net_capture	*wire;		/* NULL: none captured */
	int			 wire_fd;
	char			 wire_off[320];	/* why none ("" when captured) */
	uint64_t		 wire_cause;	/* CALL seq of the call let run; 0 none */
	uint64_t		 wire_lost;	/* ring overflows said so far */
	uint32_t		 wire_count[256];	/* segments shown, by flags byte */
	bool			 wire_failed;
	bool			 wire_quiet;	/* ending quietly: none shown */
	struct task		*wire_task;	/* ... the task of that call */
	struct tcp_segment	*wire_held;	/* until that call returns */
	size_t			 wire_nheld, wire_held_cap;
	/* The last few segments timers sent: what answers them is theirs. */
#define LAB_WIRE_TIMED	16
	struct {
		struct sockaddr_storage	 src, dst;
	}			 wire_timed[LAB_WIRE_TIMED];
	unsigned		 wire_ntimed;
	int			 client_ns;	/* clients' netns, -1: ours */
};
#define LAB_WIRE_END	UINT64_MAX	/* wire_cause: sockstep ends them */

void	lab_emit(struct lab *, struct lab_event *);
/* The network namespace a side's program runs in: the server on
 * sockstep's host, clients on the client host when there are two. */
int	lab_side_netns(const struct lab *, const struct side *);
bool	lab_call_keeps_set(const struct sc_call *);
void	lab_dispatch(struct lab *, const struct trace_event *);
int	lab_resume_call(struct lab *, struct task *);
/* lab-wire.c */
void	lab_wire_close(struct lab *);
void	lab_wire_start(struct lab *);
void	lab_wire_drain(struct lab *);
void	lab_wire_cause(struct lab *, struct task *);
void	lab_wire_idle(struct lab *);
void	lab_wire_flush(struct lab *);
void	lab_wire_after(struct lab *, const struct task *);
bool	lab_task_timed(struct lab *, struct task *);
/* lab-task.c */
bool	lab_task_alive(const struct task *);
/* lab-close.c: is a closed socket still held by another lab process? */
void	lab_close_enter(struct lab *, struct task *);
struct task *lab_close_holder(struct lab *, struct task *);
struct task *lab_task_find(const struct lab *, pid_t tid);
struct task *lab_task_add(struct lab *, pid_t tid, struct side *);
void	lab_task_adopt(struct lab *, struct task *, struct side *);
void	lab_task_ended(struct lab *, struct task *, int status);
void	lab_task_free_all(struct lab *);
void	lab_side_sync(struct lab *, struct side *);
void	lab_side_forget_tasks(struct lab *, struct side *);
void	lab_sync_all(struct lab *);
/* lab-input.c, lab-output.c */
void	lab_input_free(struct side *);
void	lab_side_token(const struct side *, char *, size_t);
void	lab_output_escape(struct sbuf *, const char *);

#endif
