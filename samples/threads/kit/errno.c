/* Built WITHOUT -matomics: clang then strips _Thread_local, so &errno is libc's plain global
 * (see kit.h). Do not add -matomics to this file. */
#include <errno.h>

int *kit_errno_location(void) { return &errno; }
