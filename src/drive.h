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

#include "sockstep.h"

struct drive;
struct drive_hooks {
	/* A step is about to begin (the view keeps the kernel as it was). */
	void	(*begin)(struct drive *, const struct step *, void *arg);
	/* A step ended: it ran (why NULL) or could not run (why says so).
	 * guided: it was the guided order's next step, and counted as it. */
	void	(*stepped)(struct drive *, const struct step *, bool guided,
		    const char *why, void *arg);
	/* A lesson check at its point of the guided order (0: the end). */
	void	(*checked)(struct drive *, unsigned point,
		    const struct lesson_check *, bool ok, const char *why,
		    void *arg);
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
	unsigned	 checks_passed, checks_failed;
	bool		 finished;	/* the guided order ended, checks held */
	/* The path: steps taken since the start (pos of them), and ahead
	 * of pos the ones gone back over with b, for f.  --record saves
	 * path[0..pos). */
	struct step	*path;
	size_t		 npath, pos;
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
const struct step *drive_guided_next(const struct drive *);

#endif
