/* tern's dlopen/dlsym for main modules run with `tern run --preload NAME=FILE.wasm`
 * (host/runtime/side_module.h). A side module's function symbol is a table slot, which is
 * what a C function pointer is in wasm32, so the result of tern_dlsym can be cast to one. */
#ifndef TERN_DL_H
#define TERN_DL_H

/* The handle of the side module preloaded as `name`, or 0. */
__attribute__((import_module("tern"), import_name("dlopen"))) int tern_dlopen(const char *name);
/* The address of data symbol `symbol` of the side module, or its function's table slot; 0 if
 * the module has no such export. */
__attribute__((import_module("tern"), import_name("dlsym"))) void *tern_dlsym(int handle, const char *symbol);

#endif
