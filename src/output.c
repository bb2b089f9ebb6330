/*
 * output.c - a batch run's output, whatever its format: the one place
 * the format is chosen, and the calls every format answers (output.h).
 */
#include <stdlib.h>

#include "output.h"

static const struct output_ops *const output_formats[] = {
	[OUTPUT_TEXT] = &output_text_ops,
	[OUTPUT_JSON] = &output_json_ops,
	[OUTPUT_MERMAID] = &output_mermaid_ops,
	[OUTPUT_MARKDOWN] = &output_markdown_ops,
};

enum output_fmt
output_fmt_of(const struct options *o)
{
	if (o->export_fmt == EXPORT_MERMAID)
		return OUTPUT_MERMAID;
	if (o->export_fmt == EXPORT_MARKDOWN)
		return OUTPUT_MARKDOWN;
	return o->json ? OUTPUT_JSON : OUTPUT_TEXT;
}

struct output *
output_create(FILE *out, enum output_fmt fmt, const struct session *s,
    enum lang lang)
{
	const struct output_ops *ops = output_formats[fmt];
	struct output *o = xcalloc(1, ops->size);

	o->ops = ops;
	o->out = out;
	o->s = s;
	o->lang = lang;
	if (ops->begin != NULL)
		ops->begin(o, s->lab);
	return o;
}

void
output_event(struct output *o, struct lab *lab, const struct lab_event *ev)
{
	if (o->ops->event != NULL)
		o->ops->event(o, lab, ev);
}

void
output_step(struct output *o, struct lab *lab, const char *token)
{
	if (token != NULL)
		o->nstep++;
	if (o->ops->step != NULL)
		o->ops->step(o, lab, token);
	fflush(o->out);
}

void
output_check(struct output *o, unsigned point, const char *expr,
    enum check_result r, const char *why)
{
	if (o->ops->check != NULL)
		o->ops->check(o, point, expr, r, why);
}

void
output_end(struct output *o, struct lab *lab)
{
	if (o->ops->end != NULL)
		o->ops->end(o, lab);
	fflush(o->out);
}

void
output_destroy(struct output *o)
{
	if (o == NULL)
		return;
	if (o->ops->finish != NULL)
		o->ops->finish(o);
	free(o);
}
