// normbench's addition to DJL's JNI, compiled into libdjl_torch.so by `normbench gpu-setup` for CUDA
// builds only: the CUDA caching allocator's statistics, read the way torch.cuda.max_memory_allocated()
// and torch.cuda.reset_peak_memory_stats() read them (torch/csrc/cuda/Module.cpp), so that DJL cells
// and PyTorch reference rows report the same measure. Plain C symbols, called from Java through JNA
// (org.normbench.engine.CudaMemory).
#include <c10/cuda/CUDACachingAllocator.h>

#include <cstdint>

extern "C" {

// Peak bytes held by tensors on `device` since the last reset (StatType AGGREGATE = index 0).
int64_t normbench_cuda_max_memory_allocated(int device) {
  return c10::cuda::CUDACachingAllocator::getDeviceStats(device).allocated_bytes[0].peak;
}

// Bytes held by tensors on `device` now (torch.cuda.memory_allocated()).
int64_t normbench_cuda_memory_allocated(int device) {
  return c10::cuda::CUDACachingAllocator::getDeviceStats(device).allocated_bytes[0].current;
}

void normbench_cuda_reset_peak_memory_stats(int device) {
  c10::cuda::CUDACachingAllocator::resetPeakStats(device);
}

}  // extern "C"
