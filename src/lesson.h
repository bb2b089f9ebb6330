/*
 * lesson.h - the lesson layer: lesson files, step SPECs, the checks a
 * lesson makes of the kernel, a learner's progress.  Files in,
 * decisions out: it runs nothing but the C compiler (lesson-cc.c), and
 * never a lesson's program.
 */
#ifndef LESSON_H
#define LESSON_H

#include "model.h"

/* lesson.c, lesson-find.c: lesson files (never execute anything) */
enum lang { LANG_EN = 0, LANG_ZH, LANG_COUNT };
extern const char *const lang_names[LANG_COUNT];	/* "en", "zh" */
/* [narration]  [SIDE.]CALL.before.en = ... : shown while CALL is pending;
 * .after. once it returned.  SIDE "client" means every client. */
struct lesson_narration {
	char		*side;		/* NULL: any side */
	char		*call;
	char		*before[LANG_COUNT];
	char		*after[LANG_COUNT];
	unsigned	 line;
	unsigned	 before_line;	/* its first .before. key; 0: none */
	unsigned	 after_line;	/* its first .after. key; 0: none */
};
#define LESSON_MAX_CHOICES 6
/* [predict]  N.question.en, N.choices.en = a | b | c, N.answer, N.explain.en:
 * asked before guided step N. */
struct lesson_predict {
	unsigned	 step;
	char		*question[LANG_COUNT];
	char		*choices[LANG_COUNT];
	int		 answer;	/* 1-based */
	char		*explain[LANG_COUNT];
	unsigned	 line;
};
/* [checks]  after N = EXPR, end = EXPR: what the kernel must show. */
struct lesson_check {
	unsigned	 step;		/* after guided step N; 0: at the end */
	char		*expr;
	unsigned	 line;
};
/* [programs]  NAME = COMMAND: another program a step may start a side
 * with (s!NAME), a command like server's, {port} the lab's port. */
#define LESSON_PROGRAM_NAME	16
struct lesson_program {
	char		 name[LESSON_PROGRAM_NAME];
	char		*cmd;
	unsigned	 line;
};
/* [input]  SIDE = TEXT: a line typed into SIDE's terminal each time it
 * waits for input, in file order (batch, run; the screen lets the
 * learner type).  SIDE "client" means every client. */
struct lesson_input {
	char		*side;
	char		*text;
	unsigned	 line;
};
struct lesson {
	char	*name;		/* "01-hello" */
	char	*dir;		/* where lesson.ini and the sources are */
	char	*bindir;	/* where its programs are built or installed */
	char	*title[LANG_COUNT];
	char	*goal[LANG_COUNT];
	char	*server_cmd;	/* "server {port}" */
	char	*client_cmd;	/* "client 127.0.0.1 {port}" */
	int	 clients;
	char	*steps;		/* the guided order, a step SPEC */
	bool	 external;	/* a directory outside the built-in set */
	bool	 server_is_user;	/* sockstep run: the user's program */
	bool	 client_is_user;
	unsigned title_line;
	unsigned steps_line;
	struct lesson_narration	*narr;
	size_t			 nnarr;
	struct lesson_predict	*pred;
	size_t			 npred;
	struct lesson_check	*checks;
	size_t			 nchecks;
	struct lesson_input	*input;
	size_t			 ninput;
	struct lesson_program	*progs;
	size_t			 nprogs;
};
int	 lesson_parse(struct lesson *, const char *, size_t, const char *fname,
	    char *err, size_t);
int	 lesson_load_file(struct lesson *, const char *, char *, size_t);
/* Everything a file can be checked for without running it; each
 * problem is reported through fn as "file:line: message". */
unsigned lesson_validate(const struct lesson *, const char *fname,
	    void (*fn)(void *, const char *), void *);
const char *lesson_narration_text(const struct lesson *, const char *side,
	    const char *call, bool after, enum lang);
/* The entry whose words an event shows, in the transcript and for
 * check-lesson (the screen applies the same rule in tui-observe.c and
 * tui-narrate.c): the before words when a side stops before the call,
 * the after words once it returned without an error (a failed call did
 * not do what they tell).  NULL: none; *after says which it shows. */
const struct lesson_narration *lesson_narration_shown(const struct lesson *,
	    const struct lab_event *, enum lang, bool *after);
/* Splits "a | b | c" into at most LESSON_MAX_CHOICES trimmed strings
 * (owned by the caller: free each); returns how many. */
size_t	 lesson_choices(const char *, char **, size_t);
void	 lesson_finish(struct lesson *);
/* A program's name: 1 to 15 of a-z, A-Z, 0-9, '_', '-'. */
bool	 lesson_program_name_ok(const char *);
/* The [programs] entry of that name, NULL if none. */
const struct lesson_program *lesson_program(const struct lesson *,
	    const char *name);
/* lesson-facts.c: {somaxconn}, {syn_schedule}, {syn_timeout} in a
 * lesson's text become the running kernel's values */
void	 lesson_fill_facts(struct lesson *);
char	**lesson_argv(const char *cmd, const char *bindir, const uint16_t ports[2],
	    const char *ip, char *err, size_t);
/* The search path: $SOCKSTEP_LESSONS, $XDG_DATA_HOME/sockstep/lessons,
 * the built-in lessons ("a:b:c", for a message). */
void	 lesson_search_path(char *, size_t);
char	**lesson_list(size_t *);
int	 lesson_open(struct lesson *, const char *, char *, size_t);
/* lesson-build.c: the programs of a lesson that is not built-in, built
 * from the sources beside its lesson.ini (lesson_cc_build); sets bindir.
 * -1: err one line, and *diag the compiler's output when it failed
 * (malloc'd, the caller frees it; NULL otherwise). */
int	 lesson_build(struct lesson *, char *err, size_t errlen, char **diag);
/* lesson-new.c: a lesson skeleton in the directory NAME, made here */
int	 lesson_new(const char *name, char *err, size_t errlen);

/*
 * lesson-cc.c: one C source built with $CC (default cc) -g -O0 into
 * the cache ($XDG_CACHE_HOME/sockstep/build), rebuilt when its bytes,
 * path or compiler change; the only thing this layer runs.  0: exe
 * holds the program's path.  -1: the compiler failed, *diag its output
 * as it is.  -2: another error (no compiler, no cache), *diag one line.
 * *diag is malloc'd (the caller frees it) or NULL.  Call it while no
 * lab runs (the lab reaps every child of sockstep's).
 */
int	 lesson_cc_build(const char *src_c, char *exe, size_t exesz,
	    char **diag);

/* steps.c: step SPECs ("s s+ c2 c+ w s! c<TEXT") */
enum step_op { STEP_ONE, STEP_RUN, STEP_ALL, STEP_WAIT, STEP_RESTART,
	STEP_TYPE };		/* c<TEXT: a line typed into the side */
#define STEP_TEXT_MAX	256	/* bytes of a line a step types */
struct step {
	enum step_op	 op;
	int		 side;		/* 0 server, 1.. client N */
	unsigned	 task;		/* s.2: its task 2; 0 the side's */
	char		 call[16];	/* s@bind: the call it takes; "" any */
	/* s!NAME: the [programs] entry it starts; "" the side's own */
	char		 prog[LESSON_PROGRAM_NAME];
	/* STEP_TYPE: the line (no '\n'), or end-of-file (c<^D) */
	char		 text[STEP_TEXT_MAX + 1];
	bool		 eof;
	/* As a SPEC spells it; a typed line escaped (\x20 for a space)
	 * so that it holds no separator. */
	char		 token[STEP_TEXT_MAX * 4 + 16];
};
void	 step_make(struct step *, int side, enum step_op);
void	 step_set_task(struct step *, unsigned task);	/* s.2 */
/* A step that types text (NULL: end-of-file) into side. */
int	 step_make_type(struct step *, int side, const char *text);
/* Parses spec; the error names the bad token. */
int	 steps_parse(const char *spec, int nclients, struct step **, size_t *,
	    char *err, size_t);

/* lesson-check.c: a lesson's checks, evaluated against the kernel */
struct check_expr;
struct check_record {
	char		 side[16];
	char		 call[16];
	int64_t		 ret;
	int		 err;
	const char	*origin;	/* static string from the lab */
	uint16_t	 local_port;
};
struct check_history {		/* the last return of each (side, call), oldest first */
	struct check_record	*rec;
	size_t			 n;
	size_t			 cap;
};
struct check_expr *check_create(const char *, char *err, size_t);
void	 check_destroy(struct check_expr *);
void	 check_history_record(struct check_history *, const struct lab_event *);
void	 check_history_finish(struct check_history *);
/* Not evaluated: what the check reads was not seen (a segment count
 * without a capture); it neither holds nor fails, and why says so. */
enum check_result { CHECK_FAILED, CHECK_HELD, CHECK_SKIPPED };
enum check_result check_eval(const struct check_expr *, struct lab *,
	    const struct check_history *, uint16_t port2, char *why, size_t);
enum check_result check_run(const char *expr, struct lab *,
	    const struct check_history *, uint16_t port2, char *why, size_t);

/* progress.c: a learner's record, $XDG_STATE_HOME/sockstep/progress */
struct progress_entry {
	char	*lesson;	/* any directory name, whatever its bytes */
	int	 finished;
	int	 right;		/* predictions answered right */
	int	 wrong;
};
struct progress {
	struct progress_entry	*e;
	size_t			 n;
};
/* A line that cannot be read is skipped and named in note; the file as
 * it was is set aside and the entries that could be read written back. */
void	 progress_load(struct progress *, char *note, size_t);
int	 progress_save(const struct progress *, char *err, size_t);
void	 progress_finish(struct progress *);
const struct progress_entry *progress_get(const struct progress *, const char *);
/* finished: 1 marks the lesson done; answer_right: 1 right, -1 wrong, 0 none */
int	 progress_record(const char *lesson, int finished, int answer_right,
	    char *err, size_t);
/* "done, 2/3 right", or "" for a lesson not started */
void	 progress_mark(const struct progress_entry *, char *, size_t);

#endif
