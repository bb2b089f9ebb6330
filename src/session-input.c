/*
 * session-input.c - what a run types into its sides' terminals: the
 * files of --stdin SIDE=FILE and the lesson's [input] lines.  Each side
 * gets its lines through lab_feed(): one is typed each time the side
 * waits for input (asleep in read() of its terminal), end-of-file after
 * the last.  So a textbook echo client, which prompts, reads a line,
 * sends it and prints the echo, goes through the same turns as at a
 * keyboard, and a transcript shows each line where the program took it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "drive.h"

#define SESSION_STDIN_MAX	(1024 * 1024)	/* a file of lines to type */

/* The whole file, or -1 with err (the file named as the user wrote it). */
static int
session_read_file(const char *path, struct sbuf *b, char *err, size_t errlen)
{
	char buf[8192];
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	for (;;) {
		n = read(fd, buf, sizeof buf);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		sbuf_addn(b, buf, (size_t)n);
		if (b->len > SESSION_STDIN_MAX) {
			snprintf(err, errlen, "%s: more than %d bytes to type",
			    path, SESSION_STDIN_MAX);
			close(fd);
			return -1;
		}
	}
	if (n == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	if (memchr(b->s != NULL ? b->s : "", '\0', b->len) != NULL) {
		snprintf(err, errlen, "%s: not a text file (contains NUL)",
		    path);
		return -1;
	}
	return 0;
}

static void
session_side_names(struct session *s, struct sbuf *b)
{
	size_t i;

	for (i = 0; i < lab_nsides(s->lab); i++)
		sbuf_addf(b, "%s%s", i > 0 ? ", " : "",
		    lab_side(s->lab, i)->name);
}

static int
session_stdin(struct session *s, const char *spec, char *err, size_t errlen)
{
	const char *eq = strchr(spec, '=');
	char name[16], why[512];
	struct side *side;
	struct sbuf b;

	if (eq == NULL || eq == spec || eq[1] == '\0') {
		snprintf(err, errlen, _("--stdin %s: expected SIDE=FILE "
		    "(server=in.txt, client2=in.txt)"), spec);
		return -1;
	}
	snprintf(name, sizeof name, "%.*s", (int)(eq - spec), spec);
	if ((size_t)(eq - spec) >= sizeof name ||
	    (side = lab_side_by_name(s->lab, name)) == NULL) {
		sbuf_init(&b);
		session_side_names(s, &b);
		snprintf(err, errlen, _("--stdin %s: no side named '%.*s' "
		    "(this run has: %s)"), spec, (int)(eq - spec), spec,
		    sbuf_str(&b));
		sbuf_finish(&b);
		return -1;
	}
	sbuf_init(&b);
	if (session_read_file(eq + 1, &b, why, sizeof why) == -1 ||
	    lab_feed(s->lab, side, b.s != NULL ? b.s : "", b.len, why,
	    sizeof why) == -1) {
		snprintf(err, errlen, "--stdin %s: %s", spec, why);
		sbuf_finish(&b);
		return -1;
	}
	sbuf_finish(&b);
	return 0;
}

/* The lesson's [input] lines: "client" is every client.  A side given
 * --stdin types its file instead. */
static void
session_lesson_input(struct session *s, const bool *given)
{
	const struct lesson *l = &s->lesson;
	char err[256];
	size_t i, k;

	for (i = 0; i < l->ninput; i++)
		for (k = 0; k < lab_nsides(s->lab); k++) {
			struct side *side = lab_side(s->lab, k);

			if (given[k] || (strcmp(l->input[i].side,
			    side->name) != 0 && (strcmp(l->input[i].side,
			    "client") != 0 || side->is_server)))
				continue;
			if (lab_feed(s->lab, side, l->input[i].text,
			    strlen(l->input[i].text), err, sizeof err) == -1)
				lab_note(s->lab, side, "%s/lesson.ini:%u: "
				    "[input]: %s", l->dir, l->input[i].line,
				    err);
		}
}

int
session_input(struct session *s, const struct options *o, char *err,
    size_t errlen)
{
	bool given[SOCKSTEP_MAX_CLIENTS + 1] = { false };
	size_t i, k;

	for (i = 0; i < o->nstdin; i++)
		if (session_stdin(s, o->stdin_spec[i], err, errlen) == -1)
			return -1;
	/* A side given --stdin, or typed into by the steps (c<TEXT: a
	 * walkthrough recorded on screen), is not fed the lesson's lines
	 * as well: a replay types what was typed, once. */
	for (k = 0; k < lab_nsides(s->lab) && k < SOCKSTEP_MAX_CLIENTS + 1; k++) {
		given[k] = lab_fed(lab_side(s->lab, k));
		for (i = 0; i < s->nsteps; i++)
			if (s->steps[i].op == STEP_TYPE &&
			    s->steps[i].side == lab_side(s->lab, k)->index)
				given[k] = true;
	}
	/* On screen the learner types what the lesson would. */
	if (!o->keyboard)
		session_lesson_input(s, given);
	return 0;
}
