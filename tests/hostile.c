/*
 * hostile MODE PORT: the lesson 1 server, after doing something rude to
 * its terminal first.
 *   flood     writes 20 MB to stdout (80-byte lines) before socket()
 *   closepty  closes stdin, stdout and stderr, then serves
 *   badutf8   prints invalid UTF-8, a NUL and terminal escapes
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define FLOOD_BYTES	(20 * 1024 * 1024)

static void
flood(void)
{
	char line[81];
	size_t done;

	/* Big writes: the test is about bytes, not the cost of a
	 * seccomp stop per write() (each one is checked for a socket). */
	setvbuf(stdout, NULL, _IOFBF, 64 * 1024);
	memset(line, 'x', sizeof line - 1);
	line[sizeof line - 1] = '\n';
	for (done = 0; done < FLOOD_BYTES; done += sizeof line)
		if (fwrite(line, 1, sizeof line, stdout) != sizeof line)
			exit(3);
	printf("flood done\n");
	fflush(stdout);
}

static void
badutf8(void)
{
	static const char bad[] = "bad \xff\xfe half \xe4\xb8 end\n"
	    "esc \x1b[2J\x1b]0;title\x07 bell\n"
	    "nul \0 after\n"
	    "good 你好\n";

	fwrite(bad, 1, sizeof bad - 1, stdout);
	fflush(stdout);
}

int
main(int argc, char **argv)
{
	struct sockaddr_in a;
	int s, c;

	if (argc != 3)
		return 2;
	if (strcmp(argv[1], "flood") == 0)
		flood();
	else if (strcmp(argv[1], "closepty") == 0) {
		close(0);
		close(1);
		close(2);
	} else if (strcmp(argv[1], "badutf8") == 0)
		badutf8();
	if ((s = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return 1;
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons((unsigned short)atoi(argv[2]));
	if (bind(s, (struct sockaddr *)&a, sizeof a) == -1 ||
	    listen(s, 5) == -1 || (c = accept(s, NULL, NULL)) == -1)
		return 1;
	if (write(c, "Hello World!", 12) != 12)
		return 1;
	close(c);
	close(s);
	return 0;
}
