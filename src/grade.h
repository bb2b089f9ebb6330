/*
 * grade.h - sockstep grade: each submission's program on its side of a
 * lesson, against the lesson's own other side, in the guided order with
 * the lesson's checks.  grade.c runs the class (one worker process per
 * submission, a deadline each), grade-run.c is the worker (a jail, the
 * drive, the verdict from the trace), grade-report.c the verdict's wire
 * form between them and the Gradescope results file.
 */
#ifndef GRADE_H
#define GRADE_H

#include "output.h"

#define GRADE_MAX_PROCS		48	/* a submission's tasks: more fail */
#define GRADE_NPROC		64	/* RLIMIT_NPROC of the whole run */
#define GRADE_OUTPUT_MAX	(64 * 1024)	/* bytes a submission prints */
#define GRADE_FSIZE		(16UL * 1024 * 1024)	/* RLIMIT_FSIZE */

/* What the worker is to do: one run, reported on report_fd. */
struct grade_job {
	const char	*lesson;	/* name, number or absolute directory */
	enum lang	 lang;
	enum net_mode	 net;
	unsigned	 time_limit;	/* s, wall clock, compile included */
	const char	*own;		/* the submission's directory (a copy) */
	const char	*prog;		/* file in own; NULL: the reference run */
	int		 side;		/* 0 its server, 1 its client */
	int		 report_fd;
	int		 jsonl_fd;	/* batch --json's transcript, -1: none */
	bool		 say_jail;	/* the first: say when there is no jail */
};
/* grade-run.c: in the worker process; its exit status */
int	 grade_worker(const struct grade_job *);

/* One of the lesson's checks as the run left it. */
struct grade_check {
	bool		 reached;	/* evaluated at its point */
	bool		 ok;
	char		*why;		/* failed: the kernel's answer */
	char		*context;	/* failed: the transcript around it */
};
/* A worker's verdict, as it reported it (grade-report.c). */
struct grade_result {
	bool		 complete;	/* the report's end arrived */
	char		*reason;	/* a failure beside the checks, or NULL */
	char		*reason_context;/* compiler output, transcript tail */
	struct grade_check *checks;
	size_t		 nchecks;	/* the lesson's */
	char		*jsonl;		/* its transcript's path, NULL none */
	/* The first divergence from the reference run, in words (the
	 * diff's, issue 17 §3), or NULL: after the first failing check on
	 * the class's line, first in its test's output. */
	char		*divergence;
};
/* grade-report.c: the wire between worker and grader: records of a
 * type byte and length-prefixed strings, the worker's only voice. */
void	 grade_report_check(int fd, size_t index, bool ok, const char *why,
	    const char *context);
void	 grade_report_reason(int fd, const char *reason, const char *context);
void	 grade_report_end(int fd);
/* A worker's whole report as read; nchecks: the lesson's.  A report
 * cut short is not complete. */
void	 grade_result_parse(struct grade_result *, const char *, size_t,
	    size_t nchecks);
void	 grade_result_finish(struct grade_result *);
bool	 grade_result_passed(const struct grade_result *);
unsigned grade_result_score(const struct grade_result *);
/* The first failing check or the reason, one line, for the class's list. */
void	 grade_result_words(struct sbuf *, const struct grade_result *,
	    const struct lesson *);
/* "after step 5: queue = 1" */
void	 grade_check_name(struct sbuf *, const struct lesson_check *);

/* The Gradescope autograder's results.json for all the runs. */
struct grade_entry {
	char			*label;	/* "" when it is the only one */
	struct grade_result	 res;
};
void	 grade_results_json(struct sbuf *, const struct grade_entry *, size_t,
	    const struct lesson *);

#endif
