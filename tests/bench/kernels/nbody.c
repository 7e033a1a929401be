/* float: n-body simulation of five bodies (f64 arithmetic and sqrt). */
#include "common.h"

#define NB 5
#define STEPS 12000000

typedef struct {
  double x, y, z, vx, vy, vz, m;
} Body;

static Body bodies[NB];

static void init(void) {
  const double pi = 3.141592653589793, days = 365.24, sm = 4 * pi * pi;
  static const double init_vals[NB][7] = {
      {0, 0, 0, 0, 0, 0, 1},
      {4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01,
       1.66007664274403694e-03, 7.69901118419740425e-03, -6.90460016972063023e-05,
       9.54791938424326609e-04},
      {8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01,
       -2.76742510726862411e-03, 4.99852801234917238e-03, 2.30417297573763929e-05,
       2.85885980666130812e-04},
      {1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01,
       2.96460137564761618e-03, 2.37847173959480950e-03, -2.96589568540237556e-05,
       4.36624404335156298e-05},
      {1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01,
       2.68067772490389322e-03, 1.62824170038242295e-03, -9.51592254519715870e-05,
       5.15138902046611451e-05}};
  for (int i = 0; i < NB; i++) {
    bodies[i].x = init_vals[i][0];
    bodies[i].y = init_vals[i][1];
    bodies[i].z = init_vals[i][2];
    bodies[i].vx = init_vals[i][3] * days;
    bodies[i].vy = init_vals[i][4] * days;
    bodies[i].vz = init_vals[i][5] * days;
    bodies[i].m = init_vals[i][6] * sm;
  }
  double px = 0, py = 0, pz = 0;
  for (int i = 0; i < NB; i++) {
    px += bodies[i].vx * bodies[i].m;
    py += bodies[i].vy * bodies[i].m;
    pz += bodies[i].vz * bodies[i].m;
  }
  bodies[0].vx = -px / sm;
  bodies[0].vy = -py / sm;
  bodies[0].vz = -pz / sm;
}

static double energy(void) {
  double e = 0;
  for (int i = 0; i < NB; i++) {
    Body *b = &bodies[i];
    e += 0.5 * b->m * (b->vx * b->vx + b->vy * b->vy + b->vz * b->vz);
    for (int j = i + 1; j < NB; j++) {
      Body *c = &bodies[j];
      double dx = b->x - c->x, dy = b->y - c->y, dz = b->z - c->z;
      e -= b->m * c->m / __builtin_sqrt(dx * dx + dy * dy + dz * dz);
    }
  }
  return e;
}

static void advance(double dt) {
  for (int i = 0; i < NB; i++) {
    Body *b = &bodies[i];
    for (int j = i + 1; j < NB; j++) {
      Body *c = &bodies[j];
      double dx = b->x - c->x, dy = b->y - c->y, dz = b->z - c->z;
      double d2 = dx * dx + dy * dy + dz * dz;
      double mag = dt / (d2 * __builtin_sqrt(d2));
      b->vx -= dx * c->m * mag;
      b->vy -= dy * c->m * mag;
      b->vz -= dz * c->m * mag;
      c->vx += dx * b->m * mag;
      c->vy += dy * b->m * mag;
      c->vz += dz * b->m * mag;
    }
  }
  for (int i = 0; i < NB; i++) {
    Body *b = &bodies[i];
    b->x += dt * b->vx;
    b->y += dt * b->vy;
    b->z += dt * b->vz;
  }
}

u64 run(void) {
  init();
  u64 h = f64_bits(energy(), 1e15);
  for (u32 s = 0; s < STEPS; s++) advance(0.01);
  h = mix(h, f64_bits(energy(), 1e15));
  for (int i = 0; i < NB; i++) h = mix(h, f64_bits(bodies[i].x, 1e12));
  return h;
}
