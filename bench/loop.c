/* Load generators for the scripts in bench/ (build: cc -O2 -pthread).
 *
 *   loop getppid N            N getppid calls; prints ns per call
 *   loop openclose N [FILE]   N open+close pairs; prints ns per call
 *   loop rate R SECS FILE     open+close of FILE at R system calls a second
 *                             (each is an event the agent must receive; FILE
 *                             "-": close(-1), which fails at once) for
 *                             SECS seconds, paced on a 1 ms clock (behind
 *                             the pace it catches up, never past SECS);
 *                             prints "calls seconds calls-per-second"
 *   loop shadow N USECS       N opens (and closes) of /etc/shadow, USECS
 *                             apart; prints the CLOCK_REALTIME ns taken just
 *                             before each open, one a line
 *   loop threads N SECS       starts N sleeping threads (small stacks),
 *                             prints "ready", then sleeps SECS seconds
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
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

static int busy(const char *what, long n, const char *file)
{
	double start = now();
	if (strcmp(what, "getppid") == 0) {
		for (long i = 0; i < n; i++)
			syscall(SYS_getppid);
		printf("%.1f\n", (now() - start) / n);
		return 0;
	}
	for (long i = 0; i < n; i++) {
		int fd = open(file, O_RDONLY);
		close(fd);
	}
	printf("%.1f\n", (now() - start) / (2.0 * n));
	return 0;
}

/* rate keeps a running budget: by time t it has made rate*t calls. When it
 * is ahead it sleeps to the next millisecond; when behind it catches up. */
static int rate(double per_sec, double secs, const char *file)
{
	int bad = strcmp(file, "-") == 0;
	struct timespec tick;
	double start = now(), elapsed = 0;
	long calls = 0;
	clock_gettime(CLOCK_MONOTONIC, &tick);
	while (elapsed < secs * 1e9) {
		long due = (long)(elapsed * per_sec / 1e9);
		while (calls < due) {
			if (bad) {
				close(-1);
				calls++;
			} else {
				int fd = open(file, O_RDONLY);
				close(fd);
				calls += 2;
			}
			/* behind the pace: stop at the deadline all the same */
			if (calls % 1024 < 2 && now() - start >= secs * 1e9)
				break;
		}
		tick.tv_nsec += 1000000;
		if (tick.tv_nsec >= 1000000000) {
			tick.tv_sec++;
			tick.tv_nsec -= 1000000000;
		}
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &tick, NULL);
		elapsed = now() - start;
	}
	printf("%ld %.3f %.0f\n", calls, elapsed / 1e9, calls / (elapsed / 1e9));
	return 0;
}

static int shadow(long n, long usecs)
{
	long long *stamps = calloc(n, sizeof *stamps);
	if (!stamps)
		return 1;
	for (long i = 0; i < n; i++) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		stamps[i] = ts.tv_sec * 1000000000LL + ts.tv_nsec;
		int fd = open("/etc/shadow", O_RDONLY);
		if (fd >= 0)
			close(fd);
		usleep(usecs);
	}
	for (long i = 0; i < n; i++)
		printf("%lld\n", stamps[i]);
	return 0;
}

static void *sleeper(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

static int threads(long n, long secs)
{
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	for (long i = 0; i < n; i++) {
		pthread_t t;
		if (pthread_create(&t, &attr, sleeper, NULL) != 0) {
			fprintf(stderr, "loop: thread %ld: cannot create\n", i);
			return 1;
		}
	}
	printf("ready\n");
	fflush(stdout);
	sleep(secs);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: loop getppid|openclose N [FILE] | rate R SECS FILE | "
				"shadow N USECS | threads N SECS\n");
		return 2;
	}
	const char *what = argv[1];
	if (strcmp(what, "getppid") == 0 || strcmp(what, "openclose") == 0)
		return busy(what, atol(argv[2]), argc > 3 ? argv[3] : "/etc/hostname");
	if (strcmp(what, "rate") == 0 && argc > 4)
		return rate(atof(argv[2]), atof(argv[3]), argv[4]);
	if (strcmp(what, "shadow") == 0 && argc > 3)
		return shadow(atol(argv[2]), atol(argv[3]));
	if (strcmp(what, "threads") == 0 && argc > 3)
		return threads(atol(argv[2]), atol(argv[3]));
	fprintf(stderr, "loop: unknown mode or missing arguments: %s\n", what);
	return 2;
}
