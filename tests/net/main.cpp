// The net/ tests (doctest). Guest code runs in this process, so doctest must not install its
// own signal handlers over tern's trap handlers.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
