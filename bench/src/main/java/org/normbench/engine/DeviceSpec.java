package org.normbench.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A device request as a user writes it ({@code cpu}, {@code gpu}, {@code gpu:1}, {@code auto}) and
 * its resolution against the number of visible GPUs. Plain code so the rules are unit-tested on
 * machines without a GPU; {@link TorchRuntime#device(DeviceSpec)} turns the result into a DJL
 * device.
 */
public record DeviceSpec(Kind kind, int gpuIndex) {

    public enum Kind {
        CPU,
        GPU,
        AUTO
    }

    public static final String ALLOWED = "cpu, gpu, gpu:<index> (e.g. gpu:1), auto";

    public DeviceSpec {
        if (kind != Kind.GPU && gpuIndex != -1) {
            throw new IllegalArgumentException("only a gpu device has an index");
        }
        if (kind == Kind.GPU && gpuIndex < 0) {
            throw new IllegalArgumentException("gpu index must be >= 0, got " + gpuIndex);
        }
    }

    public static DeviceSpec cpu() {
        return new DeviceSpec(Kind.CPU, -1);
    }

    public static DeviceSpec gpu(int index) {
        return new DeviceSpec(Kind.GPU, index);
    }

    public static DeviceSpec auto() {
        return new DeviceSpec(Kind.AUTO, -1);
    }

    /**
     * Parses a device name. Case-insensitive; {@code cuda} and {@code cuda:N} are accepted as
     * synonyms of {@code gpu} because PyTorch users type them.
     *
     * @throws IllegalArgumentException naming the bad value and the allowed forms
     */
    public static DeviceSpec parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty device name; allowed: " + ALLOWED);
        }
        String s = text.trim().toLowerCase(Locale.ROOT);
        switch (s) {
            case "cpu":
                return cpu();
            case "auto":
                return auto();
            case "gpu":
            case "cuda":
                return gpu(0);
            default:
                break;
        }
        int colon = s.indexOf(':');
        if (colon > 0) {
            String head = s.substring(0, colon);
            String tail = s.substring(colon + 1);
            if ((head.equals("gpu") || head.equals("cuda")) && tail.matches("[0-9]{1,3}")) {
                return gpu(Integer.parseInt(tail));
            }
        }
        throw new IllegalArgumentException("unknown device '" + text + "'; allowed: " + ALLOWED);
    }

    /**
     * Resolves this request against {@code visibleGpus}: {@code auto} is gpu:0 when a GPU is
     * visible and cpu otherwise; an explicit gpu that is not visible is an error, never a silent
     * fall-back to CPU (a silent fall-back would store CPU timings labelled as GPU ones).
     */
    public DeviceSpec resolve(int visibleGpus) {
        switch (kind) {
            case CPU:
                return this;
            case AUTO:
                return visibleGpus > 0 ? gpu(0) : cpu();
            case GPU:
            default:
                if (gpuIndex >= visibleGpus) {
                    throw new IllegalStateException(
                            "device "
                                    + this
                                    + " requested but "
                                    + (visibleGpus == 0
                                            ? "no CUDA GPU is visible"
                                            : "only "
                                                    + visibleGpus
                                                    + " GPU(s) are visible (gpu:0..gpu:"
                                                    + (visibleGpus - 1)
                                                    + ")")
                                    + "; see README 'GPU set-up' (make gpu-setup), or give the grid devices: [cpu]");
                }
                return this;
        }
    }

    /** All devices {@code doctor} should exercise: the CPU and every visible GPU. */
    public static List<DeviceSpec> allVisible(int visibleGpus) {
        List<DeviceSpec> out = new ArrayList<>();
        out.add(cpu());
        for (int i = 0; i < visibleGpus; i++) {
            out.add(gpu(i));
        }
        return out;
    }

    @Override
    public String toString() {
        switch (kind) {
            case CPU:
                return "cpu";
            case AUTO:
                return "auto";
            default:
                return "gpu:" + gpuIndex;
        }
    }
}
