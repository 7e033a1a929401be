/* float: Mandelbrot set escape counts (f64 multiply/add/compare). */
#include "common.h"

#define W 1600
#define H 1200
#define MAXIT 600

u64 run(void) {
  u64 h = 0, total = 0;
  for (u32 y = 0; y < H; y++) {
    double ci = -1.25 + 2.5 * (double)y / H;
    u64 row = 0;
    for (u32 x = 0; x < W; x++) {
      double cr = -2.1 + 3.0 * (double)x / W;
      double zr = 0.0, zi = 0.0, zr2 = 0.0, zi2 = 0.0;
      u32 it = 0;
      while (it < MAXIT && zr2 + zi2 <= 4.0) {
        zi = 2.0 * zr * zi + ci;
        zr = zr2 - zi2 + cr;
        zr2 = zr * zr;
        zi2 = zi * zi;
        it++;
      }
      row += it;
    }
    total += row;
    h = mix(h, row);
  }
  return mix(h, total);
}
