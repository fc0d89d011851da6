# Sourced (not run) by bench/bin/normbench, bench/reference/bench-compare.sh and `make jmh`: the
# one place that says which glibc malloc settings libtorch on CPU runs with.
#
# libtorch on CPU allocates and frees large buffers every step. With glibc's default thresholds each
# free returns memory to the kernel and the next step faults it back in; a full-width batch-128
# ResNet18 step then takes 3.7x longer (docs/performance.md). We raise glibc's mmap/trim thresholds
# by default. NORMBENCH_MALLOC=default keeps the system defaults; MALLOC_* values you set win.
# The values in force are recorded in every run's manifest.json.
if [[ "${NORMBENCH_MALLOC:-tuned}" != "default" ]]; then
  export MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_:-2147483647}"
  export MALLOC_TRIM_THRESHOLD_="${MALLOC_TRIM_THRESHOLD_:-17179869184}"
  export MALLOC_TOP_PAD_="${MALLOC_TOP_PAD_:-1073741824}"
  export NORMBENCH_MALLOC="${NORMBENCH_MALLOC:-tuned}"
fi
# No oneDNN ISA cap: the NaN gradients oneDNN 3.7 produced for narrow convs are avoided in the
# model (ChannelPaddedConv2d), and capping at AVX2 made full-width steps 1.6x slower on AVX-512 CPUs
# (docs/performance.md). DNNL_MAX_CPU_ISA, if you set it, is passed through and recorded.
# Threads on a shared CPU (docs/performance.md#threads-on-a-busy-machine). libtorch's OpenMP threads
# spin while they wait for each other; when another process holds a core, a spinning thread burns
# the time slice the thread it waits for needs, and a step can take 10x longer (92 % of samples in
# libgomp). PASSIVE makes a waiting thread sleep instead. Affinity is left unbound on purpose: a
# pinned thread cannot move off a core that another process is using. OMP_* values you set win;
# NORMBENCH_THREADS / NORMBENCH_INTEROP_THREADS set libtorch's intra-/inter-op threads (engine start).
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
# libtorch never downloads at run time unless explicitly allowed (docs/gpu.md).
if [[ "${NORMBENCH_ALLOW_LIBTORCH_DOWNLOAD:-false}" != "true" ]]; then
  export DJL_OFFLINE=true
fi
