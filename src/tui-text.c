/*
 * tui-text.c - text on the screen, measured in display columns: a
 * Chinese character takes two, a combining mark none.  A string that
 * does not fit is cut at a character boundary (never half of a wide
 * one) and ends in an ellipsis.  Bytes the locale cannot decode show
 * as '?', one column each.
 */
#include <curses.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "tui.h"

#define TUI_TEXT_MAX	512	/* characters decoded per call */

/* Next character of s and its width; returns bytes used (>= 1). */
static size_t
tui_next(const char *s, wchar_t *wc, int *width)
{
	mbstate_t st;
	size_t n;

	memset(&st, 0, sizeof st);
	n = mbrtowc(wc, s, MB_CUR_MAX, &st);
	if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
		*wc = L'?';
		*width = 1;
		return 1;
	}
	if (*wc == L'\t')
		*wc = L' ';
	if ((*width = wcwidth(*wc)) < 0) {
		*wc = L'?';
		*width = 1;
	}
	return n;
}

int
tui_width(const char *s)
{
	wchar_t wc;
	int w, total = 0;

	while (*s != '\0') {
		s += tui_next(s, &wc, &w);
		total += w;
	}
	return total;
}

/* Draws s in at most w columns at y, x; returns the columns used. */
int
tui_put(int y, int x, int w, const char *s)
{
	wchar_t buf[TUI_TEXT_MAX + 2], wc;
	int widths[TUI_TEXT_MAX], cw, used = 0;
	size_t n = 0;
	bool cut = false;

	if (w <= 0 || s == NULL)
		return 0;
	while (*s != '\0') {
		s += tui_next(s, &wc, &cw);
		if (used + cw > w || n == TUI_TEXT_MAX) {
			cut = true;
			break;
		}
		buf[n] = wc;
		widths[n++] = cw;
		used += cw;
	}
	if (cut) {
		/* Room for the ellipsis: drop characters until one column is
		 * free (a wide one frees two; the gap stays blank). */
		while (n > 0 && used + 1 > w)
			used -= widths[--n];
		if (used + 1 <= w) {
			const char *e = tui_glyph(TG_ELLIPSIS);

			tui_next(e, &buf[n], &cw);
			n++;
			used += 1;
		}
	}
	buf[n] = L'\0';
	if (n > 0)
		mvaddnwstr(y, x, buf, (int)n);
	return used;
}

int
tui_putf(int y, int x, int w, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return tui_put(y, x, w, buf);
}

int
tui_put_right(int y, int x, int w, const char *s)
{
	int sw = tui_width(s);

	if (sw > w)
		sw = w;
	return tui_put(y, x + w - sw, sw, s);
}

/*
 * Word-wraps s into at most h rows of w columns, drawn at y, x unless
 * y < 0 (then only counted).  A row breaks at its last space, or after
 * its last wide character (Chinese has no spaces, and a row of it with
 * one English word must not break at that word), else anywhere; the
 * last row allowed is cut with an ellipsis.  Returns the rows used.
 */
static int
tui_wrap(int y, int x, int w, int h, const char *s)
{
	const char *row, *p, *brk;
	char line[1024];
	wchar_t wc;
	int cw, used, rows = 0;
	size_t len;

	while (*s == ' ')
		s++;
	while (*s != '\0' && rows < h) {
		row = p = s;
		brk = NULL;
		used = 0;
		while (*p != '\0') {
			size_t n = tui_next(p, &wc, &cw);

			if (used + cw > w)
				break;
			if (*p == ' ')
				brk = p;
			used += cw;
			p += n;
			if (cw == 2)
				brk = p;
		}
		if (*p != '\0' && brk != NULL && brk > row && rows + 1 < h)
			p = brk;
		if (rows + 1 == h)
			p = row + strlen(row);	/* the last row: cut with … */
		len = (size_t)(p - row);
		if (len >= sizeof line)
			len = sizeof line - 1;
		memcpy(line, row, len);
		line[len] = '\0';
		if (y >= 0)
			tui_put(y + rows, x, w, line);
		rows++;
		s = p;
		while (*s == ' ')
			s++;
	}
	return rows;
}

int
tui_put_wrapped(int y, int x, int w, int h, const char *s)
{
	return y < 0 ? 0 : tui_wrap(y, x, w, h, s);
}

/* The rows tui_put_wrapped() would take, at most h. */
int
tui_wrapped_rows(int w, int h, const char *s)
{
	return s == NULL || w <= 0 ? 0 : tui_wrap(-1, 0, w, h, s);
}

void
tui_blank(int y, int x, int w)
{
	if (w > 0)
		mvhline(y, x, ' ', w);
}

/* A horizontal rule with a title: "─ KERNEL ──────". */
void
tui_rule(int y, int x, int w, const char *title)
{
	int used;

	if (w <= 0)
		return;
	tui_style(TR_DIM);
	mvhline(y, x, ACS_HLINE, w);
	if (title == NULL || w < 4)
		return;
	tui_style(TR_HEADER);
	used = tui_put(y, x + 1, w - 2, " ");
	used += tui_put(y, x + 1 + used, w - 2 - used, title);
	tui_put(y, x + 1 + used, w - 2 - used, " ");
	tui_style(TR_NORMAL);
}
