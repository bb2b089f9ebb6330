/*
 * fuzz-transcript.c - transcripts from anyone (sockstep diff, issue 17
 * §3): the input is two transcripts split at the first NUL (or one,
 * compared with itself).  Whatever the bytes, reading either fails with
 * a message naming it or gives a run; two runs give words or none, both
 * ways; and a run compared with itself always agrees.
 */
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "fuzz.h"

static void
self_agrees(const struct trun *run)
{
	char *w = tdiff_runs(run, run);

	if (w != NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *a = (const char *)data, *nul;
	size_t alen = size, blen = 0;
	const char *b = NULL;
	struct trun ra, rb;
	char err[512], *w;
	int oka, okb;

	if ((nul = memchr(a, '\0', size)) != NULL) {
		alen = (size_t)(nul - a);
		b = nul + 1;
		blen = size - alen - 1;
	}
	oka = trun_read_mem(&ra, "a.jsonl", a, alen, err, sizeof err);
	if (oka == -1 && strncmp(err, "a.jsonl", 7) != 0)
		abort();
	if (oka == 0)
		self_agrees(&ra);
	if (b == NULL) {
		if (oka == 0)
			trun_free(&ra);
		return 0;
	}
	okb = trun_read_mem(&rb, "b.jsonl", b, blen, err, sizeof err);
	if (okb == -1 && strncmp(err, "b.jsonl", 7) != 0)
		abort();
	if (okb == 0)
		self_agrees(&rb);
	if (oka == 0 && okb == 0) {
		free(tdiff_runs(&ra, &rb));
		w = tdiff_runs(&rb, &ra);
		if (w != NULL && *w == '\0')	/* words, or none */
			abort();
		free(w);
	}
	if (oka == 0)
		trun_free(&ra);
	if (okb == 0)
		trun_free(&rb);
	return 0;
}
