/*
 * output.h - a batch run's output: one interface, a struct output_ops
 * per format (text and JSON Lines in transcript.c, Mermaid and Markdown
 * in export-*.c), chosen once by output_create() (output.c).
 */
#ifndef OUTPUT_H
#define OUTPUT_H

#include "drive.h"

/* output.c: the run's output in the format chosen once */
enum export_fmt { EXPORT_NONE = 0, EXPORT_MERMAID, EXPORT_MARKDOWN };
int	 export_fmt_parse(const char *, int *);
enum output_fmt { OUTPUT_TEXT, OUTPUT_JSON, OUTPUT_MERMAID, OUTPUT_MARKDOWN };
enum output_fmt output_fmt_of(const struct options *);	/* --json, --export */
struct output;
struct output *output_create(FILE *, enum output_fmt, const struct session *,
	    enum lang);
void	 output_event(struct output *, struct lab *, const struct lab_event *);
/* After each step (token), and once before the first (NULL). */
void	 output_step(struct output *, struct lab *, const char *token);
/* A lesson check after step point, 0 at the end of the run. */
void	 output_check(struct output *, unsigned point, const char *expr,
	    enum check_result, const char *why);
void	 output_end(struct output *, struct lab *);	/* what is held back */
void	 output_destroy(struct output *);		/* accepts NULL */

/* An operation a format leaves NULL writes nothing. */
struct output_ops {
	size_t	 size;	/* the format's struct, a struct output first */
	/* At creation, before any step: a heading. */
	void	(*begin)(struct output *, struct lab *);
	void	(*event)(struct output *, struct lab *,
		    const struct lab_event *);
	/* After each step taken, and once before the first (token NULL);
	 * o->nstep counts the steps taken, this one included. */
	void	(*step)(struct output *, struct lab *, const char *token);
	/* point: the step a lesson check follows, 0 the end of the run */
	void	(*check)(struct output *, unsigned point, const char *expr,
		    enum check_result, const char *why);
	/* The run is over: what is still held back. */
	void	(*end)(struct output *, struct lab *);
	/* Frees what the format holds, not o itself. */
	void	(*finish)(struct output *);
};

struct output {
	const struct output_ops	*ops;
	FILE			*out;
	const struct session	*s;
	enum lang		 lang;
	size_t			 nstep;		/* steps taken */
};

/* transcript.c, export-mermaid.c, export-markdown.c */
extern const struct output_ops output_text_ops;
extern const struct output_ops output_json_ops;
extern const struct output_ops output_mermaid_ops;
extern const struct output_ops output_markdown_ops;

#endif
