/*
 * fuzz-lesson.c - lesson files from a hostile teacher: whatever the
 * bytes, lesson_parse either fails with "fuzz.ini..." and leaves nothing
 * allocated, or gives a lesson that lesson_validate, the narration
 * lookup, the choice splitter and the command splitter all survive.
 */
#include <stdlib.h>
#include <string.h>

#include "drive.h"
#include "fuzz.h"

static void
count_problem(void *arg, const char *msg)
{
	unsigned *n = arg;

	/* Every problem names the file, as the header promises. */
	if (strncmp(msg, "fuzz.ini", 8) != 0)
		abort();
	(*n)++;
}

static void
try_argv(const char *cmd)
{
	static const uint16_t ports[2] = { 9190, 9191 };
	char err[256], **argv;

	if (cmd == NULL)
		return;
	/* No bindir: nothing is looked up on disk, nothing is run. */
	argv = lesson_argv(cmd, NULL, ports, "127.0.0.1", err, sizeof err);
	strv_free(argv);
}

static void
try_text(const struct lesson *l)
{
	static const char *const sides[] = { "server", "client", "client2" };
	char *choice[LESSON_MAX_CHOICES];
	size_t i, j, k;
	int lang;

	for (i = 0; i < l->nnarr; i++) {
		const struct lesson_narration *n = &l->narr[i];

		for (j = 0; j < sizeof sides / sizeof sides[0]; j++)
			for (lang = 0; lang < LANG_COUNT; lang++) {
				lesson_narration_text(l, sides[j], n->call,
				    false, (enum lang)lang);
				lesson_narration_text(l, sides[j], n->call,
				    true, (enum lang)lang);
			}
	}
	for (i = 0; i < l->npred; i++)
		for (lang = 0; lang < LANG_COUNT; lang++) {
			if (l->pred[i].choices[lang] == NULL)
				continue;
			k = lesson_choices(l->pred[i].choices[lang], choice,
			    LESSON_MAX_CHOICES);
			if (k > LESSON_MAX_CHOICES)
				abort();
			for (j = 0; j < k; j++)
				free(choice[j]);
		}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lesson l;
	char err[512];
	unsigned problems = 0;

	if (lesson_parse(&l, (const char *)data, size, "fuzz.ini", err,
	    sizeof err) == -1) {
		if (strncmp(err, "fuzz.ini", 8) != 0)
			abort();
		/* A failed parse frees what it had and says so. */
		if (l.title[LANG_EN] != NULL || l.narr != NULL ||
		    l.checks != NULL || l.pred != NULL)
			abort();
		return 0;
	}
	if (l.clients < 1 || l.clients > SOCKSTEP_MAX_CLIENTS)
		abort();
	/* Checks go through check_create/check_destroy in there. */
	lesson_validate(&l, "fuzz.ini", count_problem, &problems);
	try_text(&l);
	try_argv(l.server_cmd);
	try_argv(l.client_cmd);
	lesson_finish(&l);
	return 0;
}
