/* A system call loop for bench/overhead.sh: runs N iterations of getppid,
 * or of open+close of a file, and prints nanoseconds per system call. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: loop getppid|openclose N [file]\n");
		return 2;
	}
	long n = atol(argv[2]);
	const char *file = argc > 3 ? argv[3] : "/etc/hostname";
	double start = now();
	if (strcmp(argv[1], "getppid") == 0) {
		for (long i = 0; i < n; i++)
			syscall(SYS_getppid);
		printf("%.1f\n", (now() - start) / n);
	} else {
		for (long i = 0; i < n; i++) {
			int fd = open(file, O_RDONLY);
			close(fd);
		}
		printf("%.1f\n", (now() - start) / (2.0 * n));
	}
	return 0;
}
