/* crasher PORT: makes a socket, then crashes (a student's bad pointer). */
#include <stdio.h>
#include <sys/socket.h>

int main(void)
{
	volatile int *p = NULL;

	if (socket(AF_INET, SOCK_STREAM, 0) == -1)
		perror("socket");
	printf("about to crash\n");
	fflush(stdout);
	return *p;
}
