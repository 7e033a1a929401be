// The doctest main of unit-tests; the tests live in *_test.cpp beside it.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
