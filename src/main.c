/*
 * main.c - the command line: which mode, which lesson, which options.
 * User mistakes are one line on stderr and exit status 2.
 */
#include <errno.h>
#include <getopt.h>
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diff.h"
#include "output.h"
#include "views.h"
#include "config.h"

/* The synopsis is a message too: "usage:" is translated and the lines
 * under it realigned; names of verbs and options stay as they are. */
static const char *const usage_synopsis =
N_("usage: sockstep [lesson NAME|NUMBER] [--port P] [--clients N] [--lang en|zh]\n"
"       sockstep batch [LESSON] [--steps SPEC] [--json] [--port P] [--clients N]\n"
"                      [--export mermaid|markdown] [--record FILE]\n"
"                      [--stdin SIDE=FILE]\n"
"       sockstep batch --replay FILE [--json | --export FMT]\n"
"       sockstep replay FILE [--delay MS]\n"
"       sockstep run [--server 'CMD'] [--client 'CMD'] [--lesson NAME]\n"
"                    [--clients N] [--port P] [--batch [--json] [--steps SPEC]]\n"
"                    [--stdin SIDE=FILE] [--hosts N]\n"
"       sockstep list | lessons\n"
"       sockstep check-lesson DIR|NAME\n"
"       sockstep diff REFERENCE.jsonl YOURS.jsonl\n"
"       sockstep new-lesson NAME\n"
"       sockstep join [PID] [--host server|client] [-- CMD ARGS]\n"
"       sockstep grade --lesson L [--server PROG|FILE.c] [--client PROG|FILE.c]\n"
"                      [--results FILE] [--time-limit S] [DIR...]\n"
"       sockstep --help | --version\n");

/* Paragraphs, each a message of its own for the translators. */
static const char *const usage_text[] = {
N_("Step a real TCP server and client, one socket call at a time, and see\n"
"what the kernel holds between steps (accept queue, TCP states, ports).\n"),
N_("  lesson NAME   open the TUI on a lesson (default: 1, 01-hello)\n"
"  batch         run without a screen and print a transcript\n"
"  run           step your own programs (any command; {port} is the lab's\n"
"                port, {ip} the server's address); with --lesson, against\n"
"                that lesson's other side, its guided order and its checks\n"
"  list          the lessons, with your progress\n"
"  check-lesson  check a lesson file, then run it and evaluate its checks\n"
"  diff          compare two --json transcripts: where your run first\n"
"                leaves the reference's, in words (exit 1 if it does)\n"
"  new-lesson    write a lesson skeleton (lesson.ini, server.c, client.c)\n"
"                in the directory NAME, here\n"
"  join          from another terminal: a shell (or CMD) in a running lab's\n"
"                private network, for ss, nc or tcpdump\n"
"  grade         grade students' programs against a lesson: each DIR holds\n"
"                server.c and/or client.c (or programs server, client);\n"
"                --results FILE writes Gradescope's results.json,\n"
"                --time-limit S bounds each submission (default 60)\n"),
N_("options:\n"
"  --steps SPEC  steps to take, separated by spaces or commas:\n"
"                s = step the server, c = client 1, c2..c9 = client N,\n"
"                a trailing + runs that side until it blocks or exits,\n"
"                s@bind takes the server's bind() after any call before it,\n"
"                s! starts the server again once it has exited (the same\n"
"                command, the same port), s!NAME a program the lesson names,\n"
"                c<TEXT types a line into client 1 (c<\"a b\" with spaces,\n"
"                c<^D end-of-file); s.2 = the server's task 2 (a thread or\n"
"                process of it), c2.3, s.2+ and s.2@read likewise\n"
"                (default: the lesson's guided order)\n"
"  --json        JSON Lines, one object per event, with the kernel view\n"
"  --port P      the lab's port (default 9190, a free one if it is busy;\n"
"                0 = any free port); an explicit busy port is an error\n"
"  --clients N   start N copies of the lesson's client (1 to 9)\n"
"  --lang L      language of the narration and of sockstep's own words,\n"
"                en or zh (default from LANGUAGE, LC_ALL, LC_MESSAGES,\n"
"                LANG, as gettext reads them)\n"
"  --export FMT  batch: a Mermaid sequence diagram (mermaid) or a\n"
"                Markdown handout (markdown) instead of the transcript\n"
"  --record FILE save the steps taken (lesson, port, clients, language)\n"
"  --replay FILE batch: take the steps of a recorded walkthrough\n"
"  --delay MS    replay: take the next step every MS milliseconds\n"
"                (default: space takes it)\n"
"  --theme T     default (colour-blind safe) or projector (p toggles)\n"),
N_("  --stdin SIDE=FILE  lines for a side's terminal (SIDE: server, client,\n"
"                client2, ...): one is typed each time the side waits for\n"
"                input, end-of-file after the last; repeatable\n"),
N_("the lab network:\n"
"  --net lab     each run on a private network of its own (network\n"
"                namespaces, nothing leads out); the default where user\n"
"                namespaces are allowed, else the host's, said once\n"
"  --net host    the host's own loopback, shared with everything else\n"),
N_("  --hosts N     2: a server host and a client host joined by a link,\n"
"                10.1.0.1 (the server's, {ip}) and 10.1.0.2 (the clients');\n"
"                1: one host, lo only, 127.0.0.1 is {ip} (default: 2 for\n"
"                lessons, 1 for run)\n"),
};

static void
usage(void)
{
	size_t i;

	fputs(_(usage_synopsis), stdout);
	for (i = 0; i < sizeof usage_text / sizeof usage_text[0]; i++)
		printf("\n%s", _(usage_text[i]));
}

/* "zh..." or "en..." as a language; -1 for any other. */
static int
lang_prefix(const char *l)
{
	if (strncmp(l, "zh", 2) == 0)
		return LANG_ZH;
	if (strncmp(l, "en", 2) == 0)
		return LANG_EN;
	return -1;
}

/*
 * The language the environment asks for, read as gettext reads it: the
 * locale from LC_ALL, LC_MESSAGES, LANG; under any locale but C, the
 * first en or zh in LANGUAGE's list wins over it.  One answer for the
 * screen, the narration, --help and the errors alike.
 */
static enum lang
env_lang(void)
{
	static const char *const vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };
	const char *l = NULL, *list;
	char *copy, *tok, *save = NULL;
	size_t i;
	int found = -1;

	for (i = 0; i < sizeof vars / sizeof vars[0] && l == NULL; i++) {
		l = getenv(vars[i]);
		if (l != NULL && *l == '\0')
			l = NULL;
	}
	if (l == NULL || strcmp(l, "C") == 0 || strcmp(l, "POSIX") == 0)
		return LANG_EN;
	if ((list = getenv("LANGUAGE")) != NULL && *list != '\0') {
		copy = xstrdup(list);
		for (tok = strtok_r(copy, ":", &save); tok != NULL && found < 0;
		    tok = strtok_r(NULL, ":", &save))
			found = lang_prefix(tok);
		free(copy);
		if (found >= 0)
			return (enum lang)found;
	}
	return lang_prefix(l) == LANG_ZH ? LANG_ZH : LANG_EN;
}

/* The character set the environment gave (LANG=C: ASCII, and the screen
 * draws ASCII), to go back to when --lang en undoes a --lang zh. */
static char i18n_ctype[128] = "C";

/*
 * gettext follows LANGUAGE, but only when LC_MESSAGES is not plain C;
 * a zh_CN locale may not be installed (a container), so Chinese words
 * do not depend on it: C.UTF-8 messages and our own LANGUAGE.  Chinese
 * has no ASCII form: under a locale that is not UTF-8 (LANG unset in a
 * container), --lang zh makes the characters UTF-8 too, or the screen
 * would draw each of them as '?'.
 */
static void
i18n_lang(enum lang lang)
{
	const char *cur = setlocale(LC_MESSAGES, NULL);
	const char *cs;

	if (lang == LANG_ZH && (cur == NULL || strcmp(cur, "C") == 0 ||
	    strcmp(cur, "POSIX") == 0))
		setlocale(LC_MESSAGES, "C.UTF-8");
	if (lang == LANG_ZH && ((cs = nl_langinfo(CODESET)) == NULL ||
	    (strcmp(cs, "UTF-8") != 0 && strcmp(cs, "utf8") != 0)))
		setlocale(LC_CTYPE, "C.UTF-8");
	else if (lang == LANG_EN)
		setlocale(LC_CTYPE, i18n_ctype);
	setenv("LANGUAGE", lang == LANG_ZH ? "zh_CN" : "en", 1);
	textdomain("sockstep");	/* forgets what was looked up before */
	/* strerror's words follow LANGUAGE too: UTF-8 even under LC_CTYPE=C,
	 * or Chinese comes out as question marks. */
	bind_textdomain_codeset("libc", "UTF-8");
}

/* The catalogs meson built, when this is the build tree's sockstep. */
static void
i18n_init(void)
{
	char exe[PATH_MAX], build[PATH_MAX], *slash;
	const char *dir = SOCKSTEP_LOCALEDIR;
	const char *ctype;
	ssize_t n;

	if (setlocale(LC_ALL, "") == NULL)
		setlocale(LC_ALL, "C.UTF-8");
	if ((ctype = setlocale(LC_CTYPE, NULL)) != NULL)
		strlcpy(i18n_ctype, ctype, sizeof i18n_ctype);
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL)
			*slash = '\0';
		if (realpath(SOCKSTEP_BUILD_ROOT, build) != NULL &&
		    strcmp(exe, build) == 0)
			dir = SOCKSTEP_BUILD_LOCALEDIR;
	}
	bindtextdomain("sockstep", dir);
	/* Chinese stays UTF-8 even under LC_CTYPE=C, like lesson text. */
	bind_textdomain_codeset("sockstep", "UTF-8");
	textdomain("sockstep");
	i18n_lang(env_lang());
}

static void NORETURN
usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("sockstep: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s\n", _(" (sockstep --help for usage)"));
	exit(2);
}

static void NORETURN PRINTFLIKE(1, 2)
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
	{ "stdin", required_argument, NULL, 'I' },
	{ "net", required_argument, NULL, 'N' },
	{ "hosts", required_argument, NULL, 'H' },
	{ "results", required_argument, NULL, 'G' },
	{ "time-limit", required_argument, NULL, 'M' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* strtonum(3)'s word for a bad number, in the user's language. */
static const char *
number_word(const char *errstr)
{
	if (strcmp(errstr, "too small") == 0)
		return _("too small");
	if (strcmp(errstr, "too large") == 0)
		return _("too large");
	return _("invalid");
}

/* getopt's optopt is our internal letter for a long option: say which
 * option, by the name the user typed. */
static void NORETURN
bad_option(const char *arg)
{
	const struct option *lo;

	if (strncmp(arg, "--", 2) == 0 && optopt != 0) {
		for (lo = long_options; lo->name != NULL; lo++) {
			if (lo->val != optopt)
				continue;
			if (lo->has_arg == required_argument)
				usage_error(_("--%s needs a value"), lo->name);
			usage_error(_("--%s takes no value"), lo->name);
		}
	} else if (optopt != 0)
		usage_error(_("unknown option '-%c'"), optopt);
	usage_error(_("unknown option '%s'"), arg);
}

/*
 * --lang decides the language of every message, also of an error in an
 * option before it on the command line: a first pass over the options
 * takes --lang alone (getopt's own reading, so --lang=zh, abbreviations
 * and a --lang that is another option's value count as in the real pass);
 * a bad value is left to that pass to report.
 */
static void
lang_first(int argc, char **argv)
{
	int ch;

	optind = 0;	/* glibc: start afresh */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "hV", long_options, NULL)) != -1)
		if (ch == 'l' && strcmp(optarg, "en") == 0)
			i18n_lang(LANG_EN);
		else if (ch == 'l' && strcmp(optarg, "zh") == 0)
			i18n_lang(LANG_ZH);
}

static void
parse_options(int argc, char **argv, struct options *o)
{
	const char *errstr;
	int ch;

	lang_first(argc, argv);
	memset(o, 0, sizeof *o);
	o->port = SOCKSTEP_DEFAULT_PORT;
	optind = 0;
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
				usage_error(_("--port %s: %s (0 to 65535)"),
				    optarg, number_word(errstr));
			o->port_explicit = true;
			break;
		case 'n':
			o->clients = (int)strtonum(optarg, 1,
			    SOCKSTEP_MAX_CLIENTS, &errstr);
			if (errstr != NULL)
				usage_error(_("--clients %s: %s (1 to %d)"),
				    optarg, number_word(errstr),
				    SOCKSTEP_MAX_CLIENTS);
			break;
		case 'l':
			if (strcmp(optarg, "en") == 0)
				o->lang = LANG_EN;
			else if (strcmp(optarg, "zh") == 0)
				o->lang = LANG_ZH;
			else
				usage_error(_("--lang %s: expected en or zh"),
				    optarg);
			o->lang_explicit = true;
			i18n_lang(o->lang);
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
				usage_error(_("--export %s: expected mermaid or "
				    "markdown"), optarg);
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
				usage_error(_("--delay %s: %s (1 to 3600000 ms)"),
				    optarg, number_word(errstr));
			break;
		case 'T':
			if (strcmp(optarg, "projector") != 0 &&
			    strcmp(optarg, "default") != 0)
				usage_error(_("--theme %s: expected default or "
				    "projector"), optarg);
			o->projector = strcmp(optarg, "projector") == 0;
			break;
		case 'I':
			if (o->nstdin == sizeof o->stdin_spec /
			    sizeof o->stdin_spec[0])
				usage_error(_("--stdin: at most one for each "
				    "side"));
			o->stdin_spec[o->nstdin++] = optarg;
			break;
		case 'N':
			if (net_mode_parse(optarg, &o->net) == -1)
				usage_error(_("--net %s: expected lab or host"),
				    optarg);
			break;
		case 'H':
			o->hosts = (int)strtonum(optarg, 1, 2, &errstr);
			if (errstr != NULL)
				usage_error(_("--hosts %s: expected 1 or 2"),
				    optarg);
			break;
		case 'G':
			o->results = optarg;
			break;
		case 'M':
			o->time_limit = (unsigned)strtonum(optarg, 1, 86400,
			    &errstr);
			if (errstr != NULL)
				usage_error(_("--time-limit %s: %s (1 to 86400 "
				    "s)"), optarg, number_word(errstr));
			break;
		case 'h':
			usage();
			exit(0);
		case 'V':
			printf("sockstep %s\n", SOCKSTEP_VERSION);
			exit(0);
		default:
			bad_option(argv[optind - 1]);
		}
	}
	if (!o->lang_explicit)
		o->lang = env_lang();
}

/* Options may come before or after the lesson name (getopt permutes). */
static const char *
take_operand(int argc, char **argv, struct options *o)
{
	parse_options(argc, argv, o);
	if (optind + 1 < argc)
		usage_error(_("unexpected argument '%s'"), argv[optind + 1]);
	return optind < argc ? argv[optind] : NULL;
}

static int
cmd_lessons(enum lang lang)
{
	struct lesson l;
	struct progress prog;
	const struct progress_entry *pe;
	char **names, err[512], path[PATH_MAX * 4], note[PATH_MAX * 3];
	char mark[64];
	size_t n, i;

	progress_load(&prog, note, sizeof note);
	if (note[0] != '\0')
		fprintf(stderr, "sockstep: %s\n", note);
	names = lesson_list(&n);
	if (n == 0) {
		lesson_search_path(path, sizeof path);
		user_error(_("no lessons found in %s"), path);
	}
	for (i = 0; i < n; i++) {
		pe = progress_get(&prog, names[i]);
		mark[0] = '\0';
		if (pe != NULL && (pe->finished || pe->right || pe->wrong))
			snprintf(mark, sizeof mark, _("%s%d/%d right"),
			    pe->finished ? _("done, ") : "", pe->right,
			    pe->right + pe->wrong);
		if (lesson_open(&l, names[i], err, sizeof err) == 0) {
			const char *title = l.title[lang] != NULL ?
			    l.title[lang] : l.title[LANG_EN];

			printf("%-26s %-15s %s\n", names[i],
			    mark[0] ? mark : "-", title != NULL ? title : "");
			lesson_finish(&l);
		} else
			printf("%-26s %-15s (%s: %s)\n", names[i], "-",
			    _("broken"), err);
		free(names[i]);
	}
	free(names);
	progress_finish(&prog);
	return 0;
}

/*
 * A lesson of one's own is built before anything runs, here, where the
 * compiler's whole output can go to stderr as it is (issue 17 §1); the
 * session finds the programs in the cache then.  A lesson that cannot
 * be opened is the view's to say.
 */
static void
lesson_prebuild(const char *name, const struct options *o)
{
	struct lesson l;
	char err[1024], *diag = NULL;
	size_t n;

	if (name == NULL || lesson_open(&l, name, err, sizeof err) == -1)
		return;
	l.server_is_user = o->run_server != NULL;
	l.client_is_user = o->run_client != NULL;
	if (lesson_build(&l, err, sizeof err, &diag) == -1) {
		lesson_finish(&l);
		if (diag != NULL && (n = strlen(diag)) > 0)
			fprintf(stderr, "%s%s", diag,
			    diag[n - 1] == '\n' ? "" : "\n");
		free(diag);
		user_error("%s", err);
	}
	lesson_finish(&l);
}

/* A view's answer: -1 is a mistake of the user's, said in one line. */
static int
view_done(int rc, const char *err)
{
	if (rc == -1)
		user_error("%s", err);
	return rc;
}

/* `sockstep replay` and `sockstep batch --replay`: the record's lesson,
 * settings and steps. */
static int
cmd_replay(const char *file, struct options *o, bool batch)
{
	struct record r;
	const char *lesson;
	char err[1024];
	int rc;

	if (o->steps != NULL)
		user_error(_("--replay: the steps come from the record; leave "
		    "out --steps"));
	if (record_load(&r, file, err, sizeof err) == -1)
		user_error("%s", err);
	lesson = record_apply(&r, o);
	i18n_lang(o->lang);	/* the record's language, unless --lang said */
	if (o->steps == NULL) {
		record_finish(&r);
		user_error(_("%s: no steps recorded"), file);
	}
	if (r.lesson_external)	/* its commands are that directory's */
		fprintf(stderr, _("sockstep: %s runs the lesson in %s, not a "
		    "built-in one\n"), file, lesson);
	o->replay = file;
	lesson_prebuild(lesson, o);
	/* A replay types what the record typed, and the lesson's lines
	 * for a side it typed nothing into: no keyboard, even on screen. */
	o->keyboard = false;
	rc = batch ? cmd_batch(lesson, o, err, sizeof err) :
	    cmd_tui(lesson, o, err, sizeof err);
	record_finish(&r);
	return view_done(rc, err);
}

/*
 * sockstep run: the user's own server and/or client, alone or against
 * a lesson's other side with the lesson's guided order and checks.
 */
static int
verb_run(int argc, char **argv)
{
	struct options o;
	const char *operand = take_operand(argc, argv, &o);
	char err[1024];

	if (operand != NULL)
		usage_error(_("run: unexpected argument '%s' (quote the "
		    "commands: --server 'CMD ARGS')"), operand);
	if (o.run_server == NULL && o.run_client == NULL)
		usage_error(_("run: needs --server 'CMD' or --client 'CMD' "
		    "(or both)"));
	if (!o.run_batch && (o.json || o.steps != NULL))
		usage_error(_("run: --json and --steps need --batch"));
	if (o.record != NULL || o.replay != NULL)
		usage_error(_("run: --record and --replay belong to lessons"));
	lesson_prebuild(o.run_lesson, &o);
	if (o.run_batch)
		return view_done(cmd_batch(o.run_lesson, &o, err, sizeof err),
		    err);
	o.keyboard = true;
	return view_done(cmd_tui(o.run_lesson, &o, err, sizeof err), err);
}

/* Which options make sense together in batch. */
static void
batch_options(const struct options *o)
{
	if (o->export_fmt != EXPORT_NONE && o->json)
		usage_error(_("--export and --json: choose one"));
	if (o->export_fmt != EXPORT_NONE && o->steps != NULL &&
	    strcmp(o->steps, "-") == 0)
		usage_error(_("--export needs the steps up front, not --steps -"));
	if (o->delay_ms != 0)
		usage_error(_("--delay belongs to 'sockstep replay'"));
}

/* Options that only sockstep run takes. */
static void
no_run_options(const struct options *o)
{
	if (o->run_server != NULL || o->run_client != NULL ||
	    o->run_lesson != NULL || o->run_batch)
		usage_error(_("--server, --client, --lesson and --batch "
		    "belong to 'sockstep run'"));
}

static int
verb_batch(int argc, char **argv)
{
	struct options o;
	const char *operand = take_operand(argc, argv, &o);
	char err[1024];

	no_run_options(&o);
	batch_options(&o);
	if (o.replay != NULL) {
		if (operand != NULL)
			usage_error(_("batch --replay: the lesson comes from the "
			    "record, not '%s'"), operand);
		return cmd_replay(o.replay, &o, true);
	}
	lesson_prebuild(operand != NULL ? operand : "1", &o);
	return view_done(cmd_batch(operand != NULL ? operand : "1", &o, err,
	    sizeof err), err);
}

static int
verb_check_lesson(int argc, char **argv)
{
	struct options o;
	const char *operand = take_operand(argc, argv, &o);
	char err[1024];

	if (operand == NULL)
		usage_error(_("check-lesson: which lesson directory?"));
	o.steps = NULL;
	o.clients = 0;
	o.port = 0;
	lesson_prebuild(operand, &o);
	return view_done(cmd_check_lesson(operand, &o, err, sizeof err), err);
}

/*
 * sockstep diff A.jsonl B.jsonl: the first point where run B (the
 * student's) leaves run A (the reference), in words; 0 when they agree,
 * 1 when they differ, 2 for a file that is no transcript.
 */
static int
verb_diff(int argc, char **argv)
{
	struct options o;
	char err[1024], *words;
	int rc;

	parse_options(argc, argv, &o);
	if (o.steps != NULL || o.json || o.port_explicit || o.clients != 0 ||
	    o.export_fmt != EXPORT_NONE || o.replay != NULL ||
	    o.record != NULL || o.delay_ms != 0 || o.nstdin != 0)
		usage_error(_("diff takes two transcripts and --lang only"));
	no_run_options(&o);
	if (argc - optind != 2)
		usage_error(_("diff: two transcripts, the reference's and "
		    "yours (sockstep batch --json > FILE)"));
	rc = tdiff_files(argv[optind], argv[optind + 1], &words, err,
	    sizeof err);
	if (rc == 1) {
		fputs(words, stdout);
		free(words);
	} else if (rc == 0)
		printf("%s\n", _("the runs agree: no call, result or kernel "
		    "state parts them"));
	return view_done(rc, err);
}

/* sockstep new-lesson NAME: a skeleton that check-lesson passes. */
static int
verb_new_lesson(int argc, char **argv)
{
	struct options o;
	const char *operand = take_operand(argc, argv, &o);
	char err[1024];

	if (operand == NULL)
		usage_error(_("new-lesson: which name? (a directory made here)"));
	if (lesson_new(operand, err, sizeof err) == -1)
		user_error("%s", err);
	printf(_("wrote %s/lesson.ini, %s/server.c and %s/client.c\n"
	    "check it:  sockstep check-lesson %s\n"
	    "follow it: sockstep lesson %s\n"), operand, operand, operand,
	    operand, operand);
	return 0;
}

static int
verb_lessons(int argc, char **argv)
{
	struct options o;

	if (take_operand(argc, argv, &o) != NULL)
		usage_error(_("unexpected argument '%s'"), argv[optind]);
	return cmd_lessons(o.lang);
}

static int
verb_replay(int argc, char **argv)
{
	struct options o;
	const char *operand = take_operand(argc, argv, &o);

	no_run_options(&o);
	if (operand == NULL)
		usage_error(_("replay: which record file?"));
	if (o.replay != NULL || o.export_fmt != EXPORT_NONE || o.json)
		usage_error(_("replay opens the screen; 'sockstep batch "
		    "--replay FILE' prints the transcript"));
	return cmd_replay(operand, &o, false);
}

static int
verb_lesson(int argc, char **argv)
{
	struct options o;
	const char *operand = take_operand(argc, argv, &o);
	char err[1024];

	no_run_options(&o);
	if (o.export_fmt != EXPORT_NONE || o.replay != NULL || o.delay_ms != 0)
		usage_error(_("--export and --replay belong to batch, "
		    "--delay to replay"));
	if (operand == NULL)
		usage_error(_("lesson: which lesson? (sockstep lessons "
		    "lists them)"));
	o.keyboard = true;
	lesson_prebuild(operand, &o);
	return view_done(cmd_tui(operand, &o, err, sizeof err), err);
}

/* No verb: the screen on lesson 1 (argv[0] is sockstep itself). */
static int
verb_default(int argc, char **argv)
{
	struct options o;
	const char *operand = take_operand(argc, argv, &o);
	char err[1024];

	no_run_options(&o);
	if (operand != NULL)
		usage_error(_("unknown command '%s'"), operand);
	o.keyboard = true;
	return view_done(cmd_tui("1", &o, err, sizeof err), err);
}

/*
 * sockstep join [PID] [-- CMD ARGS]: this terminal into a running lab's
 * network (ss, nc, tcpdump see what the lab's programs see).  Not
 * getopt: what follows -- is the command's own.
 */
static int
verb_join(int argc, char **argv)
{
	struct net_labinfo *labs;
	char err[512], *shell[2] = { NULL, NULL }, **cmd = shell;
	const char *errstr;
	pid_t pid = 0;
	size_t n, i;
	int a = 1;
	bool client = false;

	if (a < argc && (strcmp(argv[a], "--help") == 0 ||
	    strcmp(argv[a], "-h") == 0)) {
		usage();
		exit(0);
	}
	char **copy = xreallocarray(NULL, (size_t)argc + 1, sizeof *copy);

	/* --lang, on a copy: getopt would reorder what follows --. */
	memcpy(copy, argv, ((size_t)argc + 1) * sizeof *copy);
	lang_first(argc, copy);
	free(copy);
	/* ... and skipped here. */
	while (a < argc && strncmp(argv[a], "--lang", 6) == 0 &&
	    (argv[a][6] == '=' || (argv[a][6] == '\0' && a + 1 < argc)))
		a += argv[a][6] == '=' ? 1 : 2;
	if (a < argc && argv[a][0] >= '0' && argv[a][0] <= '9') {
		pid = (pid_t)strtonum(argv[a], 1, INT_MAX, &errstr);
		if (errstr != NULL)
			usage_error(_("join: pid %s: %s"), argv[a], errstr);
		a++;
	}
	/* Which host of a lab with two (issue 16 §1); the server's by
	 * default, the one sockstep itself is in. */
	if (a < argc && strncmp(argv[a], "--host", 6) == 0 &&
	    (argv[a][6] == '=' || argv[a][6] == '\0')) {
		const char *h = argv[a][6] == '=' ? argv[a] + 7 :
		    a + 1 < argc ? argv[++a] : "";

		if (strcmp(h, "client") == 0)
			client = true;
		else if (strcmp(h, "server") != 0)
			usage_error(_("join: --host %s: expected server or "
			    "client"), h);
		a++;
	}
	if (a < argc && strcmp(argv[a], "--") != 0)
		usage_error(_("join: unexpected argument '%s' (a command goes "
		    "after --)"), argv[a]);
	if (a + 1 < argc)
		cmd = argv + a + 1;
	else if ((shell[0] = getenv("SHELL")) == NULL || *shell[0] == '\0')
		shell[0] = (char *)"/bin/sh";
	if (pid == 0) {
		n = net_labs(&labs);
		if (n == 0)
			user_error(_("join: no lab network of yours is running "
			    "(sockstep makes one for each lesson or run)"));
		for (i = 0; n > 1 && i < n; i++)
			printf("%ld\t%s\n", (long)labs[i].pid, labs[i].cmd);
		pid = labs[0].pid;
		free(labs);
		if (n > 1)
			user_error(_("join: %zu labs are running; name one: "
			    "sockstep join PID"), n);
	}
	if (net_join(pid, client, err, sizeof err) == -1)
		user_error("join: %s", err);
	if (cmd == shell)
		fprintf(stderr, client ? _("sockstep: on the client host of "
		    "the lab network of pid %ld; exit the shell to leave\n") :
		    _("sockstep: in the lab network of pid %ld; exit the shell "
		    "to leave\n"), (long)pid);
	execvp(cmd[0], cmd);
	user_error("join: %s: %s", cmd[0], strerror(errno));
}

/*
 * sockstep grade --lesson L [--server F] [--client F] [--results FILE]
 * [--time-limit S] [DIR...]: the submissions are the operands.
 */
static int
verb_grade(int argc, char **argv)
{
	struct options o;
	char err[1024];

	parse_options(argc, argv, &o);
	if (o.run_lesson == NULL)
		usage_error(_("grade: which lesson? --lesson NAME|NUMBER|DIR"));
	if (o.run_batch || o.json || o.steps != NULL || o.record != NULL ||
	    o.replay != NULL || o.export_fmt != EXPORT_NONE ||
	    o.delay_ms != 0 || o.nstdin > 0 || o.clients != 0)
		usage_error(_("grade takes the lesson's own steps, clients and "
		    "input: leave out --batch, --json, --steps, --clients, "
		    "--stdin, --record, --replay, --export and --delay"));
	return view_done(cmd_grade(o.run_lesson, &o, o.results,
	    o.time_limit != 0 ? o.time_limit : GRADE_DEFAULT_TIME_LIMIT,
	    argv + optind, (size_t)(argc - optind), err, sizeof err), err);
}

/*
 * The verbs: a new one is a row here and a verb_ function above it
 * (its options checked there, its view called through view_done).
 * Each gets argv from its own name on.
 */
static const struct verb {
	const char	*name;
	int		(*run)(int, char **);
} verbs[] = {
	{ "run", verb_run },
	{ "batch", verb_batch },
	{ "check-lesson", verb_check_lesson },
	{ "diff", verb_diff },
	{ "new-lesson", verb_new_lesson },
	{ "lessons", verb_lessons },
	{ "list", verb_lessons },
	{ "replay", verb_replay },
	{ "lesson", verb_lesson },
	{ "join", verb_join },
	{ "grade", verb_grade },
};

/*
 * Options may come before the verb too ("sockstep --lang zh lesson 4"):
 * the first word that is no option and no option's value, as getopt
 * reads the line, is moved to argv[1].  Options mean the same wherever
 * they stand, so the verb's own parse sees the same line.
 */
static void
verb_to_front(int argc, char **argv)
{
	char **copy, *first;
	int i;

	if (argc < 3 || argv[1][0] != '-')
		return;
	copy = xreallocarray(NULL, (size_t)argc + 1, sizeof *copy);
	memcpy(copy, argv, ((size_t)argc + 1) * sizeof *copy);
	optind = 0;
	opterr = 0;
	while (getopt_long(argc, copy, "hV", long_options, NULL) != -1)
		;
	first = optind < argc ? copy[optind] : NULL;
	free(copy);
	for (i = 2; first != NULL && i < argc; i++)
		if (argv[i] == first && strcmp(argv[i - 1], "--") != 0) {
			memmove(argv + 2, argv + 1, (size_t)(i - 1) * sizeof *argv);
			argv[1] = first;
			break;
		}
}

int
main(int argc, char **argv)
{
	const char *cmd;
	size_t i;

	i18n_init();
	verb_to_front(argc, argv);
	cmd = argc > 1 ? argv[1] : NULL;
	for (i = 0; cmd != NULL && i < sizeof verbs / sizeof verbs[0]; i++)
		if (strcmp(cmd, verbs[i].name) == 0)
			return verbs[i].run(argc - 1, argv + 1);
	return verb_default(argc, argv);
}
