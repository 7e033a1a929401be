/* fluid: a floating-point simulation. A 2D incompressible fluid on an N x N grid (the stable
 * fluids method: diffusion and pressure projection by Gauss-Seidel relaxation, semi-Lagrangian
 * advection with bilinear interpolation), driven by a source of dye and a swirling force.
 * Only +, -, *, / and compare: no libm, and no fused multiply-add in any build, so every
 * engine computes the same bits and the checksum hashes the final fields' bit patterns. */
#include <stdlib.h>
#include <string.h>

#include "wasi_bench.h"

#define N 192
#define STEPS 40
#define ITERS 20
#define SIZE ((N + 2) * (N + 2))
#define IX(i, j) ((i) + (N + 2) * (j))

static double u[SIZE], v[SIZE], u0[SIZE], v0[SIZE], dens[SIZE], dens0[SIZE];

static void set_bnd(int b, double* x) {
  for (int i = 1; i <= N; ++i) {
    x[IX(0, i)] = b == 1 ? -x[IX(1, i)] : x[IX(1, i)];
    x[IX(N + 1, i)] = b == 1 ? -x[IX(N, i)] : x[IX(N, i)];
    x[IX(i, 0)] = b == 2 ? -x[IX(i, 1)] : x[IX(i, 1)];
    x[IX(i, N + 1)] = b == 2 ? -x[IX(i, N)] : x[IX(i, N)];
  }
  x[IX(0, 0)] = 0.5 * (x[IX(1, 0)] + x[IX(0, 1)]);
  x[IX(0, N + 1)] = 0.5 * (x[IX(1, N + 1)] + x[IX(0, N)]);
  x[IX(N + 1, 0)] = 0.5 * (x[IX(N, 0)] + x[IX(N + 1, 1)]);
  x[IX(N + 1, N + 1)] = 0.5 * (x[IX(N, N + 1)] + x[IX(N + 1, N)]);
}

static void lin_solve(int b, double* x, const double* x0, double a, double c) {
  for (int k = 0; k < ITERS; ++k) {
    for (int j = 1; j <= N; ++j)
      for (int i = 1; i <= N; ++i)
        x[IX(i, j)] = (x0[IX(i, j)] + a * (x[IX(i - 1, j)] + x[IX(i + 1, j)] + x[IX(i, j - 1)] + x[IX(i, j + 1)])) / c;
    set_bnd(b, x);
  }
}

static void diffuse(int b, double* x, const double* x0, double diff, double dt) {
  double a = dt * diff * N * N;
  lin_solve(b, x, x0, a, 1 + 4 * a);
}

static void advect(int b, double* d, const double* d0, const double* uu, const double* vv, double dt) {
  double dt0 = dt * N;
  for (int j = 1; j <= N; ++j)
    for (int i = 1; i <= N; ++i) {
      double x = i - dt0 * uu[IX(i, j)], y = j - dt0 * vv[IX(i, j)];
      if (x < 0.5) x = 0.5;
      if (x > N + 0.5) x = N + 0.5;
      if (y < 0.5) y = 0.5;
      if (y > N + 0.5) y = N + 0.5;
      int i0 = (int)x, j0 = (int)y;
      double s1 = x - i0, s0 = 1 - s1, t1 = y - j0, t0 = 1 - t1;
      d[IX(i, j)] = s0 * (t0 * d0[IX(i0, j0)] + t1 * d0[IX(i0, j0 + 1)]) +
                    s1 * (t0 * d0[IX(i0 + 1, j0)] + t1 * d0[IX(i0 + 1, j0 + 1)]);
    }
  set_bnd(b, d);
}

static void project(double* uu, double* vv, double* p, double* div) {
  double h = 1.0 / N;
  for (int j = 1; j <= N; ++j)
    for (int i = 1; i <= N; ++i) {
      div[IX(i, j)] = -0.5 * h * (uu[IX(i + 1, j)] - uu[IX(i - 1, j)] + vv[IX(i, j + 1)] - vv[IX(i, j - 1)]);
      p[IX(i, j)] = 0;
    }
  set_bnd(0, div);
  set_bnd(0, p);
  lin_solve(0, p, div, 1, 4);
  for (int j = 1; j <= N; ++j)
    for (int i = 1; i <= N; ++i) {
      uu[IX(i, j)] -= 0.5 * (p[IX(i + 1, j)] - p[IX(i - 1, j)]) / h;
      vv[IX(i, j)] -= 0.5 * (p[IX(i, j + 1)] - p[IX(i, j - 1)]) / h;
    }
  set_bnd(1, uu);
  set_bnd(2, vv);
}

#define SWAP(a, b)   \
  do {               \
    double* t_ = a;  \
    a = b;           \
    b = t_;          \
  } while (0)

int main(void) {
  double *pu = u, *pv = v, *pu0 = u0, *pv0 = v0, *pd = dens, *pd0 = dens0;
  const double dt = 0.1, visc = 0.0001, diff = 0.0001;

  double t0 = bench_now_ms();
  for (int step = 0; step < STEPS; ++step) {
    /* Sources: dye and an upward jet in the middle, a swirl around it. */
    memset(pu0, 0, sizeof u0);
    memset(pv0, 0, sizeof v0);
    memset(pd0, 0, sizeof dens0);
    for (int j = N / 2 - 8; j <= N / 2 + 8; ++j)
      for (int i = N / 2 - 8; i <= N / 2 + 8; ++i) {
        pd0[IX(i, j)] = 100.0;
        pv0[IX(i, j)] = -5.0 + (step % 7) * 0.5;
        pu0[IX(i, j)] = (j - N / 2) * 0.3 - (i - N / 2) * 0.1;
      }
    /* velocity step */
    for (int k = 0; k < SIZE; ++k) {
      pu[k] += dt * pu0[k];
      pv[k] += dt * pv0[k];
    }
    SWAP(pu0, pu);
    diffuse(1, pu, pu0, visc, dt);
    SWAP(pv0, pv);
    diffuse(2, pv, pv0, visc, dt);
    project(pu, pv, pu0, pv0);
    SWAP(pu0, pu);
    SWAP(pv0, pv);
    advect(1, pu, pu0, pu0, pv0, dt);
    advect(2, pv, pv0, pu0, pv0, dt);
    project(pu, pv, pu0, pv0);
    /* density step */
    for (int k = 0; k < SIZE; ++k) pd[k] += dt * pd0[k];
    SWAP(pd0, pd);
    diffuse(0, pd, pd0, diff, dt);
    SWAP(pd0, pd);
    advect(0, pd, pd0, pu, pv, dt);
  }
  double t1 = bench_now_ms();

  uint64_t checksum = BENCH_FNV_INIT;
  checksum = bench_fnv(checksum, pd, sizeof dens);
  checksum = bench_fnv(checksum, pu, sizeof u);
  checksum = bench_fnv(checksum, pv, sizeof v);
  double mass = 0;
  for (int k = 0; k < SIZE; ++k) mass += pd[k];
  fprintf(stderr, "fluid: %dx%d, %d steps, dye %.6f\n", N, N, STEPS, mass);
  bench_report(checksum, t1 - t0);
  return 0;
}
