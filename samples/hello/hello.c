// hello: a WASI command. Prints a greeting, its arguments and selected environment
// variables, so a runtime's argv/environ/stdout plumbing can be checked by eye.
//
//   tern run build/samples/hello.wasm -- one two      (once `tern run` exists)
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char** argv) {
  printf("hello from wasm32-wasi\n");
  printf("argc = %d\n", argc);
  for (int i = 0; i < argc; ++i) printf("argv[%d] = %s\n", i, argv[i]);

  const char* names[] = {"HOME", "USER", "GREETING"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; ++i) {
    const char* value = getenv(names[i]);
    printf("%s = %s\n", names[i], value ? value : "(unset)");
  }
  return 0;
}
