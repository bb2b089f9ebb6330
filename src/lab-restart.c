/*
 * lab-restart.c - a side started again inside the same run (s!, s!NAME):
 * the old program has ended, a new traced process runs the same command
 * (or another one a lesson names) with the lab's port as it was chosen,
 * and is waited for until it pauses before its first call, as at the
 * start.  A server restarted at once on its port is how students meet
 * TIME-WAIT and EADDRINUSE (issue 18 §6); the port is never picked
 * again, or the kernel's refusal would be hidden.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model.h"
#include "lab-private.h"

/* Only an ended program is started again: ending one that still runs
 * would be a second thing under one key, and what it held (a connection
 * closed by its death, not by its close()) would change the lesson. */
static int
lab_restart_ready(struct lab *lab, struct side *side, char *err,
    size_t errlen)
{
	struct task *t;
	const char *call = side->call.desc != NULL ? side->call.desc->name :
	    "?";
	char now[48];

	switch (side->state) {
	case SIDE_EXITED:
	case SIDE_KILLED:
		break;
	case SIDE_NOT_STARTED:
		snprintf(err, errlen, "%s has not started yet", side->name);
		return -1;
	default:
		if (side->state == SIDE_BEFORE_CALL)
			snprintf(now, sizeof now, "paused before %s()", call);
		else if (side->state == SIDE_BLOCKED)
			snprintf(now, sizeof now, "blocked in %s()", call);
		else
			snprintf(now, sizeof now, "running");
		snprintf(err, errlen, "%s is still running (%s): it is started "
		    "again only once it has exited; let it run to its end, "
		    "or end it (k on the screen)", side->name, now);
		return -1;
	}
	for (t = lab_task_next(lab, side, NULL); t != NULL;
	    t = lab_task_next(lab, side, t)) {
		if (lab_task_alive(t) && !t->refused) {
			snprintf(err, errlen, "%s has exited, but %s (process "
			    "%d) still runs: it is started again only once "
			    "every task of it has ended", side->name, t->name,
			    (int)t->tid);
			return -1;
		}
	}
	return 0;
}

/* What is left of the old program: its last output, its terminal, the
 * session leader that held it (whose death the event loop collects). */
static void
lab_restart_clear(struct lab *lab, struct side *side)
{
	lab_drain_output(lab, side);
	lab_flush_output(lab, side);
	if (side->leader > 0)
		kill(side->leader, SIGKILL);
	if (side->pty != -1)
		close(side->pty);
	if (side->pty_held != -1)
		close(side->pty_held);
	side->pty = side->pty_held = -1;
	sc_call_clear(&side->call);
	memset(&side->call, 0, sizeof side->call);
	/* A fresh program: the flow strip, its fds' ports start over.  Its
	 * output so far stays, as a terminal keeps the last run's lines. */
	side->wrote_other = false;
	side->in_call = false;
	side->execed = false;
	side->sleep_since = 0;
	side->idle_activity = side->activity;
	side->wait_status = 0;
	side->reaped = false;
	side->stop_sig = 0;
	side->stopped = false;
	side->stages_done = 0;
	side->stage = STAGE_NONE;
	side->wchan[0] = '\0';
	memset(side->bound_port, 0, sizeof side->bound_port);
	/* Its ended tasks are the old program's: the new one's are
	 * numbered from 1 again, the first keeping the side's name. */
	lab_side_forget_tasks(lab, side);
	/* A new terminal: nothing typed is on its way, nothing awaited
	 * (lines still fed by --stdin go on to the new program). */
	side->awaiting_input = false;
	side->input_sent = false;
	side->input_tid = 0;	/* the new program's reader is found anew */
	side->input_look = 0;
}

int
lab_restart_side(struct lab *lab, struct side *side, char **argv,
    char *err, size_t errlen)
{
	struct trace_spawning sp;
	char path[sizeof side->path], *slash;
	pid_t pid, leader;
	struct sbuf words;
	int pty;
	size_t i;

	if (lab_busy(lab)) {
		snprintf(err, errlen, "the lab is still busy");
		return -1;
	}
	if (lab_restart_ready(lab, side, err, errlen) == -1)
		return -1;
	if (argv == NULL)
		argv = side->argv;
	if (trace_resolve(argv[0], path, sizeof path, err, errlen) == -1)
		return -1;
	lab_restart_clear(lab, side);
	if (trace_spawn_start(path, argv, lab_side_netns(lab, side), &sp, err,
	    errlen) == -1)
		return -1;
	if (trace_spawn_finish(&sp, &pid, &leader, &pty, err, errlen) == -1)
		return -1;
	if (argv != side->argv) {
		char **copy = xcalloc(1, sizeof *copy);
		size_t n = 0;

		while (argv[n] != NULL) {
			copy = xreallocarray(copy, n + 2, sizeof *copy);
			copy[n] = xstrdup(argv[n]);
			copy[++n] = NULL;
		}
		strv_free(side->argv);
		side->argv = copy;
	}
	strlcpy(side->path, path, sizeof side->path);
	side->pid = pid;
	side->leader = leader;
	side->pty = pty;
	(void)lab_task_add(lab, pid, side);
	lab_side_sync(lab, side);
	lab->sock_gen++;	/* a new process: its sockets are new */
	lab->kv_valid = false;

	sbuf_init(&words);
	slash = strrchr(side->argv[0], '/');
	sbuf_add(&words, slash != NULL ? slash + 1 : side->argv[0]);
	for (i = 1; side->argv[i] != NULL; i++)
		sbuf_addf(&words, " %s", side->argv[i]);
	lab_note(lab, side, "%s started again: '%s' (pid %d); the lab's "
	    "port is still %u", side->name, sbuf_str(&words), (int)pid,
	    lab->port);
	sbuf_finish(&words);
	return lab_begin(lab, LAB_OP_START, side, err, errlen);
}
