// wc: counts lines, words and bytes like wc(1), reading files from a preopened directory (or
// standard input when no file is given). One line per file, then a total for several files.
//
//   tern run --dir data::/data build/samples/wc.wasm /data/a.txt /data/b.txt
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

struct counts {
  long lines, words, bytes;
};

static int count(FILE* f, struct counts* c) {
  char buf[4096];
  int in_word = 0;
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
    c->bytes += (long)n;
    for (size_t i = 0; i < n; ++i) {
      unsigned char ch = (unsigned char)buf[i];
      if (ch == '\n') c->lines++;
      if (isspace(ch)) {
        in_word = 0;
      } else if (!in_word) {
        in_word = 1;
        c->words++;
      }
    }
  }
  return ferror(f) ? -1 : 0;
}

static void print(const struct counts* c, const char* name) {
  printf("%7ld %7ld %7ld%s%s\n", c->lines, c->words, c->bytes, name ? " " : "", name ? name : "");
}

int main(int argc, char** argv) {
  if (argc < 2) {
    struct counts c = {0, 0, 0};
    if (count(stdin, &c) != 0) {
      fprintf(stderr, "wc: stdin: %s\n", strerror(errno));
      return 1;
    }
    print(&c, NULL);
    return 0;
  }
  struct counts total = {0, 0, 0};
  int status = 0;
  for (int i = 1; i < argc; ++i) {
    FILE* f = fopen(argv[i], "r");
    if (!f) {
      fprintf(stderr, "wc: %s: %s\n", argv[i], strerror(errno));
      status = 1;
      continue;
    }
    struct counts c = {0, 0, 0};
    if (count(f, &c) != 0) {
      fprintf(stderr, "wc: %s: %s\n", argv[i], strerror(errno));
      status = 1;
    }
    fclose(f);
    print(&c, argv[i]);
    total.lines += c.lines;
    total.words += c.words;
    total.bytes += c.bytes;
  }
  if (argc > 2) print(&total, "total");
  return status;
}
