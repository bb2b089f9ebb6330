/*
 * tui-back.c - going back in time by going forward again.  The kernel
 * cannot undo a call, so `b` restarts the programs and replays the
 * steps taken so far but the last one, out of sight, then shows that
 * state ("replayed": the port and the pids are new).  `f` walks forward
 * along the same path until a different step is taken.  The path is
 * the drive's (drive.c), the same one --record saves; `sockstep replay
 * FILE` makes the record's steps the path ahead: space takes them with
 * the lesson's questions, f without, --delay MS one every MS, a
 * deadline of the screen's one loop.
 */
#include <stdlib.h>
#include <string.h>

#include "tui.h"

void
tui_back_back(struct tui *t)
{
	if (drive_busy(&t->d)) {
		tui_message(t, true, "%s", _("a step is still under way: "
		    "k/K ends a side, q quits"));
		return;
	}
	if (t->d.pos == 0) {
		tui_message(t, true, "%s", _("nothing to go back to: no step "
		    "taken since the start"));
		return;
	}
	/* The loop restarts the lab (tui_restart) and the drive replays
	 * this many steps out of sight. */
	t->restart = true;
	t->restart_back = true;
	t->restart_replay = t->d.pos - 1;
}

void
tui_back_forward(struct tui *t)
{
	char err[256];

	t->trying_guided = false;
	if (drive_busy(&t->d)) {
		tui_message(t, true, "%s", _("a step is still under way: "
		    "k/K ends a side, q quits"));
		return;
	}
	if (drive_forward(&t->d, err, sizeof err) == -1)
		tui_message(t, true, "%s", err);
}

/* The drive took the path again after b's restart: say where we are. */
void
tui_replayed(struct drive *d, size_t done, size_t want, const char *why,
    void *arg)
{
	struct tui *t = arg;

	t->stepped = done > 0;
	t->dirty = true;
	if (why != NULL)
		tui_message(t, true, "replayed %zu of %zu steps; step %zu (%s) "
		    "did not run again: %s", done, want, done + 1,
		    d->path[done].token, why);
	else if (done < d->npath)
		tui_message(t, false, "replayed %zu step%s out of sight: back "
		    "before step %zu (%s), port %u; f goes forward", done,
		    done == 1 ? "" : "s", done + 1, d->path[done].token,
		    d->s.port);
}

/* sockstep replay: the record's steps are the path ahead. */
void
tui_replay_start(struct tui *t)
{
	drive_path_ahead(&t->d, t->d.s.steps, t->d.s.nsteps);
	t->replay_started = true;
	tui_message(t, false, "replay of %s: %zu steps; %s", t->opts->replay,
	    t->d.s.nsteps, t->opts->delay_ms > 0 ? "one every --delay, any "
	    "key still works" : "space takes the next one (with the "
	    "lesson's questions), f without");
	if (t->opts->delay_ms > 0)
		t->replay_due = lab_now_ms() + (uint64_t)t->opts->delay_ms;
}

/* replay --delay: the next step when it is due; ms until then, -1 if
 * there is nothing to wait for. */
int
tui_replay_tick(struct tui *t, uint64_t now)
{
	if (t->replay_due == 0 || t->quit)
		return -1;
	if (now < t->replay_due)
		return (int)(t->replay_due - now);
	if (drive_busy(&t->d))	/* the last one is still under way */
		return 5;
	if (t->d.pos >= t->d.npath) {
		t->replay_due = 0;
		tui_message(t, false, _("replay done: %zu steps"), t->d.npath);
		t->dirty = true;
		return -1;
	}
	tui_back_forward(t);	/* f: a step without the lesson's question */
	t->replay_due = now + (uint64_t)t->opts->delay_ms;
	t->dirty = true;
	return t->opts->delay_ms;
}
