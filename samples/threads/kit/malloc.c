/* A thread-safe malloc family that replaces wasi-libc's dlmalloc: one lock around
 * power-of-two size classes with free lists, carved from memory obtained with memory.grow.
 * Correct rather than fast or frugal. Freed memory is never returned to the system.
 *
 * Every allocation is a block of 2^c bytes (c >= 5) that starts 16-byte aligned. The user
 * pointer p lies inside it; the 8 bytes before p hold a tag (0x6b697400 | c, "kit") and the
 * distance from the block start to p, so free and realloc find the block from p alone
 * (p is block + 16 for malloc, further in for over-aligned requests). A freed block holds
 * the next pointer of its free list at +0 and FREE_TAG at +4; free() of a pointer whose tag
 * is not a live one traps, which catches double frees and wild pointers early. */
#include "kit.h"

#include <errno.h>
#include <string.h>

#define MIN_CLASS 5  /* 32-byte blocks: a 16-byte header and 16 bytes of data */
#define MAX_CLASS 31 /* 2 GiB */
#define HEADER 16u
#define LIVE_TAG 0x6b697400u
#define FREE_TAG 0x66726565u
#define PAGE 65536u
#define MIN_GROW_PAGES 16u /* grow at least 1 MiB at a time */

extern unsigned char __heap_base;

static kit_mutex heap_lock;
static void *free_lists[MAX_CLASS + 1];
static uintptr_t heap_start, bump, bump_end;
static size_t heap_bytes, live_blocks, live_bytes;

static void heap_init(void) {
  heap_start = ((uintptr_t)&__heap_base + 15) & ~(uintptr_t)15;
  bump = heap_start;
  bump_end = (uintptr_t)__builtin_wasm_memory_size(0) * PAGE;
  heap_bytes = bump_end > bump ? bump_end - bump : 0;
}

static unsigned size_class(size_t need) {
  unsigned c = MIN_CLASS;
  while (((size_t)1 << c) < need) c++;
  return c;
}

/* A block of class c, or 0. Called with heap_lock held. */
static uintptr_t take_block(unsigned c) {
  if (!heap_start) heap_init();
  void *b = free_lists[c];
  if (b) {
    free_lists[c] = *(void **)b;
    return (uintptr_t)b;
  }
  size_t size = (size_t)1 << c;
  if (bump_end - bump < size) {
    size_t missing = size - (bump_end - bump);
    size_t pages = (missing + PAGE - 1) / PAGE;
    if (pages < MIN_GROW_PAGES) pages = MIN_GROW_PAGES;
    size_t old = __builtin_wasm_memory_grow(0, pages);
    if (old == (size_t)-1) {
      /* Try the exact amount before giving up. */
      pages = (missing + PAGE - 1) / PAGE;
      old = __builtin_wasm_memory_grow(0, pages);
      if (old == (size_t)-1) return 0;
    }
    uintptr_t start = (uintptr_t)old * PAGE;
    if (start != bump_end) {
      /* Someone else grew the memory in between: the gap is theirs; start afresh. */
      bump = start;
      heap_bytes += pages * PAGE;
    } else {
      heap_bytes += pages * PAGE;
    }
    bump_end = start + pages * PAGE;
    if (bump_end - bump < size) return 0;
  }
  uintptr_t block = bump;
  bump += size;
  return block;
}

static void *alloc_aligned(size_t align, size_t n) {
  if (align < HEADER) align = HEADER;
  if (n > ((size_t)1 << MAX_CLASS) - align) return NULL;
  size_t need = n + align; /* block + 16 rounded up to align is at most block + align */
  if (need < n + HEADER) need = n + HEADER;
  unsigned c = size_class(need);
  mutex_lock(&heap_lock);
  uintptr_t block = take_block(c);
  if (block) {
    live_blocks++;
    live_bytes += (size_t)1 << c;
  }
  mutex_unlock(&heap_lock);
  if (!block) return NULL;
  uintptr_t p = (block + HEADER + align - 1) & ~(uintptr_t)(align - 1);
  uint32_t *hdr = (uint32_t *)(p - 8);
  hdr[0] = LIVE_TAG | c;
  hdr[1] = (uint32_t)(p - block);
  return (void *)p;
}

/* Checks the header of a live pointer; traps on a freed or foreign one. */
static uint32_t *header_of(void *p, unsigned *c) {
  uint32_t *hdr = (uint32_t *)((uintptr_t)p - 8);
  uint32_t tag = hdr[0];
  if ((tag & ~0xffu) != LIVE_TAG) __builtin_trap();
  *c = tag & 0xffu;
  if (*c < MIN_CLASS || *c > MAX_CLASS || hdr[1] < HEADER || hdr[1] >= ((size_t)1 << *c))
    __builtin_trap();
  return hdr;
}

void *malloc(size_t n) { return alloc_aligned(HEADER, n); }

void free(void *p) {
  if (!p) return;
  unsigned c;
  uint32_t *hdr = header_of(p, &c);
  uintptr_t block = (uintptr_t)p - hdr[1];
  hdr[0] = FREE_TAG; /* a second free() of p traps in header_of */
  mutex_lock(&heap_lock);
  *(void **)block = free_lists[c];
  ((uint32_t *)block)[1] = FREE_TAG;
  free_lists[c] = (void *)block;
  live_blocks--;
  live_bytes -= (size_t)1 << c;
  mutex_unlock(&heap_lock);
}

size_t malloc_usable_size(void *p) {
  if (!p) return 0;
  unsigned c;
  uint32_t *hdr = header_of(p, &c);
  return ((size_t)1 << c) - hdr[1];
}

void *calloc(size_t count, size_t size) {
  size_t n;
  if (__builtin_mul_overflow(count, size, &n)) return NULL;
  void *p = malloc(n);
  if (p) memset(p, 0, n);
  return p;
}

void *realloc(void *p, size_t n) {
  if (!p) return malloc(n);
  size_t usable = malloc_usable_size(p);
  if (n <= usable) return p;
  void *q = malloc(n);
  if (!q) return NULL;
  memcpy(q, p, usable);
  free(p);
  return q;
}

int posix_memalign(void **out, size_t align, size_t n) {
  if (align < sizeof(void *) || (align & (align - 1)) != 0) return EINVAL;
  void *p = alloc_aligned(align, n);
  if (!p) return ENOMEM;
  *out = p;
  return 0;
}

void *aligned_alloc(size_t align, size_t n) {
  if (align == 0 || (align & (align - 1)) != 0) {
    errno = EINVAL; /* kit.h routes errno to libc's (see errno.c) */
    return NULL;
  }
  return alloc_aligned(align, n);
}

/* wasi-libc calls these internally; defining them keeps dlmalloc.o out of the link. */
void *__libc_malloc(size_t n) { return malloc(n); }
void __libc_free(void *p) { free(p); }
void *__libc_calloc(size_t count, size_t size) { return calloc(count, size); }

void kit_heap_get_stats(kit_heap_stats *out) {
  mutex_lock(&heap_lock);
  out->heap_bytes = heap_bytes;
  out->live_blocks = live_blocks;
  out->live_bytes = live_bytes;
  mutex_unlock(&heap_lock);
}

int kit_heap_check(void) {
  int bad = 0;
  mutex_lock(&heap_lock);
  for (unsigned c = MIN_CLASS; c <= MAX_CLASS; c++) {
    size_t steps = 0;
    for (void *b = free_lists[c]; b; b = *(void **)b) {
      uintptr_t a = (uintptr_t)b;
      if (a < heap_start || a + ((size_t)1 << c) > bump || (a & 15) || ((uint32_t *)b)[1] != FREE_TAG ||
          ++steps > (bump - heap_start) / 32) {
        bad = 1;
        break;
      }
    }
  }
  mutex_unlock(&heap_lock);
  return bad;
}
