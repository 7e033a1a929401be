// sum: a library module with no libc and no WASI imports, for calling exports directly.
// Built with -nostdlib -Wl,--no-entry; every function below is exported by name.
//
//   sum(a, b)          a + b
//   fib(n)             the n-th Fibonacci number (fib(0) = 0), wrapping on overflow
//   sum_array(p, n)    the sum of n int32 values at guest address p in the exported memory

int sum(int a, int b) { return a + b; }

long long fib(int n) {
  unsigned long long a = 0, b = 1;
  for (int i = 0; i < n; ++i) {
    unsigned long long next = a + b;
    a = b;
    b = next;
  }
  return (long long)a;
}

int sum_array(const int* p, int n) {
  int total = 0;
  for (int i = 0; i < n; ++i) total += p[i];
  return total;
}
