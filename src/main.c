/*
 * main.c - the command line: which mode, which lesson, which options.
 * User mistakes are one line on stderr and exit status 2.
 */
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sockstep.h"
#include "config.h"

static const char usage_text[] =
"usage: sockstep [lesson NAME|NUMBER] [--port P] [--clients N] [--lang en|zh]\n"
"       sockstep batch [LESSON] [--steps SPEC] [--json] [--port P] [--clients N]\n"
"                      [--export mermaid|markdown] [--record FILE]\n"
"       sockstep batch --replay FILE [--json | --export FMT]\n"
"       sockstep replay FILE [--delay MS]\n"
"       sockstep run [--server 'CMD'] [--client 'CMD'] [--lesson NAME]\n"
"                    [--clients N] [--port P] [--batch [--json] [--steps SPEC]]\n"
"       sockstep list | lessons\n"
"       sockstep check-lesson DIR|NAME\n"
"       sockstep --help | --version\n"
"\n"
"Step a real TCP server and client, one socket call at a time, and see\n"
"what the kernel holds between steps (accept queue, TCP states, ports).\n"
"\n"
"  lesson NAME   open the TUI on a lesson (default: 1, 01-hello)\n"
"  batch         run without a screen and print a transcript\n"
"  run           step your own programs (any command; {port} is the lab's\n"
"                port); with --lesson, against that lesson's other side,\n"
"                its guided order and its checks\n"
"  list          the lessons, with your progress\n"
"  check-lesson  check a lesson file, then run it and evaluate its checks\n"
"\n"
"options:\n"
"  --steps SPEC  steps to take, separated by spaces or commas:\n"
"                s = step the server, c = client 1, c2..c9 = client N,\n"
"                a trailing + runs that side until it blocks or exits\n"
"                (default: the lesson's guided order)\n"
"  --json        JSON Lines, one object per event, with the kernel view\n"
"  --port P      the lab's port (default 9190, a free one if it is busy;\n"
"                0 = any free port); an explicit busy port is an error\n"
"  --clients N   start N copies of the lesson's client (1 to 9)\n"
"  --lang L      narration language, en or zh (default from LANG)\n"
"  --export FMT  batch: a Mermaid sequence diagram (mermaid) or a\n"
"                Markdown handout (markdown) instead of the transcript\n"
"  --record FILE save the steps taken (lesson, port, clients, language)\n"
"  --replay FILE batch: take the steps of a recorded walkthrough\n"
"  --delay MS    replay: take the next step every MS milliseconds\n"
"                (default: space takes it)\n"
"  --theme T     default (colour-blind safe) or projector (p toggles)\n";

static void NORETURN
usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("sockstep: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (sockstep --help for usage)\n", stderr);
	exit(2);
}

void NORETURN
user_error(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("sockstep: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static const struct option long_options[] = {
	{ "steps", required_argument, NULL, 'S' },
	{ "json", no_argument, NULL, 'j' },
	{ "port", required_argument, NULL, 'p' },
	{ "clients", required_argument, NULL, 'n' },
	{ "lang", required_argument, NULL, 'l' },
	{ "server", required_argument, NULL, 'R' },
	{ "client", required_argument, NULL, 'C' },
	{ "lesson", required_argument, NULL, 'L' },
	{ "batch", no_argument, NULL, 'B' },
	{ "export", required_argument, NULL, 'E' },
	{ "record", required_argument, NULL, 'W' },
	{ "replay", required_argument, NULL, 'P' },
	{ "delay", required_argument, NULL, 'D' },
	{ "theme", required_argument, NULL, 'T' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void
parse_options(int argc, char **argv, struct options *o)
{
	const char *errstr;
	int ch;

	memset(o, 0, sizeof *o);
	o->port = SOCKSTEP_DEFAULT_PORT;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "hV", long_options, NULL)) != -1) {
		switch (ch) {
		case 'S':
			o->steps = optarg;
			break;
		case 'j':
			o->json = true;
			break;
		case 'p':
			o->port = (uint16_t)strtonum(optarg, 0, 65535, &errstr);
			if (errstr != NULL)
				usage_error("--port %s: %s (0 to 65535)",
				    optarg, errstr);
			o->port_explicit = true;
			break;
		case 'n':
			o->clients = (int)strtonum(optarg, 1,
			    SOCKSTEP_MAX_CLIENTS, &errstr);
			if (errstr != NULL)
				usage_error("--clients %s: %s (1 to %d)",
				    optarg, errstr, SOCKSTEP_MAX_CLIENTS);
			break;
		case 'l':
			if (strcmp(optarg, "en") == 0)
				o->lang = LANG_EN;
			else if (strcmp(optarg, "zh") == 0)
				o->lang = LANG_ZH;
			else
				usage_error("--lang %s: expected en or zh",
				    optarg);
			o->lang_explicit = true;
			break;
		case 'R':
			o->run_server = optarg;
			break;
		case 'C':
			o->run_client = optarg;
			break;
		case 'L':
			o->run_lesson = optarg;
			break;
		case 'B':
			o->run_batch = true;
			break;
		case 'E':
			if (export_fmt_parse(optarg, &o->export_fmt) == -1)
				usage_error("--export %s: expected mermaid or "
				    "markdown", optarg);
			break;
		case 'W':
			o->record = optarg;
			break;
		case 'P':
			o->replay = optarg;
			break;
		case 'D':
			o->delay_ms = (int)strtonum(optarg, 1, 3600000, &errstr);
			if (errstr != NULL)
				usage_error("--delay %s: %s (1 to 3600000 ms)",
				    optarg, errstr);
			break;
		case 'T':
			if (strcmp(optarg, "projector") != 0 &&
			    strcmp(optarg, "default") != 0)
				usage_error("--theme %s: expected default or "
				    "projector", optarg);
			o->projector = strcmp(optarg, "projector") == 0;
			break;
		case 'h':
			fputs(usage_text, stdout);
			exit(0);
		case 'V':
			printf("sockstep %s\n", SOCKSTEP_VERSION);
			exit(0);
		default:
			if (optopt != 0)
				usage_error("option -%c is unknown or needs "
				    "a value", optopt);
			usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (!o->lang_explicit) {
		const char *l = getenv("LC_ALL");

		if (l == NULL || *l == '\0')
			l = getenv("LANG");
		o->lang = l != NULL && strncmp(l, "zh", 2) == 0 ?
		    LANG_ZH : LANG_EN;
	}
}

/* Options may come before or after the lesson name (getopt permutes). */
static const char *
take_operand(int argc, char **argv, struct options *o)
{
	optind = 1;
	parse_options(argc, argv, o);
	if (optind + 1 < argc)
		usage_error("unexpected argument '%s'", argv[optind + 1]);
	return optind < argc ? argv[optind] : NULL;
}

static int
cmd_lessons(enum lang lang)
{
	struct lesson l;
	struct progress prog;
	const struct progress_entry *pe;
	char **names, err[512], text[PATH_MAX], bin[PATH_MAX], note[PATH_MAX * 3];
	char mark[64];
	size_t n, i;

	progress_load(&prog, note, sizeof note);
	if (note[0] != '\0')
		fprintf(stderr, "sockstep: %s\n", note);
	names = lesson_list(&n);
	if (n == 0) {
		lesson_roots(text, sizeof text, bin, sizeof bin);
		user_error("no lessons found in %s", text);
	}
	for (i = 0; i < n; i++) {
		pe = progress_get(&prog, names[i]);
		mark[0] = '\0';
		if (pe != NULL && (pe->finished || pe->right || pe->wrong))
			snprintf(mark, sizeof mark, "%s%d/%d right",
			    pe->finished ? "done, " : "", pe->right,
			    pe->right + pe->wrong);
		if (lesson_open(&l, names[i], err, sizeof err) == 0) {
			const char *title = l.title[lang] != NULL ?
			    l.title[lang] : l.title[LANG_EN];

			printf("%-26s %-15s %s\n", names[i],
			    mark[0] ? mark : "-", title != NULL ? title : "");
			lesson_finish(&l);
		} else
			printf("%-26s %-15s (broken: %s)\n", names[i], "-", err);
		free(names[i]);
	}
	free(names);
	progress_finish(&prog);
	return 0;
}

/*
 * sockstep run: the user's own server and/or client, alone or against
 * a lesson's other side with the lesson's guided order and checks.
 */
static int
cmd_run(int argc, char **argv)
{
	struct options o;
	const char *operand = take_operand(argc, argv, &o);

	if (operand != NULL)
		usage_error("run: unexpected argument '%s' (quote the "
		    "commands: --server 'CMD ARGS')", operand);
	if (o.run_server == NULL && o.run_client == NULL)
		usage_error("run: needs --server 'CMD' or --client 'CMD' "
		    "(or both)");
	if (!o.run_batch && (o.json || o.steps != NULL))
		usage_error("run: --json and --steps need --batch");
	if (o.record != NULL || o.replay != NULL)
		usage_error("run: --record and --replay belong to lessons");
	if (o.run_batch)
		return cmd_batch(o.run_lesson, &o);
	return cmd_tui(o.run_lesson, &o);
}

/* Which options make sense together in batch. */
static void
batch_options(const struct options *o)
{
	if (o->export_fmt != EXPORT_NONE && o->json)
		usage_error("--export and --json: choose one");
	if (o->export_fmt != EXPORT_NONE && o->steps != NULL &&
	    strcmp(o->steps, "-") == 0)
		usage_error("--export needs the steps up front, not --steps -");
	if (o->delay_ms != 0)
		usage_error("--delay belongs to 'sockstep replay'");
}

/* Options that only sockstep run takes. */
static void
no_run_options(const struct options *o)
{
	if (o->run_server != NULL || o->run_client != NULL ||
	    o->run_lesson != NULL || o->run_batch)
		usage_error("--server, --client, --lesson and --batch belong "
		    "to 'sockstep run'");
}

int
main(int argc, char **argv)
{
	struct options o;
	const char *cmd = argc > 1 ? argv[1] : NULL;
	const char *operand;

	if (cmd != NULL && strcmp(cmd, "run") == 0)
		return cmd_run(argc - 1, argv + 1);
	if (cmd != NULL && strcmp(cmd, "batch") == 0) {
		operand = take_operand(argc - 1, argv + 1, &o);
		no_run_options(&o);
		batch_options(&o);
		if (o.replay != NULL) {
			if (operand != NULL)
				usage_error("batch --replay: the lesson comes "
				    "from the record, not '%s'", operand);
			return cmd_replay(o.replay, &o, true);
		}
		return cmd_batch(operand != NULL ? operand : "1", &o);
	}
	if (cmd != NULL && strcmp(cmd, "check-lesson") == 0) {
		operand = take_operand(argc - 1, argv + 1, &o);
		if (operand == NULL)
			usage_error("check-lesson: which lesson directory?");
		o.steps = NULL;
		o.clients = 0;
		o.port = 0;
		return cmd_check_lesson(operand, &o);
	}
	if (cmd != NULL && (strcmp(cmd, "lessons") == 0 ||
	    strcmp(cmd, "list") == 0)) {
		operand = take_operand(argc - 1, argv + 1, &o);
		if (operand != NULL)
			usage_error("unexpected argument '%s'", operand);
		return cmd_lessons(o.lang);
	}
	if (cmd != NULL && strcmp(cmd, "replay") == 0) {
		operand = take_operand(argc - 1, argv + 1, &o);
		no_run_options(&o);
		if (operand == NULL)
			usage_error("replay: which record file?");
		if (o.replay != NULL || o.export_fmt != EXPORT_NONE || o.json)
			usage_error("replay opens the screen; 'sockstep batch "
			    "--replay FILE' prints the transcript");
		return cmd_replay(operand, &o, false);
	}
	if (cmd != NULL && strcmp(cmd, "lesson") == 0) {
		operand = take_operand(argc - 1, argv + 1, &o);
		no_run_options(&o);
		if (o.export_fmt != EXPORT_NONE || o.replay != NULL ||
		    o.delay_ms != 0)
			usage_error("--export and --replay belong to batch, "
			    "--delay to replay");
		if (operand == NULL)
			usage_error("lesson: which lesson? (sockstep lessons "
			    "lists them)");
		return cmd_tui(operand, &o);
	}
	operand = take_operand(argc, argv, &o);
	no_run_options(&o);
	if (operand != NULL)
		usage_error("unknown command '%s'", operand);
	return cmd_tui("1", &o);
}
