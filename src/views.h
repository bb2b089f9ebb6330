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
int	 cmd_tui(const char *lesson, const struct options *, char *err,
	    size_t);

#endif
