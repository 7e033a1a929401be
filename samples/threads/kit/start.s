# wasi_thread_start(tid, start_arg): the entry point wasi-threads calls on a new thread.
# start_arg points to a kit_thread (thread.c) whose first words are
#   +0 stack_top  the top of the stack allocated for this thread
#   +8 done       set to 1 (and notified) once the thread function has returned
# The new instance starts with __stack_pointer at the main thread's stack, so it must be
# moved before any C code runs; after __kit_thread_main returns nothing here touches the
# stack, so the joiner may free it as soon as it sees done.
	.text
	.globaltype __stack_pointer, i32
	.functype __kit_thread_main (i32, i32) -> ()

	.globl wasi_thread_start
	.type wasi_thread_start,@function
	.export_name wasi_thread_start, wasi_thread_start
wasi_thread_start:
	.functype wasi_thread_start (i32, i32) -> ()
	local.get 1
	i32.load 0
	global.set __stack_pointer
	local.get 0
	local.get 1
	call __kit_thread_main
	local.get 1
	i32.const 1
	i32.atomic.store 8
	local.get 1
	i32.const 1
	memory.atomic.notify 8
	drop
	end_function
