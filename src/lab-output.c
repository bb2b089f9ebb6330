/*
 * lab-output.c - what the programs print on their pseudo-terminals,
 * cut into lines and reported as OUTPUT events.  A program that writes
 * megabytes is read as fast as it writes; only the last lines are kept.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sockstep.h"
#include "lab-private.h"

#define LAB_KEEP_LINES	500	/* lines of output kept per side */
#define LAB_LINE_MAX	4096	/* a longer line is cut here */
#define LAB_READ_MAX	(256 * 1024) /* per drain, so one side cannot starve */

static void
lab_output_line(struct lab *lab, struct side *side, const char *line)
{
	struct lab_event ev = { .type = LEV_OUTPUT, .side = side };

	if (side->nlines == LAB_KEEP_LINES) {
		free(side->lines[0]);
		memmove(side->lines, side->lines + 1,
		    (LAB_KEEP_LINES - 1) * sizeof *side->lines);
		side->nlines--;
	}
	if (side->lines == NULL)
		side->lines = xcalloc(LAB_KEEP_LINES, sizeof *side->lines);
	side->lines[side->nlines++] = xstrdup(line);
	ev.text = line;
	lab_emit(lab, &ev);
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
		/* EIO or end: every copy of the pty's other end is closed. */
		close(side->pty);
		side->pty = -1;
	}
}

void
lab_flush_output(struct lab *lab, struct side *side)
{
	if (side->partial.len == 0)
		return;
	lab_output_line(lab, side, sbuf_str(&side->partial));
	sbuf_reset(&side->partial);
}
