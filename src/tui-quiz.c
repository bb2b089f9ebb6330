/*
 * tui-quiz.c - what makes the TUI a lesson rather than a stepper: the
 * lesson's predictions, asked before their guided step ("what will
 * connect() return?"), answered with a number key, then the step runs
 * and the box says what the kernel did and whether the student was
 * right; the lesson's checks, evaluated against the kernel after their
 * step and shown in the timeline; and the learner's progress, saved
 * when a prediction is answered and when the guided order ends with
 * every check holding.
 */
#include <ctype.h>
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

#define QUIZ_W	72	/* the box, at most; narrower on 80 columns */
/* Rows a question and an explanation may take; the screen's height
 * may allow fewer (the last row then ends in an ellipsis). */
#define QUIZ_QUESTION_ROWS	5
#define QUIZ_EXPLAIN_ROWS	10

static bool
tui_progress_kept(const struct tui *t)
{
	const struct lesson *l = &t->d.s.lesson;

	/* The student's own program in a lesson is graded, not learnt. */
	return l->dir != NULL && !l->server_is_user && !l->client_is_user;
}

static void
tui_progress(struct tui *t, int finished, int right)
{
	char err[512];

	if (!tui_progress_kept(t))
		return;
	if (progress_record(t->d.s.lesson.name, finished, right, err,
	    sizeof err) == -1)
		tui_message(t, true, _("progress not saved: %s"), err);
}

static const struct lesson_predict *
tui_predict_for(const struct tui *t, unsigned step)
{
	size_t i;

	for (i = 0; i < t->d.s.lesson.npred; i++) {
		if (t->d.s.lesson.pred[i].step == step)
			return &t->d.s.lesson.pred[i];
	}
	return NULL;
}

static const char *
tui_lang_text(const struct tui *t, char *const text[LANG_COUNT])
{
	return text[t->opts->lang] != NULL ? text[t->opts->lang] :
	    text[LANG_EN];
}

/* Before the guided step: its question, if it has one not yet asked. */
bool
tui_quiz_ask(struct tui *t)
{
	unsigned step = (unsigned)t->d.guided + 1;
	const struct lesson_predict *p;

	if (t->asked >= step || (p = tui_predict_for(t, step)) == NULL)
		return false;
	t->asked = step;
	memset(&t->quiz, 0, sizeof t->quiz);
	t->quiz.p = p;
	return true;
}

/* After guided step `step` ran: what its checks said (the drive ran
 * them, tui_on_checked put each in the timeline), and at the end of the
 * guided order the learner's progress. */
void
tui_checks_after(struct tui *t, unsigned step)
{
	unsigned held = t->held_now, failed = t->failed_now;

	t->quiz.checks_ok = failed == 0;
	if (failed == 0 && held > 0)
		snprintf(t->quiz.checks, sizeof t->quiz.checks,
		    _("the kernel agrees with the lesson: checks held: %u"),
		    held);
	if (failed > 0)
		tui_message(t, true, "%s", t->quiz.checks);
	else if (held > 0)
		tui_message(t, false, _("checks held: %u"), held);
	if (step == t->d.s.nsteps && t->d.checks_failed == 0 &&
	    !t->finished) {
		t->finished = true;
		tui_progress(t, 1, 0);
		tui_message(t, false, _("lesson done: all %u checks held "
		    "(l opens another)"), t->d.checks_passed);
	}
}

/* What the guided step did, as the kernel reported it. */
static void
tui_quiz_outcome(struct tui *t, const struct step *st)
{
	struct side *side = session_side(&t->d.s, st->side);
	const struct tui_sideview *sv;

	t->quiz.outcome[0] = '\0';
	if (side == NULL)
		return;
	sv = &t->sv[side->index];
	if (side->state == SIDE_BLOCKED)
		snprintf(t->quiz.outcome, sizeof t->quiz.outcome,
		    _("%s: %s() is BLOCKED, %s"), side->name,
		    side->call.desc->name, tui_waiting_for(side));
	else if (sv->last_action == t->action && sv->last[0] != '\0')
		snprintf(t->quiz.outcome, sizeof t->quiz.outcome, "%s: %s",
		    side->name, sv->last);
	else if (side->state == SIDE_EXITED || side->state == SIDE_KILLED) {
		struct sbuf b;

		sbuf_init(&b);
		wait_status_format(&b, side->wait_status);
		snprintf(t->quiz.outcome, sizeof t->quiz.outcome, "%s %s",
		    side->name, sbuf_str(&b));
		sbuf_finish(&b);
	}
}

/* The answer is in: its step begins; the verdict comes when it ends. */
static void
tui_quiz_answer(struct tui *t, int choice)
{
	t->quiz.choice = choice;
	t->quiz.waiting = true;
	if (!tui_guided(t))	/* could not begin: the message says why */
		memset(&t->quiz, 0, sizeof t->quiz);
}

/* The answered question's step ended: what the kernel did, and whether
 * the student saw it coming. */
void
tui_quiz_verdict(struct tui *t)
{
	const struct lesson_predict *p = t->quiz.p;

	t->quiz.waiting = false;
	if (p == NULL || t->d.guided == 0)
		return;
	tui_quiz_outcome(t, &t->d.s.steps[t->d.guided - 1]);
	t->quiz.answered = true;
	tui_progress(t, 0, t->quiz.choice == p->answer ? 1 : -1);
}

/* Keys while the box is open; true when the key was the box's. */
bool
tui_quiz_key(struct tui *t, int key, bool is_code)
{
	char *choices[LESSON_MAX_CHOICES];
	size_t n, i;

	if (t->quiz.p == NULL)
		return false;
	if (!is_code && (key == 'q' || key == 'Q'))
		return false;	/* quits, as everywhere */
	if (t->quiz.waiting)	/* its step is under way: keys as usual */
		return false;
	if (t->quiz.answered) {	/* any key closes the verdict */
		t->quiz.p = NULL;
		return true;
	}
	n = lesson_choices(tui_lang_text(t, t->quiz.p->choices), choices,
	    LESSON_MAX_CHOICES);
	for (i = 0; i < n; i++)
		free(choices[i]);
	if (!is_code && key >= '1' && key < '1' + (int)n)
		tui_quiz_answer(t, key - '0');
	else if (!is_code && (key == 'x' || key == 27)) {
		t->quiz.p = NULL;
		tui_message(t, false, _("question skipped: space runs the step"));
	} else if ((!is_code && isdigit(key)) || key == ' ')
		tui_message(t, true, _("answer with 1-%zu (x skips the "
		    "question)"), n);
	else {
		/* Any other key does its own job (s, c, r, ?, l ...): the
		 * question is left unanswered. */
		t->quiz.p = NULL;
		return false;
	}
	return true;
}

void
tui_lesson_reset(struct tui *t)
{
	memset(&t->quiz, 0, sizeof t->quiz);
	t->asked = 0;
	t->finished = false;
}

/* The question, or after the step the verdict. */
void
tui_draw_quiz(struct tui *t)
{
	const struct lesson_predict *p = t->quiz.p;
	char *choices[LESSON_MAX_CHOICES], hint[64];
	const char *explain;
	size_t n, i;
	int w = COLS - 4 < QUIZ_W ? COLS - 4 : QUIZ_W, h, x, y, row, iw;
	bool right;

	if (p == NULL)
		return;
	iw = w - 4;
	n = lesson_choices(tui_lang_text(t, p->choices), choices,
	    LESSON_MAX_CHOICES);
	/* As high as the words need, low on the screen: the sides' source
	 * and the kernel view stay in sight while the student thinks. */
	h = 4 + tui_wrapped_rows(iw, QUIZ_QUESTION_ROWS,
	    tui_lang_text(t, p->question));
	for (i = 0; i < n; i++)
		h += tui_wrapped_rows(iw - 4, 2, choices[i]);
	if (t->quiz.answered)
		h += 2 + tui_wrapped_rows(iw, 2, t->quiz.outcome) +
		    tui_wrapped_rows(iw, 2, t->quiz.checks) +
		    tui_wrapped_rows(iw, QUIZ_EXPLAIN_ROWS,
		    tui_lang_text(t, p->explain));
	if (h > LINES - 3)
		h = LINES - 3;
	y = LINES - 2 - h;
	x = (COLS - w) / 2;
	tui_box(y, x, h, w, t->quiz.answered ? _(" what the kernel did ") :
	    _(" predict "));
	row = y + 1;
	tui_style(TR_HEADER);
	row += tui_put_wrapped(row, x + 2, iw, QUIZ_QUESTION_ROWS,
	    tui_lang_text(t, p->question));
	tui_style(TR_NORMAL);
	for (i = 0; i < n; i++) {
		enum tui_role role = TR_NORMAL;

		if (t->quiz.answered && (int)i + 1 == p->answer)
			role = TR_OK;
		else if (t->quiz.answered && (int)i + 1 == t->quiz.choice)
			role = TR_ERROR;
		tui_style(TR_KEY);
		tui_putf(row, x + 2, 4, " %zu ", i + 1);
		tui_style(role);
		row += tui_put_wrapped(row, x + 6, iw - 4, 2, choices[i]);
		if (t->quiz.answered && (int)i + 1 == t->quiz.choice)
			tui_put_right(row - 1, x + 2, iw, _("(you)"));
		free(choices[i]);
	}
	tui_style(TR_NORMAL);
	if (!t->quiz.answered) {
		snprintf(hint, sizeof hint, _("1-%zu answers, then the step "
		    "runs; x skips"), n);
		tui_style(TR_DIM);
		tui_put(y + h - 2, x + 2, iw, hint);
		tui_style(TR_NORMAL);
		return;
	}
	row++;
	right = t->quiz.choice == p->answer;
	tui_style(right ? TR_OK : TR_ERROR);
	tui_putf(row++, x + 2, iw, "%s %s", tui_glyph(right ? TG_DONE :
	    TG_MARK), right ? _("Right.") : _("Not this time."));
	tui_style(TR_CHANGED);
	if (t->quiz.outcome[0] != '\0' && row < y + h - 2)
		row += tui_put_wrapped(row, x + 2, iw, 2, t->quiz.outcome);
	tui_style(t->quiz.checks_ok ? TR_OK : TR_ERROR);
	if (t->quiz.checks[0] != '\0' && row < y + h - 2)
		row += tui_put_wrapped(row, x + 2, iw, 2, t->quiz.checks);
	tui_style(TR_NORMAL);
	explain = tui_lang_text(t, p->explain);
	if (explain != NULL && row < y + h - 2)
		tui_put_wrapped(row, x + 2, iw, y + h - 2 - row, explain);
	tui_style(TR_DIM);
	tui_put(y + h - 2, x + 2, iw, _("any key closes this"));
	tui_style(TR_NORMAL);
}
