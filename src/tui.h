/*
 * tui.h - the interactive screen (ncursesw): only tui-*.c include it,
 * and only they include curses.  It keeps view state; the drive and the
 * lab below it are the model.
 */
#ifndef TUI_H
#define TUI_H

#include "drive.h"
#include "views.h"

/* tui*.c: the interactive screen (ncursesw).  It keeps view state only:
 * scroll positions, the chosen client, the snapshot before the last step
 * and the timeline of events the lab reported; the lab stays the model. */
enum tui_role {			/* what a piece of text means; tui-theme.c
				 * maps it to colour or, without, attributes */
	TR_NORMAL = 0,
	TR_TITLE,	/* the top bar */
	TR_HEADER,	/* SERVER, CLIENT, pane titles */
	TR_DIM,		/* context: source around the call, stages to come */
	TR_PENDING,	/* paused before a call: what happens next */
	TR_BLOCKED,	/* asleep in the kernel: unmistakable */
	TR_OK,		/* done, returned, connected */
	TR_ERROR,	/* a call failed, a step was refused */
	TR_QUEUE,	/* the accept-queue gauge */
	TR_CHANGED,	/* what the last step changed */
	TR_EXITED,
	TR_KEY,		/* a key in the key bar */
	TR_LINE,	/* the source line of the pending call */
	TR_LINE_BLOCKED,/* the source line of a blocked call */
	TR_COUNT
};
enum tui_glyph {
	TG_RIGHT, TG_LEFT, TG_BOTH, TG_MARK, TG_DONE, TG_HEAD_R, TG_HEAD_L,
	TG_LINE, TG_VLINE, TG_ELLIPSIS, TG_DASH, TG_SLOT_FULL, TG_SLOT_EMPTY,
	TG_BIG_FULL, TG_BIG_EMPTY, TG_CORNER, TG_FLOW, TG_FLOW_DONE, TG_COUNT
};
struct tui_rect {
	int	 y, x, h, w;
};
struct tui_layout {
	int		 rows, cols;
	bool		 too_small;	/* below 80x24 */
	bool		 roomy;		/* a projector: more of everything */
	int		 sep_x;		/* the line between the two sides */
	struct tui_rect	 title, side[2], kernel, timeline, narration,
			 message, keys;
};
enum tui_arrow { TA_NONE = 0, TA_TO_SERVER, TA_TO_CLIENT, TA_BOTH };
struct tui_row {		/* one line of the timeline */
	int		 side;	/* 0 server, 1.. client N, -1 sockstep */
	enum tui_role	 role;
	enum tui_arrow	 arrow;
	enum tui_role	 arrow_role;
	char		 text[120];
	char		 label[24];	/* on the arrow: "SYN", "12 B", "FIN" */
	uint64_t	 call_seq;	/* a call's row: its CALL event's seq */
};
#define TUI_ROWS_MAX	1024	/* timeline rows kept */
#define TUI_KEYS_QUEUED	64	/* typed ahead while a step runs */
struct tui_sideview {
	struct srcloc	*loc;		/* call site of the pending or last call */
	bool		 loc_valid;
	const struct task *loc_task;	/* ... of this task, its call_gen */
	uint64_t	 loc_gen;
	bool		 local_ok;	/* the address read after bind/connect */
	int		 local_fd;
	struct sockaddr_storage local;
	char		 local_origin[32];
	enum addr_source local_source;
	uint64_t	 connected;	/* bit per fd < 64 with a connection */
	const char	*after;		/* the lesson's words on its last call */
	uint64_t	 after_action;	/* ... said during this action */
	char		 last[120];	/* its last call that returned, in brief */
	uint64_t	 last_action;	/* ... during this action */
};
struct tui_quiz {		/* a lesson's prediction, asked before a step */
	const struct lesson_predict *p;	/* NULL: no question open */
	bool		 answered;	/* the verdict is showing */
	bool		 waiting;	/* answered: its step is under way */
	int		 choice;	/* 1-based, what the student said */
	char		 outcome[160];	/* what the kernel did in the step */
	char		 checks[160];	/* the lesson's checks after it */
	bool		 checks_ok;
};
struct tui_menu {		/* 'l': the lessons, to open another */
	char		**names;
	char		**lines;	/* title and progress, per name */
	size_t		 n;
	size_t		 sel;
};
struct tui {
	struct drive	 d;		/* the session, guided order, checks, path */
	const char	*lesson_name;
	const struct options *opts;
	struct srcmap	*srcmap;
	struct tui_sideview sv[SOCKSTEP_MAX_CLIENTS + 1];
	int		 client;	/* the client the CLIENT column shows */
	unsigned	 task[SOCKSTEP_MAX_CLIENTS + 1]; /* each side's task
					 * s/c step (t/T); 0: paused longest */
	uint64_t	 action;	/* steps asked for by a key, counted */
	bool		 stepped;	/* a step was taken since the start */
	struct tui_row	*rows;		/* ring of TUI_ROWS_MAX */
	size_t		 nrows;		/* rows ever added */
	size_t		 scroll;	/* timeline rows back from the newest */
	struct ksock	*prev;		/* the kernel before the last step */
	size_t		 nprev;
	bool		 have_prev;
	uint64_t	 prev_overflows;	/* ListenOverflows then (issue 16 §3) */
	bool		 prev_netstat_ok;
	struct sbuf	 msg;		/* what the last key did */
	bool		 msg_error;
	bool		 msg_busy;	/* msg says what a step waits for */
	bool		 help, quit, restart, dirty, utf8, color;
	size_t		 restart_replay;	/* b: steps to take again */
	bool		 restart_back;		/* ... asked for by b */
	bool		 projector;	/* lecture-hall theme: tui-theme.c */
	struct tui_quiz	 quiz;
	unsigned	 asked;		/* predictions asked up to this step */
	bool		 finished;	/* the guided order ended, recorded */
	/* The step that ended in the last drive_advance(), for the loop. */
	bool		 ended;
	struct step	 ended_step;
	bool		 ended_guided;
	char		 ended_why[256];
	bool		 trying_guided;	/* the step under way came from space */
	unsigned	 held_now, failed_now;	/* checks since the last step */
	uint64_t	 busy_since;	/* ms: the step under way began */
	uint64_t	 replay_due;	/* replay --delay: the next step, ms */
	struct {			/* keys typed during a step, in order */
		int	 key;
		bool	 is_code;
	}		 queued[TUI_KEYS_QUEUED];
	size_t		 nqueued;
	bool		 replay_started;
	struct tui_menu	*menu;		/* open lesson menu */
	struct tui_input *input;	/* open line editor (i), tui-input.c */
	char		*lesson_owned;	/* a lesson opened from the menu */
	int		 sigfd;
	struct tui_layout lay;
};
/* tui-term.c: the terminal, signals, every way out */
int	 tui_signals_open(void);
int	 tui_signal_read(int);
void	 tui_fatal_handlers(void);
int	 tui_term_start(char *err, size_t);
void	 tui_term_stop(void);
void	 tui_term_resize(void);
/* tui-theme.c */
void	 tui_theme_init(struct tui *);	/* again after t->projector changes */
void	 tui_style(enum tui_role);
enum tui_role tui_state_role(int tcp_state);
const char *tui_glyph(enum tui_glyph);
/* tui-text.c: text measured in display columns, never bytes */
int	 tui_width(const char *);
int	 tui_put(int y, int x, int w, const char *);
int	 tui_putf(int y, int x, int w, const char *, ...) PRINTFLIKE(4, 5);
int	 tui_put_right(int y, int x, int w, const char *);
int	 tui_put_wrapped(int y, int x, int w, int h, const char *);
int	 tui_wrapped_rows(int w, int h, const char *);
void	 tui_blank(int y, int x, int w);
void	 tui_rule(int y, int x, int w, const char *title);
/* tui-layout.c */
void	 tui_layout_compute(struct tui_layout *, int rows, int cols);
/* tui-words.c: the sides' states in words */
void	 tui_state_words(struct sbuf *, const struct side *, bool brief,
	    enum tui_role *);
const char *tui_waiting_for(const struct side *);
const char *tui_waiting_brief(const struct side *);
const char *tui_wake_hint(const struct side *);
void	 tui_call_brief(struct sbuf *, const struct sc_call *, bool ret);
const char *tui_explain(const struct tui *, const struct sc_call *);
/* tui-observe.c: lab events into view state */
void	 tui_observe(struct lab *, const struct lab_event *, void *);
void	 tui_view_reset(struct tui *);
void	 tui_message(struct tui *, bool error, const char *, ...) PRINTFLIKE(3, 4);
void	 tui_row_text(struct tui *, int side, enum tui_role, const char *);
/* tui-side.c, tui-source.c, tui-flow.c: one side's column */
void	 tui_draw_side(struct tui *, struct side *, const struct tui_rect *);
void	 tui_draw_source(struct tui *, struct side *, int y, int x, int w, int h);
void	 tui_draw_flow(struct tui *, const struct side *, int y, int x, int w);
/* tui-tasks.c: a side's tasks, and the one s/c step */
void	 tui_draw_tasks(struct tui *, struct side *, int y, int x, int w);
unsigned tui_task_of(struct tui *, int index);
void	 tui_key_task(struct tui *, int key, bool is_code);
/* tui-kernel.c, tui-diff.c, tui-gauge.c */
void	 tui_kernel_remember(struct tui *);
bool	 tui_addr_same(const struct sockaddr_storage *,
	    const struct sockaddr_storage *);
bool	 tui_ksock_same(const struct ksock *, const struct ksock *);
const struct ksock *tui_prev_of(const struct tui *, const struct ksock *);
void	 tui_kernel_change(struct sbuf *, struct tui *, const struct ksock *);
/* "+1 (was 1)" on ListenOverflows when the last step moved it */
void	 tui_netstat_change(struct sbuf *, struct tui *, const struct kview *);
void	 tui_draw_kernel(struct tui *, const struct tui_rect *);
int	 tui_draw_gauge(struct tui *, int y, int x, int w, uint32_t queue,
	    uint32_t backlog);
/* tui-timeline.c */
void	 tui_timeline_add(struct tui *, const struct tui_row *);
/* tui-wire.c: a captured segment on the timeline's wire lane */
void	 tui_wire_segment(struct tui *, const struct tcp_segment *);
void	 tui_draw_timeline(struct tui *, const struct tui_rect *);
/* tui-draw.c, tui-narrate.c, tui-help.c */
void	 tui_draw(struct tui *);
void	 tui_draw_narration(struct tui *, const struct tui_rect *);
void	 tui_draw_help(struct tui *);
void	 tui_draw_too_small(const struct tui_layout *);
/* tui-keytab.c: the keys, one table; dispatch, the key bar and the
 * help's key list are made from it */
void	 tui_key(struct tui *, int key, bool is_code);
bool	 tui_key_at_once(int key, bool is_code);
void	 tui_draw_keys(struct tui *, const struct tui_rect *);
size_t	 tui_key_help(const char **lines, size_t max);
/* tui-keys.c: steps the keys begin, and their end */
bool	 tui_guided(struct tui *);
void	 tui_step_key(struct tui *, int index, enum step_op);
void	 tui_step_ended(struct tui *);
/* tui-quiz.c: the lesson's predictions and checks, and progress */
bool	 tui_quiz_ask(struct tui *);
bool	 tui_quiz_key(struct tui *, int key, bool is_code);
void	 tui_checks_after(struct tui *, unsigned step);
void	 tui_quiz_verdict(struct tui *);
void	 tui_lesson_reset(struct tui *);
void	 tui_draw_quiz(struct tui *);
/* tui-input.c: i / I, a line typed into a side's terminal */
void	 tui_input_open(struct tui *, int side);
void	 tui_input_close(struct tui *);
bool	 tui_input_key(struct tui *, int key, bool is_code);
void	 tui_draw_input(struct tui *);
/* tui-menu.c: the lesson menu; tui-box.c: a framed overlay */
void	 tui_menu_open(struct tui *);
void	 tui_menu_close(struct tui *);
bool	 tui_menu_key(struct tui *, int key, bool is_code);
void	 tui_draw_menu(struct tui *);
void	 tui_box(int y, int x, int h, int w, const char *title);

/* tui.c: the loop; a restart (r, b, another lesson) is its own job */
void	 tui_restart(struct tui *, size_t replay);
/* tui-back.c: b, f, and `sockstep replay` with --delay as a deadline */
void	 tui_back_back(struct tui *);
void	 tui_back_forward(struct tui *);
void	 tui_replay_start(struct tui *);
int	 tui_replay_tick(struct tui *, uint64_t now);	/* ms to the next */
void	 tui_replayed(struct drive *, size_t done, size_t want,
	    const char *why, void *);

#endif
