// tour: exercises WASI files, directories, symlinks, clocks and random numbers inside one
// preopened directory, printing one deterministic line per check ("ok ..." or "FAIL ...").
// Exits 1 if any check failed. Leaves the directory as it found it.
//
//   tern run --dir /tmp/scratch::/scratch build/samples/tour.wasm /scratch
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int failures = 0;

static void check(int ok, const char* what) {
  printf("%s %s\n", ok ? "ok" : "FAIL", what);
  if (!ok) {
    printf("  (errno %d: %s)\n", errno, strerror(errno));
    failures++;
  }
}

static char path_buf[4][512];
static const char* in_dir(int slot, const char* dir, const char* name) {
  snprintf(path_buf[slot], sizeof path_buf[slot], "%s/%s", dir, name);
  return path_buf[slot];
}

static int cmp_str(const void* a, const void* b) { return strcmp(*(char* const*)a, *(char* const*)b); }

static void files(const char* dir) {
  const char* notes = in_dir(0, dir, "tour-notes.txt");
  FILE* f = fopen(notes, "w");
  check(f != NULL, "create a file");
  if (!f) return;
  fprintf(f, "line one\nline two\n");
  check(fclose(f) == 0, "write and close it");

  struct stat st;
  check(stat(notes, &st) == 0 && st.st_size == 18 && S_ISREG(st.st_mode), "stat: 18-byte regular file");

  int fd = open(notes, O_RDWR);
  check(fd >= 0, "open read-write");
  char buf[32] = {0};
  check(pread(fd, buf, 3, 5) == 3 && memcmp(buf, "one", 3) == 0, "pread at offset 5");
  check(lseek(fd, 0, SEEK_END) == 18, "seek to the end");
  check(write(fd, "three\n", 6) == 6, "append a line");
  check(ftruncate(fd, 9) == 0 && fstat(fd, &st) == 0 && st.st_size == 9, "truncate to 9 bytes");
  check(close(fd) == 0, "close");

  struct timespec times[2] = {{1000000000, 0}, {1234567890, 500}};
  check(utimensat(AT_FDCWD, notes, times, 0) == 0 && stat(notes, &st) == 0 && st.st_mtim.tv_sec == 1234567890 &&
            st.st_atim.tv_sec == 1000000000,
        "set times by path");
  fd = open(notes, O_RDONLY);
  struct timespec later[2] = {{1300000000, 0}, {1400000000, 0}};
  check(fd >= 0 && futimens(fd, later) == 0 && fstat(fd, &st) == 0 && st.st_mtim.tv_sec == 1400000000 &&
            st.st_atim.tv_sec == 1300000000,
        "set times by descriptor");
  close(fd);

  const char* moved = in_dir(1, dir, "tour-moved.txt");
  check(rename(notes, moved) == 0, "rename");
  check(access(notes, F_OK) != 0 && errno == ENOENT, "old name is gone (ENOENT)");

  const char* sub = in_dir(2, dir, "tour-dir");
  check(mkdir(sub, 0755) == 0, "mkdir");
  for (int i = 0; i < 3; ++i) {
    char name[600];
    snprintf(name, sizeof name, "%s/file%d", sub, 2 - i);
    FILE* g = fopen(name, "w");
    if (g) fclose(g);
  }
  DIR* d = opendir(sub);
  check(d != NULL, "opendir");
  char* names[16];
  int n = 0;
  struct dirent* e;
  while (d && (e = readdir(d)) != NULL && n < 16)
    if (e->d_name[0] != '.') names[n++] = strdup(e->d_name);
  if (d) closedir(d);
  qsort(names, (size_t)n, sizeof names[0], cmp_str);
  printf("listing:");
  for (int i = 0; i < n; ++i) printf(" %s", names[i]);
  printf("\n");
  check(n == 3, "readdir finds 3 files");
  for (int i = 0; i < n; ++i) {
    char name[600];
    snprintf(name, sizeof name, "%s/%s", sub, names[i]);
    unlink(name);
    free(names[i]);
  }
  check(rmdir(sub) == 0, "rmdir");

  const char* link = in_dir(2, dir, "tour-link");
  check(symlink("tour-moved.txt", link) == 0, "symlink");
  char target[64] = {0};
  ssize_t len = readlink(link, target, sizeof target - 1);
  check(len == 14 && strcmp(target, "tour-moved.txt") == 0, "readlink");
  f = fopen(link, "r");
  check(f != NULL && fgets(buf, sizeof buf, f) && strcmp(buf, "line one\n") == 0, "read through the symlink");
  if (f) fclose(f);
  check(unlink(link) == 0 && unlink(moved) == 0, "unlink");
}

static long long ns(struct timespec t) { return (long long)t.tv_sec * 1000000000LL + t.tv_nsec; }

static void clocks(void) {
  struct timespec a, b, res;
  check(clock_gettime(CLOCK_MONOTONIC, &a) == 0, "monotonic clock");
  struct timespec nap = {0, 20 * 1000 * 1000};
  check(nanosleep(&nap, NULL) == 0, "nanosleep 20ms");
  clock_gettime(CLOCK_MONOTONIC, &b);
  check(ns(b) - ns(a) >= 20 * 1000 * 1000, "monotonic clock advanced by at least 20ms");
  check(clock_gettime(CLOCK_REALTIME, &a) == 0 && a.tv_sec > 1600000000, "realtime clock is after 2020");
  check(time(NULL) > 1600000000, "time()");
  check(clock_getres(CLOCK_MONOTONIC, &res) == 0 && ns(res) > 0, "clock resolution");
  check(clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a) == 0, "process CPU time clock");
}

static void randomness(void) {
  unsigned char x[32], y[32], zero[32] = {0};
  check(getentropy(x, sizeof x) == 0 && getentropy(y, sizeof y) == 0, "getentropy");
  check(memcmp(x, y, sizeof x) != 0 && memcmp(x, zero, sizeof x) != 0, "two draws differ and are not zero");
  unsigned r = arc4random_uniform(10);
  check(r < 10, "arc4random_uniform");
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: tour DIR (a preopened directory)\n");
    return 2;
  }
  files(argv[1]);
  clocks();
  randomness();
  printf("%s\n", failures ? "some checks failed" : "all checks passed");
  return failures ? 1 : 0;
}
