/*
 * diff.h - the first divergence of two runs (issue 17 §3): two JSON
 * Lines transcripts (`batch --json`, `run --batch --json`) read back,
 * each program's calls aligned with the reference's (a longest common
 * subsequence, so one extra call does not make all after it differ),
 * and the first point where they part said in words.  Beside the
 * outputs (layer 4): it reads what transcript.c writes, never the lab.
 */
#ifndef DIFF_H
#define DIFF_H

#include "base.h"

/*
 * ref_jsonl: the reference run; got_jsonl: the student's.  0 = the runs
 * agree; 1 = they differ, *words the first divergence in the current
 * language, a few lines, malloc'd (the caller frees); -1 = a file could
 * not be read or is no transcript, err one line.
 */
int	 tdiff_files(const char *ref_jsonl, const char *got_jsonl,
	    char **words, char *err, size_t errsz);

/* One thing a program did, read back from a transcript (diff-read.c). */
enum titem_kind { TI_CALL, TI_EXIT };
#define TI_MAXARGS	6
struct titem {
	enum titem_kind	 kind;
	unsigned long	 seq;		/* the return's (or exit's) seq */
	int		 step;		/* the step it happened in, 0 none */
	char		*call;		/* "accept4" */
	const char	*family;	/* "accept": accept4 and accept alike */
	char		*args[TI_MAXARGS];
	unsigned	 nargs;
	long long	 ret;
	char		*err;		/* "ECONNREFUSED", NULL on success */
	bool		 returned;	/* false: blocked or cut off */
	char		*src;		/* "server.c:40", NULL without -g */
	char		*path;		/* the source file's whole path */
	char		*func;
	char		*kstate;	/* its socket's TCP state then */
	char		*klocal;	/* its socket's local address then */
	int		 nlisteners;	/* listening sockets in the lab then */
	char		*klisten;	/* their addresses, ", " between */
	int		 status;	/* TI_EXIT: exit status, -1 signalled */
	int		 sig;
	char		 role;		/* of the fd it used: L, C, S, ? */
	char		*token;		/* what the alignment compares */
};

/* One task ("server", "client2", "server.2"): what it did, in order. */
struct ttask {
	char		*name;
	char		*side;
	struct titem	*items;
	size_t		 nitems;
};

struct trun {
	char		*path;
	struct ttask	*tasks;
	size_t		 ntasks;
	long		*eports;	/* ports the kernel chose in this run */
	size_t		 neports;
	long		*nports;	/* ports named in bind() and connect() */
	size_t		 nnports;
};

int	 trun_read(struct trun *, const char *path, char *err, size_t);
/* The same from memory (the fuzz target); name is said in errors. */
int	 trun_read_mem(struct trun *, const char *name, const char *data,
	    size_t, char *err, size_t);
void	 trun_free(struct trun *);
const struct ttask *trun_task(const struct trun *, const char *name);
/* s with each port the kernel chose in the run written as "#": a
 * server that writes its client's address writes the same. */
char	*trun_mask_ports(const struct trun *, const char *s);

/* diff-align.c: where two runs part, and how. */
enum tdiv_kind {
	DV_NONE,
	DV_MISSING,	/* the reference made a call the student's did not */
	DV_EXTRA,	/* the other way round */
	DV_RESULT,	/* the same call, another result */
	DV_ROLE,	/* the same call on another socket */
	DV_HTONS,	/* a port that is the other's bytes swapped */
	DV_HTONL,	/* the same for an IPv4 address */
	DV_PORT,
	DV_ADDR,
	DV_ARGS,	/* socket(), listen(), shutdown(): other arguments */
	DV_DATA,	/* write(): other bytes */
	DV_KSTATE,	/* the same call, the kernel shows another state */
	DV_EXIT,
	DV_TASK_MISSING,
	DV_TASK_EXTRA,
};
struct tdiv {
	enum tdiv_kind		 kind;
	unsigned long		 at;	/* where in the student's run: 2 seq */
	const struct ttask	*rtask, *gtask;
	const struct titem	*ref;	/* NULL for DV_EXTRA */
	const struct titem	*got;	/* for DV_MISSING: the student's next */
	char			 what[2][160];	/* ref, got: "8080", "4" */
};
/* The first divergence; and the first on another side after it (the
 * consequence: "the client's connect() was refused"). */
void	 tdiff_align(const struct trun *ref, const struct trun *got,
	    struct tdiv *first, struct tdiv *then);

/* diff-words.c: the first divergence, in words; NULL when none. */
char	*tdiff_runs(const struct trun *ref, const struct trun *got);

#endif
