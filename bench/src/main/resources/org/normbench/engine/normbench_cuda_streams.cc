// normbench's addition to DJL's JNI, compiled into libdjl_torch.so by `normbench gpu-setup` for CUDA
// builds only (like normbench_cuda_memory.cc; left out with a warning where it does not compile):
// a CUDA stream of its own for the calling thread. c10's current stream is thread-local, so every op
// DJL then dispatches from that thread queues on it, and a host read (the loss, the step timer's
// sync) waits for that stream only. Without it the cells of `bench --jobs N` all queue on the legacy
// default stream, where each cell's host read also waits for every other cell's queued kernels.
// Plain C symbols, called from Java through JNA (org.normbench.engine.CudaStreams).
#include <c10/cuda/CUDAStream.h>

#include <cstdint>

extern "C" {

// Makes a stream from libtorch's pool the calling thread's current stream on `device`; returns its
// id, or -1 when libtorch refused (an exception must not cross into the JVM).
int64_t normbench_cuda_use_pool_stream(int device) {
  try {
    c10::cuda::CUDAStream stream =
        c10::cuda::getStreamFromPool(false, static_cast<c10::DeviceIndex>(device));
    c10::cuda::setCurrentCUDAStream(stream);
    return static_cast<int64_t>(stream.id());
  } catch (...) {
    return -1;
  }
}

// The calling thread's current stream id on `device` (0 is the legacy default stream), or -1.
int64_t normbench_cuda_current_stream(int device) {
  try {
    return static_cast<int64_t>(
        c10::cuda::getCurrentCUDAStream(static_cast<c10::DeviceIndex>(device)).id());
  } catch (...) {
    return -1;
  }
}

}  // extern "C"
