/*
 * tui-term.c - the terminal and every way out of it.  Signals that end
 * or resize the session arrive on a signalfd the loop polls; a crash of
 * sockstep itself restores the terminal, puts the old handler back and
 * dies of the same signal (htop CRT.c).  While curses owns the screen,
 * stderr goes to a memory file and is shown after the screen is gone.
 */
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/signalfd.h>

#include <curses.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui.h"

static const int tui_fatal_sigs[] = { SIGSEGV, SIGABRT, SIGBUS, SIGFPE,
	SIGILL };
static struct sigaction tui_old_actions[sizeof tui_fatal_sigs /
    sizeof tui_fatal_sigs[0]];
static volatile sig_atomic_t tui_active;
static int tui_saved_stderr = -1;
static int tui_captured = -1;
static SCREEN *tui_screen;

int
tui_signals_open(void)
{
	sigset_t set;
	int fd;

	sigemptyset(&set);
	sigaddset(&set, SIGWINCH);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	return fd;	/* -1: errno says why */
}

/* The next signal that arrived, or 0. */
int
tui_signal_read(int fd)
{
	struct signalfd_siginfo si;

	if (read(fd, &si, sizeof si) != sizeof si)
		return 0;
	return (int)si.ssi_signo;
}

static void
tui_fatal(int sig)
{
	size_t i;

	if (tui_active) {
		tui_active = 0;
		endwin();
	}
	if (tui_saved_stderr != -1)
		dup2(tui_saved_stderr, STDERR_FILENO);
	for (i = 0; i < sizeof tui_fatal_sigs / sizeof tui_fatal_sigs[0]; i++)
		if (tui_fatal_sigs[i] == sig)
			sigaction(sig, &tui_old_actions[i], NULL);
	raise(sig);
}

void
tui_fatal_handlers(void)
{
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = tui_fatal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof tui_fatal_sigs / sizeof tui_fatal_sigs[0]; i++)
		sigaction(tui_fatal_sigs[i], &sa, &tui_old_actions[i]);
}

/* However the process ends (a fatal signal has its own handler): the
 * terminal is given back. */
static void
tui_atexit(void)
{
	tui_term_stop();
}

int
tui_term_start(char *err, size_t errlen)
{
	static bool registered;

	if ((tui_screen = newterm(NULL, stdout, stdin)) == NULL) {
		snprintf(err, errlen, _("cannot use this terminal (TERM=%s): "
		    "try TERM=xterm, or 'sockstep batch'"),
		    getenv("TERM") != NULL ? getenv("TERM") : "");
		return -1;
	}
	tui_active = 1;
	if (!registered) {
		atexit(tui_atexit);
		registered = true;
	}
	fflush(stderr);
	if ((tui_captured = memfd_create("sockstep-stderr",
	    MFD_CLOEXEC)) != -1) {
		tui_saved_stderr = dup(STDERR_FILENO);
		dup2(tui_captured, STDERR_FILENO);
	}
	cbreak();		/* Ctrl-C stays a signal: the signalfd gets it */
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	typeahead(-1);		/* draw every frame whole, keys or not */
	set_escdelay(25);
	curs_set(0);
	/* Every event, even those ignored: after an event outside the
	 * mask, ncurses reads on for more input, blocking. */
	mousemask(ALL_MOUSE_EVENTS, NULL);
	mouseinterval(0);
	if (LINES <= 0 || COLS <= 0)
		resizeterm(24, 80);
	return 0;
}

/* The screen as it was, and whatever went to stderr meanwhile. */
void
tui_term_stop(void)
{
	char buf[4096];
	ssize_t n;

	if (!tui_active)
		return;
	tui_active = 0;
	endwin();
	if (tui_screen != NULL) {
		delscreen(tui_screen);
		tui_screen = NULL;
	}
	if (tui_saved_stderr == -1)
		return;
	dup2(tui_saved_stderr, STDERR_FILENO);
	close(tui_saved_stderr);
	tui_saved_stderr = -1;
	lseek(tui_captured, 0, SEEK_SET);
	while ((n = read(tui_captured, buf, sizeof buf)) > 0)
		if (write(STDERR_FILENO, buf, (size_t)n) != n)
			break;
	close(tui_captured);
	tui_captured = -1;
}

/* SIGWINCH: the size from the kernel; none or zero counts as 80x24. */
void
tui_term_resize(void)
{
	struct winsize ws;
	int rows = 24, cols = 80;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
	    ws.ws_col > 0) {
		rows = ws.ws_row;
		cols = ws.ws_col;
	}
	resizeterm(rows, cols);
	clearok(curscr, TRUE);
}
