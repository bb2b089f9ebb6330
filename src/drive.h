/*
 * drive.h - the drive layer: the one way to step a lab, shared by every
 * view (batch, the screen, b/f, replay, --record).  It owns the session,
 * the guided cursor, the check history and counters, the path of steps
 * taken (what --record saves and b/f walk), and the step under way.
 * It never prints and never exits: what happened reaches the view
 * through hooks, errors come back as -1 and a message.
 */
#ifndef DRIVE_H
#define DRIVE_H

#include "lesson.h"

/* port.c */
/* requested 0: a free port from the kernel; explicit: busy is an error;
 * otherwise the default falls back to a free one (note says so). */
int	 port_pick(uint16_t requested, bool explicit, uint16_t *port,
	    char *note, size_t notelen, char *err, size_t errlen);

/* main.c, batch.c, tui*.c: the commands */
struct options {
	const char	*steps;
	bool		 json;
	uint16_t	 port;
	bool		 port_explicit;
	int		 clients;	/* 0: the lesson's */
	enum lang	 lang;
	bool		 lang_explicit;
	/* sockstep run: the user's own programs, on either side or both */
	const char	*run_server;
	const char	*run_client;
	const char	*run_lesson;
	bool		 run_batch;
	/* export.c, record.c, tui-back.c (issue 9) */
	int		 export_fmt;	/* enum export_fmt */
	const char	*record;	/* --record FILE: save the steps taken */
	const char	*replay;	/* --replay FILE (batch) */
	int		 delay_ms;	/* replay --delay MS; 0: space steps */
	bool		 projector;	/* --theme projector (p toggles it) */
	/* --stdin SIDE=FILE (session-input.c): lines for a side's terminal */
	const char	*stdin_spec[SOCKSTEP_MAX_CLIENTS + 1];
	size_t		 nstdin;
	bool		 keyboard;	/* the screen: the learner types, the
					 * lesson's [input] is not fed */
	enum net_mode	 net;		/* --net lab|host (net-lab.c, issue 16) */
	int		 hosts;		/* --hosts 1|2; 0: lessons 2, run 1 */
	/* sockstep grade (grade.c, issue 17 §2) */
	const char	*results;	/* --results FILE: Gradescope JSON */
	unsigned	 time_limit;	/* --time-limit S; 0: the default */
};
/* Everything a run needs, built from a lesson and the options. */
struct session {
	struct lesson	 lesson;
	struct lab	*lab;
	uint16_t	 port;
	uint16_t	 port2;		/* {port2}: a second free port, 0 if unused */
	char		 port_note[160];
	struct net_lab	 net;		/* the lab network, or why not */
	int		 nclients;
	struct step	*steps;		/* guided order, may be NULL */
	size_t		 nsteps;
};
/* Errors are the user's: -1 and a message, nothing left running. */
int	 session_open(struct session *, const char *lesson,
	    const struct options *, char *err, size_t);
void	 session_close(struct session *);
/* session-input.c: --stdin files and the lesson's [input], fed to the
 * lab's sides; errors name the option. */
int	 session_input(struct session *, const struct options *, char *err,
	    size_t);
struct side *session_side(struct session *, int index);
/* The command a side is started again with (s!, s!NAME): its own, or
 * the lesson's program NAME, on the session's ports; NULL and err when
 * the lesson has no such program. */
char	**session_argv(struct session *, int index, const char *prog,
	    char *err, size_t);

/* record.c: a walkthrough file (lesson, port, clients, language, steps) */
struct record {
	char	*lesson;	/* name, or an absolute lesson directory */
	/* The lesson is a directory of its own, not a built-in one: its
	 * commands are whatever that directory's lesson.ini says. */
	bool	 lesson_external;
	uint16_t port;		/* 0: not given */
	int	 clients;	/* 0: not given */
	int	 lang;		/* -1: not given */
	int	 net;		/* -1: not given, else enum net_mode */
	int	 hosts;		/* the lab's hosts, 1 or 2; 0: not given */
	struct sbuf steps;	/* tokens separated by spaces */
	int	 format;	/* 0: not given (older, or by hand) */
	size_t	 end_steps;	/* the `end` line's count */
	unsigned end_line;	/* 0: no `end` line */
};
void	 record_init(struct record *);
void	 record_finish(struct record *);
void	 record_from_session(struct record *, const char *lesson,
	    const struct session *, enum lang);
/* Errors are "FILE:LINE: message", or "FILE: record is cut short (...)"
 * when its `end` line is missing or disagrees. */
int	 record_load(struct record *, const char *path, char *err, size_t);
/* Atomically (atomic.c), mode 0644, steps on lines of bounded length. */
int	 record_save(const struct record *, const char *path, char *err,
	    size_t);
/* The record's lesson, and its settings where the command line gave
 * none; the steps become o->steps (owned by r; the caller refuses
 * --steps beside a record). */
const char *record_apply(const struct record *, struct options *);
bool	 record_is_guided(const struct session *);


struct drive;
struct drive_hooks {
	/* A step is about to begin (the view keeps the kernel as it was). */
	void	(*begin)(struct drive *, const struct step *, void *arg);
	/* A step ended: it ran (why NULL) or could not run (why says so).
	 * guided: it was the guided order's next step, and counted as it. */
	void	(*stepped)(struct drive *, const struct step *, bool guided,
		    const char *why, void *arg);
	/* A lesson check at its point of the guided order (0: the end);
	 * why says what failed, or why it was not evaluated. */
	void	(*checked)(struct drive *, unsigned point,
		    const struct lesson_check *, enum check_result,
		    const char *why, void *arg);
	/* Steps replayed out of sight after drive_restart(..., n) ended:
	 * done of want ran; why names the one that could not. */
	void	(*replayed)(struct drive *, size_t done, size_t want,
		    const char *why, void *arg);
};

struct drive {
	struct session	 s;
	const char	*lesson_name;	/* as asked for: name, number, dir */
	struct options	 opts;		/* a copy: a restart reads them again */
	bool		 checks_on;	/* s.steps is the lesson's guided order */
	size_t		 guided;	/* next step of s.steps */
	struct check_history hist;
	unsigned	 checks_passed, checks_failed, checks_skipped;
	bool		 finished;	/* the guided order ended, checks held */
	/* The path: steps taken since the start (pos of them), and ahead
	 * of pos the ones gone back over with b, for f.  --record saves
	 * path[0..pos). */
	struct step	*path;
	size_t		 npath, pos, path_cap;
	char		 path_lesson[256];	/* the lesson the path is of */
	/* The step under way. */
	bool		 busy;
	struct step	 cur;
	/* b: after a restart, path[0..replay_want) again, out of sight. */
	bool		 replaying;
	size_t		 replay_want;
	const struct drive_hooks *hooks;
	void		*hook_arg;
};

/* Opens the lesson (name, number or directory) and makes its lab. */
int	 drive_open(struct drive *, const char *lesson, const struct options *,
	    const struct drive_hooks *, void *, char *err, size_t);
void	 drive_close(struct drive *);
/* Starts the programs (lab_start); the record file, if any, is written. */
int	 drive_start(struct drive *, char *err, size_t);
/* A new lab on the same lesson: the port may change (the last run's
 * connections may hold it).  replay: that many steps of the path are
 * taken again out of sight (b); 0 for a plain restart (r). */
int	 drive_restart(struct drive *, size_t replay, char *err, size_t);

/* Begins a step (a token: s s+ c c2+ all+); -1 with err when it cannot
 * begin at all.  It ends in drive_advance(), which calls the hooks. */
int	 drive_step(struct drive *, const struct step *, char *err, size_t);
int	 drive_step_token(struct drive *, const char *token, char *err,
	    size_t);
/* The guided order's next step; -1 when there is none left. */
int	 drive_next_guided(struct drive *, char *err, size_t);
/* The next step along the path gone back over (f); -1 if none. */
int	 drive_forward(struct drive *, char *err, size_t);
void	 drive_path_ahead(struct drive *, const struct step *, size_t);
/* A guided step that could not run is passed (grading): its checks are
 * evaluated all the same. */
void	 drive_skip_guided(struct drive *);
/* The lesson's checks at one point of the guided order (0: the end). */
void	 drive_checks(struct drive *, unsigned point);

/* One turn of the caller's loop: waits at most timeout_ms for the lab,
 * moves the step on; 1 while a step is under way, else 0. */
int	 drive_advance(struct drive *, int timeout_ms);
bool	 drive_busy(const struct drive *);
int	 drive_tick_ms(const struct drive *);	/* -1 when idle */
/* Waits for the step under way (batch). */
void	 drive_wait(struct drive *);
/* Abandons it; the sides stay as they are. */
void	 drive_cancel(struct drive *);
struct lab *drive_lab(const struct drive *);
void	 drive_commands_note(const struct drive *, char *, size_t);
const struct step *drive_guided_next(const struct drive *);

#endif
