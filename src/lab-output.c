/*
 * lab-output.c - what the programs print on their pseudo-terminals,
 * cut into lines and reported as OUTPUT events.  A program that writes
 * megabytes is read as fast as it writes: the first LAB_SHOW_BYTES of a
 * side's output are reported, then only a note, and the last
 * LAB_KEEP_LINES lines are kept (the TUI's output pane, the checks).
 * Lines are made safe for every view: invalid UTF-8 and control bytes
 * (escape sequences, bells) become \xNN, so a transcript stays UTF-8
 * and a program cannot drive the terminal sockstep draws on.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model.h"
#include "lab-private.h"

#define LAB_KEEP_LINES	500	/* lines of output kept per side */
#define LAB_LINE_MAX	4096	/* a longer line is cut here */
#define LAB_READ_MAX	(256 * 1024) /* per drain, so one side cannot starve */
#define LAB_SHOW_BYTES	(1024 * 1024) /* output reported per side */

/* A printable character: valid UTF-8 and no control (C0, DEL, C1). */
size_t
utf8_char_len(const unsigned char *s, size_t n)
{
	uint32_t c;
	size_t len = utf8_decode(s, n, &c);

	if (len == 0 || c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0))
		return 0;
	return len;
}

void
lab_output_escape(struct sbuf *b, const char *line)
{
	const unsigned char *s = (const unsigned char *)line;
	size_t n = strlen(line), i = 0, len;

	while (i < n) {
		if (s[i] == '\t')
			len = 1;
		else if ((len = utf8_char_len(s + i, n - i)) == 0) {
			sbuf_addf(b, "\\x%02x", s[i++]);
			continue;
		}
		sbuf_addn(b, line + i, len);
		i += len;
	}
}

/* The last LAB_KEEP_LINES lines of its terminal, printed or typed. */
void
lab_keep_line(struct side *side, const char *line, bool typed)
{
	if (side->nlines == LAB_KEEP_LINES) {
		free(side->lines[0]);
		memmove(side->lines, side->lines + 1,
		    (LAB_KEEP_LINES - 1) * sizeof *side->lines);
		memmove(side->typed, side->typed + 1,
		    (LAB_KEEP_LINES - 1) * sizeof *side->typed);
		side->nlines--;
	}
	if (side->lines == NULL) {
		side->lines = xcalloc(LAB_KEEP_LINES, sizeof *side->lines);
		side->typed = xcalloc(LAB_KEEP_LINES, sizeof *side->typed);
	}
	side->typed[side->nlines] = typed;
	side->lines[side->nlines++] = xstrdup(line);
}

static void
lab_output_line(struct lab *lab, struct side *side, const char *line)
{
	struct lab_event ev = { .type = LEV_OUTPUT, .side = side };
	struct sbuf safe;

	sbuf_init(&safe);
	lab_output_escape(&safe, line);
	line = sbuf_str(&safe);
	lab_keep_line(side, line, false);
	if (side->out_shown < LAB_SHOW_BYTES) {
		side->out_shown += strlen(line) + 1;
		ev.text = line;
		lab_emit(lab, &ev);
		if (side->out_shown >= LAB_SHOW_BYTES)
			lab_note(lab, side, "more than %d KiB of output: "
			    "the rest is not reported, only its last %d "
			    "lines are kept", LAB_SHOW_BYTES / 1024,
			    LAB_KEEP_LINES);
	} else
		side->out_hidden++;
	sbuf_finish(&safe);
}

static void
lab_output_bytes(struct lab *lab, struct side *side, const char *buf,
    size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (buf[i] == '\r')
			continue;
		if (buf[i] == '\n' || side->partial.len >= LAB_LINE_MAX) {
			lab_output_line(lab, side, sbuf_str(&side->partial));
			sbuf_reset(&side->partial);
			if (buf[i] == '\n')
				continue;
		}
		sbuf_addc(&side->partial, buf[i] == '\0' ? ' ' : buf[i]);
	}
}

void
lab_drain_output(struct lab *lab, struct side *side)
{
	char buf[8192];
	size_t total = 0;
	ssize_t n;

	while (side->pty != -1 && total < LAB_READ_MAX) {
		n = read(side->pty, buf, sizeof buf);
		if (n > 0) {
			lab_output_bytes(lab, side, buf, (size_t)n);
			total += (size_t)n;
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			return;
		/* EIO or end: every copy of the pty's other end is closed.
		 * Held open, not closed: a closed master hangs up the
		 * program's terminal, and it would die of SIGHUP. */
		side->pty_held = side->pty;
		side->pty = -1;
	}
}

/*
 * At a stop, for the order of output and calls: a program's output can
 * only have reached its pty through a call, and a write to a terminal
 * is a stopped call that is not on a socket.  Without one since the
 * last read there is nothing to read (in a free run, one read in ten
 * calls saved).  Output that came another way (writev) is still read
 * when poll() finds the pty readable, only later in the transcript.
 */
void
lab_drain_written(struct lab *lab, struct side *side)
{
	if (!side->wrote_other)
		return;
	side->wrote_other = false;
	lab_drain_output(lab, side);
}

void
lab_flush_output(struct lab *lab, struct side *side)
{
	if (side->partial.len != 0) {
		lab_output_line(lab, side, sbuf_str(&side->partial));
		sbuf_reset(&side->partial);
	}
	if (side->out_hidden > 0) {
		lab_note(lab, side, "%zu more lines of output were not "
		    "reported", side->out_hidden);
		side->out_hidden = 0;
	}
}
