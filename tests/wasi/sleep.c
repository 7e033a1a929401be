// sleep: sleeps for argv[1] seconds (poll_oneoff on a clock), then prints "awake".
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char** argv) {
  sleep(argc > 1 ? (unsigned)atoi(argv[1]) : 1);
  printf("awake\n");
  return 0;
}
