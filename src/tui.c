/* tui.c - placeholder replaced by the TUI (issue 4). */
#include <unistd.h>

#include "sockstep.h"

int
cmd_tui(const char *lesson, const struct options *o)
{
	(void)lesson;
	(void)o;
	if (!isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO))
		user_error("no terminal: use 'sockstep batch' for a "
		    "transcript without a screen");
	user_error("the interactive screen is not built yet; use "
	    "'sockstep batch'");
}
