/*
 * lab-input.c - a side's keyboard: lines typed into its terminal, and
 * whether it waits for them.
 *
 * Typing is writing to the pty master, as a terminal emulator does.
 * The pty is in canonical mode (the program's read() gets one line, and
 * VEOF on a fresh line is end-of-file) without echo: the lab reports
 * each typed line as an INPUT event, distinct from what the program
 * prints, so no view shows a line twice (trace-spawn.c sets the mode).
 *
 * "Waiting for input" is read from the kernel, never guessed: the task
 * is asleep, /proc/PID/syscall says read() on fd N, and /proc/PID/fd/N
 * is this side's pty slave.
 */
#include <sys/syscall.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "model.h"
#include "lab-private.h"

/* --stdin's lines, typed one each time the side waits for input. */
struct side_feed {
	char	**lines;
	size_t	  n, next;
	bool	  eof_sent;	/* end-of-file is given once, after the last */
};

/* The pty master typed into: -1 when the program can no longer read it. */
static int
side_tty(const struct side *side)
{
	return side->pty;
}

static int
lab_input_refused(const struct side *side, char *err, size_t errlen)
{
	switch (side->state) {
	case SIDE_EXITED:
	case SIDE_KILLED:
		snprintf(err, errlen, side->state == SIDE_EXITED ?
		    _("%s has exited: nothing was typed") :
		    _("%s has been killed: nothing was typed"), side->name);
		return -1;
	case SIDE_NOT_STARTED:
		snprintf(err, errlen, _("%s has not started: nothing was "
		    "typed"), side->name);
		return -1;
	default:
		break;
	}
	if (side_tty(side) == -1) {
		snprintf(err, errlen, _("%s has closed its terminal: nothing "
		    "was typed"), side->name);
		return -1;
	}
	return 0;
}

/* The task that reads the terminal: the one last found waiting on it
 * (a thread of a chat client, a wrapper's child), else the first. */
static pid_t
lab_input_task(const struct side *side)
{
	return side->input_tid > 0 ? side->input_tid : side->pid;
}

/* The task's count of read() calls done, -1 when unreadable. */
static int64_t
lab_task_syscr(pid_t pid)
{
	char path[64], line[128];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/task/%d/io", (int)pid, (int)pid);
	if ((f = fopen(path, "re")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL)
		if (sscanf(line, "syscr: %lld", &v) == 1)
			break;
	fclose(f);
	return v;
}

/*
 * A line typed while the side waited is on its way (the pty passes it
 * on from a kernel worker): the task may still look asleep in the read.
 * It is not waiting again until that read has returned, which its read
 * count says; without /proc/PID/io, until LAB_IDLE_MS have passed.
 */
static bool
lab_input_in_flight(struct side *side)
{
	int64_t n;

	if (!side->input_sent)
		return false;
	n = lab_task_syscr(lab_input_task(side));
	if ((n >= 0 && (uint64_t)n != side->input_syscr) ||
	    (n < 0 && lab_now_ms() - side->input_sent_ms >= LAB_IDLE_MS))
		side->input_sent = false;
	return side->input_sent;
}

/* A byte the terminal's line editing would act on (erase, kill, EOF). */
static bool
lab_input_control(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] < 0x20 && s[i] != '\t') ||
		    (unsigned char)s[i] == 0x7f)
			return true;
	return false;
}

static int
lab_write_tty(struct side *side, const char *buf, size_t len, char *err,
    size_t errlen)
{
	int64_t syscr = lab_task_syscr(lab_input_task(side));
	ssize_t n;

	while ((n = write(side_tty(side), buf, len)) == -1 && errno == EINTR)
		;
	if (n == (ssize_t)len) {
		side->input_sent = true;
		side->input_syscr = (uint64_t)syscr;
		side->input_sent_ms = lab_now_ms();
		return 0;
	}
	snprintf(err, errlen, _("%s's terminal: %s"), side->name, n == -1 ?
	    strerror(errno) : _("its input is full (the program does not "
	    "read it)"));
	return -1;
}

static void
lab_typed(struct lab *lab, struct side *side, const char *text, bool eof)
{
	struct lab_event ev = { .type = LEV_INPUT, .side = side, .eof = eof };
	struct sbuf safe;

	sbuf_init(&safe);
	lab_output_escape(&safe, text);
	ev.text = sbuf_str(&safe);
	/* What it printed so far (a prompt) comes before what was typed. */
	lab_drain_output(lab, side);
	lab_flush_output(lab, side);
	lab_keep_line(side, eof ? "^D" : ev.text, true);
	side->awaiting_input = false;
	side->activity++;
	lab_emit(lab, &ev);
	sbuf_finish(&safe);
}

int
lab_type(struct lab *lab, struct side *side, const char *line, char *err,
    size_t errlen)
{
	size_t len = strlen(line);
	char buf[LAB_INPUT_MAX + 1];

	if (lab_input_refused(side, err, errlen) == -1)
		return -1;
	if (len > LAB_INPUT_MAX) {
		snprintf(err, errlen, _("a typed line is at most %d bytes"),
		    LAB_INPUT_MAX);
		return -1;
	}
	if (lab_input_control(line, len)) {
		snprintf(err, errlen, "%s", _("a typed line cannot hold "
		    "control characters (the terminal would edit with them)"));
		return -1;
	}
	memcpy(buf, line, len);
	buf[len] = '\n';
	if (lab_write_tty(side, buf, len + 1, err, errlen) == -1)
		return -1;
	lab_typed(lab, side, line, false);
	return 0;
}

int
lab_type_eof(struct lab *lab, struct side *side, char *err, size_t errlen)
{
	struct termios tio;
	char c = 4;	/* Ctrl-D, unless the terminal says otherwise */

	if (lab_input_refused(side, err, errlen) == -1)
		return -1;
	if (tcgetattr(side_tty(side), &tio) == 0 &&
	    tio.c_cc[VEOF] != _POSIX_VDISABLE)
		c = (char)tio.c_cc[VEOF];
	if (lab_write_tty(side, &c, 1, err, errlen) == -1)
		return -1;
	lab_typed(lab, side, "", true);
	return 0;
}

int
lab_feed(struct lab *lab, struct side *side, const char *data, size_t len,
    char *err, size_t errlen)
{
	struct side_feed *f;
	const char *p = data, *end = data + len, *nl;
	size_t n, lineno = 1;

	(void)lab;
	if (side->feed == NULL)
		side->feed = xcalloc(1, sizeof *side->feed);
	f = side->feed;
	for (; p < end; p = nl + 1, lineno++) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		n = (size_t)(nl - p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (n > LAB_INPUT_MAX || lab_input_control(p, n)) {
			snprintf(err, errlen, n > LAB_INPUT_MAX ?
			    _("line %zu: longer than a typed line may be "
			    "(1024 bytes)") : _("line %zu: a control "
			    "character (a typed line cannot hold one)"),
			    lineno);
			return -1;
		}
		f->lines = xreallocarray(f->lines, f->n + 1, sizeof *f->lines);
		f->lines[f->n] = xmalloc(n + 1);
		memcpy(f->lines[f->n], p, n);
		f->lines[f->n++][n] = '\0';
	}
	return 0;
}

bool
lab_fed(const struct side *side)
{
	return side->feed != NULL && !side->feed->eof_sent;
}

void
lab_input_free(struct side *side)
{
	size_t i;

	if (side->feed == NULL)
		return;
	for (i = 0; i < side->feed->n; i++)
		free(side->feed->lines[i]);
	free(side->feed->lines);
	free(side->feed);
	side->feed = NULL;
}

/* Is fd of task tid its side's pty's slave?  Its /proc link names
 * the same /dev/pts/N as the master's ptsname. */
static bool
lab_fd_is_tty(struct side *side, pid_t tid, int fd)
{
	char link[64], target[PATH_MAX], slave[PATH_MAX];
	ssize_t n;
	int m = side->pty != -1 ? side->pty : side->pty_held;

	if (m == -1 || fd < 0 || ptsname_r(m, slave, sizeof slave) != 0)
		return false;
	snprintf(link, sizeof link, "/proc/%d/fd/%d", (int)tid, fd);
	if ((n = readlink(link, target, sizeof target - 1)) <= 0)
		return false;
	target[n] = '\0';
	return strcmp(target, slave) == 0;
}

/* Types the side's next fed line, or end-of-file after the last. */
static void
lab_feed_next(struct lab *lab, struct side *side)
{
	struct side_feed *f = side->feed;
	char err[256];
	int rc;

	if (f->next < f->n)
		rc = lab_type(lab, side, f->lines[f->next++], err, sizeof err);
	else {
		f->eof_sent = true;
		rc = lab_type_eof(lab, side, err, sizeof err);
	}
	if (rc == -1)
		lab_note(lab, side, "--stdin: %s", err);
}

/*
 * Is task t of the side asleep in read() of its terminal?  Any task may
 * be the reader (the book's chat client reads the keyboard in a thread
 * of its own); one at a time is: the side waits for input once.  The
 * event once a wait.
 */
static bool
lab_input_look(struct lab *lab, struct side *side, struct task *t)
{
	struct lab_event ev = { .type = LEV_INPUT_WAIT, .side = side };
	uint64_t args[6];
	char st, wchan[64];
	long nr;

	if (side->awaiting_input && side->input_tid != t->tid)
		return false;	/* another task of it is the reader */
	if (t->state != SIDE_RUNNING || t->in_call || t->stopped) {
		side->awaiting_input = false;
		return false;
	}
	if (lab_input_in_flight(side))
		return false;
	/* Looked at again whenever the side did anything since, or sleeps
	 * in another call (one /proc read while it sleeps in the same). */
	if (!side->awaiting_input || side->input_look != side->activity + 1) {
		if (sock_proc_sleep(lab->kv.procf, t->tid, &st, &nr, wchan,
		    sizeof wchan) == -1 || (st != 'S' && st != 'D')) {
			side->awaiting_input = false;
			return false;
		}
		if (!side->awaiting_input && nr != SYS_read &&
		    side->input_look == side->activity + 1 &&
		    side->input_nr == nr)
			return false;
		side->input_look = side->activity + 1;
		side->input_nr = nr;
		if (nr != SYS_read || sock_proc_syscall(lab->kv.procf,
		    t->tid, &nr, args) == -1 || nr != SYS_read ||
		    !lab_fd_is_tty(side, t->tid, (int)args[0])) {
			side->awaiting_input = false;
			return false;
		}
		side->input_fd = (int)args[0];
		side->input_tid = t->tid;
	}
	/* The event once a wait: the pty read again (a prompt) is not a
	 * new one. */
	if (!side->awaiting_input) {
		side->awaiting_input = true;
		lab_drain_output(lab, side);
		lab_flush_output(lab, side);	/* its prompt, shown */
		ev.text = wchan;
		lab_emit(lab, &ev);
	}
	return true;
}

bool
lab_input_wait(struct lab *lab, struct side *side, struct task *t)
{
	if (!lab_input_look(lab, side, t))
		return false;
	if (lab_fed(side)) {
		lab_feed_next(lab, side);
		return false;
	}
	return true;
}

/* Each side that waits for input nobody will give: why it cannot move. */
void
lab_note_input_waiters(struct lab *lab)
{
	char tok[8];
	size_t i;

	for (i = 0; i < lab->nsides; i++) {
		struct side *side = lab->sides[i];

		struct task *t = NULL;
		bool waits = false;

		while (!waits && (t = lab_task_next(lab, side, t)) != NULL)
			waits = lab_task_alive(t) &&
			    lab_input_look(lab, side, t);
		if (!waits || lab_fed(side))
			continue;
		lab_side_token(side, tok, sizeof tok);
		lab_note(lab, side, "%s is waiting for input on its terminal "
		    "that was never given: give it with --stdin %s=FILE, or "
		    "a step %s<TEXT", side->name, side->name, tok);
	}
}

/* "s", "c", "c2": how a step names the side. */
void
lab_side_token(const struct side *side, char *buf, size_t len)
{
	if (side->index == 0)
		snprintf(buf, len, "s");
	else if (side->index == 1)
		snprintf(buf, len, "c");
	else
		snprintf(buf, len, "c%d", side->index);
}

const char *
side_state_word(const struct side *side, enum side_state st)
{
	/* The sixth state word (DESIGN.md), spelt as the others are. */
	if (st == SIDE_RUNNING && side->awaiting_input && !side->in_call)
		return "waiting-for-input";
	return side_state_name(st);
}
