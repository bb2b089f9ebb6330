/*
 * views.h - what the command line (main.c) starts: the views.  Each
 * returns its exit status, or -1 with a one-line message for a mistake
 * of the user's (main.c prints it and exits 2).
 */
#ifndef VIEWS_H
#define VIEWS_H

#include "drive.h"

int	 cmd_batch(const char *lesson, const struct options *, char *err,
	    size_t);
int	 cmd_check_lesson(const char *dir, const struct options *, char *err,
	    size_t);
#define GRADE_DEFAULT_TIME_LIMIT	60	/* s per submission */
/* grade.c: each submission (--server/--client FILE, or directories)
 * against the lesson; 0 all passed, 1 one failed, -1 + err a mistake. */
int	 cmd_grade(const char *lesson, const struct options *,
	    const char *results, unsigned time_limit, char *const dirs[],
	    size_t ndirs, char *err, size_t);
int	 cmd_tui(const char *lesson, const struct options *, char *err,
	    size_t);

#endif
