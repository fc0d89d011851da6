// normbench's addition to DJL's JNI, compiled into libdjl_torch.so by `normbench gpu-setup` for CUDA
// builds only (like normbench_cuda_streams.cc; left out with a warning where it does not compile, as
// against libtorch 1.x, which lacks the flag): where a thread's backward pass runs.
// Why: libtorch's autograd engine runs the CUDA part of every backward pass on one worker thread per
// GPU, shared by all threads of the process ("CPU ready queue is per GraphTask, but CUDA device ready
// queues are shared across all graph tasks", engine.cpp). With `bench --jobs N`, N cell threads
// dispatch their forwards in parallel but queue their backwards' host work, about half of a
// host-bound step, on that one thread. PyTorch's torch.autograd.set_multithreading_enabled(False)
// clears a thread-local flag so that the calling thread runs its own backward instead; this is that
// flag. Kernels still go to the stream each op's forward ran on.
// Plain C symbols, called from Java through JNA (org.normbench.engine.BackwardThread).
#include <c10/core/AutogradState.h>

extern "C" {

// Sets the calling thread's flag (1: backward on libtorch's device threads, PyTorch's default; 0: on
// the calling thread); returns the flag it had before, or -1 (an exception must not cross into the
// JVM).
int normbench_autograd_set_multithreading(int enabled) {
  try {
    c10::AutogradState& state = c10::AutogradState::get_tls_state();
    const bool before = state.get_multithreading_enabled();
    state.set_multithreading_enabled(enabled != 0);
    return before ? 1 : 0;
  } catch (...) {
    return -1;
  }
}

// The calling thread's flag (1 or 0), or -1.
int normbench_autograd_multithreading() {
  try {
    return c10::AutogradState::get_tls_state().get_multithreading_enabled() ? 1 : 0;
  } catch (...) {
    return -1;
  }
}

}  // extern "C"
