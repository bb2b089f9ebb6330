/*
 * tui-menu.c - 'l': every lesson with its title and the learner's
 * progress (as `sockstep list` prints them); Enter opens the chosen one
 * in place of the running lesson, on a fresh port.
 */
#include <curses.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

void
tui_menu_close(struct tui *t)
{
	struct tui_menu *m = t->menu;
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->n; i++) {
		free(m->names[i]);
		free(m->lines[i]);
	}
	free(m->names);
	free(m->lines);
	free(m);
	t->menu = NULL;
}

void
tui_menu_open(struct tui *t)
{
	struct tui_menu *m;
	struct progress prog;
	struct lesson l;
	char note[PATH_MAX * 3], err[512], mark[64];
	const char *title;
	size_t i;

	if (t->opts->run_server != NULL || t->opts->run_client != NULL) {
		tui_message(t, true, _("the lesson menu is for lessons; this "
		    "is 'sockstep run' with your own program"));
		return;
	}
	m = xcalloc(1, sizeof *m);
	m->names = lesson_list(&m->n);
	if (m->n == 0) {
		free(m);
		tui_message(t, true, _("no lessons found"));
		return;
	}
	progress_load(&prog, note, sizeof note);
	m->lines = xcalloc(m->n, sizeof *m->lines);
	for (i = 0; i < m->n; i++) {
		if (strcmp(m->names[i], t->d.s.lesson.name) == 0)
			m->sel = i;
		progress_mark(progress_get(&prog, m->names[i]), mark,
		    sizeof mark);
		if (lesson_open(&l, m->names[i], err, sizeof err) == 0) {
			title = l.title[t->opts->lang] != NULL ?
			    l.title[t->opts->lang] : l.title[LANG_EN];
			xasprintf(&m->lines[i], "%-14s %s", mark,
			    title != NULL ? title : "");
			lesson_finish(&l);
		} else
			xasprintf(&m->lines[i], _("%-14s (broken: %s)"), mark,
			    err);
	}
	progress_finish(&prog);
	t->menu = m;
}

/* true when the key was the menu's */
bool
tui_menu_key(struct tui *t, int key, bool is_code)
{
	struct tui_menu *m = t->menu;

	if (m == NULL)
		return false;
	if (!is_code && (key == 'q' || key == 'Q'))
		return false;
	if ((is_code && key == KEY_UP) || (!is_code && key == 'k'))
		m->sel = m->sel > 0 ? m->sel - 1 : m->n - 1;
	else if ((is_code && key == KEY_DOWN) || (!is_code && key == 'j'))
		m->sel = (m->sel + 1) % m->n;
	else if ((is_code && key == KEY_ENTER) ||
	    (!is_code && (key == '\n' || key == '\r'))) {
		free(t->lesson_owned);
		t->lesson_owned = xstrdup(m->names[m->sel]);
		t->lesson_name = t->lesson_owned;
		tui_menu_close(t);
		t->restart = true;
	} else if (!is_code && (key == 27 || key == 'l'))
		tui_menu_close(t);
	return true;
}

void
tui_draw_menu(struct tui *t)
{
	struct tui_menu *m = t->menu;
	int w, h, y, x, first = 0, rows, i, namew = 0;
	size_t k;

	if (m == NULL)
		return;
	for (k = 0; k < m->n; k++)
		if (tui_width(m->names[k]) > namew)
			namew = tui_width(m->names[k]);
	w = COLS - 4 < 96 ? COLS - 4 : 96;
	rows = LINES - 8 < (int)m->n ? LINES - 8 : (int)m->n;
	h = rows + 4;
	y = (LINES - h) / 2;
	x = (COLS - w) / 2;
	if ((int)m->sel >= rows)
		first = (int)m->sel - rows + 1;
	tui_box(y, x, h, w, _(" lessons "));
	for (i = 0; i < rows; i++) {
		int used;

		k = (size_t)(first + i);
		tui_style(k == m->sel ? TR_KEY : TR_NORMAL);
		tui_blank(y + 1 + i, x + 1, w - 2);
		used = tui_putf(y + 1 + i, x + 2, w - 4, "%s %-*s ",
		    k == m->sel ? tui_glyph(TG_RIGHT) : " ", namew,
		    m->names[k]);
		tui_put(y + 1 + i, x + 2 + used, w - 4 - used, m->lines[k]);
	}
	tui_style(TR_DIM);
	tui_put(y + h - 2, x + 2, w - 4, _("Up/Down choose, Enter opens, "
	    "Esc closes"));
	tui_style(TR_NORMAL);
}
