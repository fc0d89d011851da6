package org.normbench.model.norms;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A libtorch operator that DJL's JNI does not bind, reached through a TorchScript module of one
 * method that this class writes (TorchScript source, no Python) and loads from memory. Why: {@code
 * aten::group_norm} is one fused kernel forward and one backward, where the same map built from the
 * ops DJL binds (layer_norm over groups, then a per-channel affine) costs 4 kernels and 4 reshapes
 * per layer and step: on a GPU, where a ResNet18 step is bound by the host's per-op cost, that is
 * the difference between gn at 1.5x and at about 1x PyTorch eager's ops per step
 * (docs/performance.md, {@code make bench-ops}). RunningBatchNorm's training step uses it the same
 * way, for {@code lerp}, {@code addcmul}, {@code rsqrt} and {@code var_mean}.
 *
 * <p>The archive holds what {@code torch.jit.save} writes for a module without parameters (format
 * version 3, as torch 1.13 writes it; loaded by libtorch 1.13 and 2.7 in the tests): {@code
 * data.pkl} (the module object, a pickle of its class and {@code training}), {@code
 * code/__torch__.py} (the method's source), {@code constants.pkl} (empty) and {@code version}.
 * Constants of the op (groups, eps) are written into the source, so one module serves one
 * configuration and needs no scalar arguments.
 *
 * <p>Plug-in norms may use it the same way (docs/norms.md, "Adding your own norm"): load once per
 * parameter-store manager ({@link #loadedIn}), call per step.
 *
 * <p>Autograd records the op as it records an eager op (under the thread's grad mode), so the
 * backward is libtorch's own. The module holds no tensors, so the device it was loaded for does not
 * matter.
 */
public final class ScriptedOp {
    /** Names DJL's {@code IValueUtils} reads as list, tuple, dict or method markers. */
    private static final Pattern MARKED_NAME = Pattern.compile(".*[.\\[\\]()].*|module_method:.*");

    private static final String ARCHIVE = "normbench";

    private final NDManager loadedIn;
    private final PtSymbolBlock module;
    private final boolean graphOptimizer;

    private ScriptedOp(NDManager loadedIn, PtSymbolBlock module, boolean graphOptimizer) {
        this.loadedIn = loadedIn;
        this.module = module;
        this.graphOptimizer = graphOptimizer;
    }

    /**
     * Loads a module of class {@code className} whose {@code forward} takes the tensors {@code
     * params} (a TorchScript parameter list without {@code self}, e.g. {@code "x: Tensor, w:
     * Tensor"}), returns {@code returnType} (a Tensor or a Tuple of them) and runs {@code body}
     * (TorchScript lines, each indented by 4 spaces and ending in a newline). It lives as long as
     * {@code manager}. It runs without the graph executor's optimisations: op by op, as written.
     */
    public static ScriptedOp load(
            NDManager manager, String className, String params, String returnType, String body) {
        return load(manager, className, params, returnType, body, false);
    }

    /**
     * As {@link #load(NDManager, String, String, String, String)}, with libtorch's graph executor
     * optimisations on or off for this module's calls. On, libtorch's profiling executor runs the
     * first call or two as written while it records shapes, then an optimised graph: on a GPU its
     * tensor-expression fuser compiles runs of elementwise ops into one kernel each (forward and
     * backward), and TorchScript's symbolic autodiff gives the gradients. The method must then be
     * pure: no in-place writes to its inputs. With them, rbn's step got input gradients ~18 % off
     * (RunningBatchNormNotebookTest, all 16 cases, libtorch 2.7.1; apparently the optimised
     * backward read the state already written); the same method returning its new state instead
     * passes all.
     */
    public static ScriptedOp load(
            NDManager manager,
            String className,
            String params,
            String returnType,
            String body,
            boolean graphOptimizer) {
        String source =
                "class "
                        + className
                        + "(Module):\n"
                        + "  __parameters__ = []\n"
                        + "  __buffers__ = []\n"
                        + "  training : bool\n"
                        + "  def forward(self: __torch__."
                        + className
                        + ", "
                        + params
                        + ") -> "
                        + returnType
                        + ":\n"
                        + body.replaceAll("(?m)^", "  ");
        byte[] archive = archive(className, source);
        try {
            PtSymbolBlock block =
                    JniUtils.loadModule(
                            (PtNDManager) manager, new ByteArrayInputStream(archive), true, false);
            return new ScriptedOp(manager, block, graphOptimizer);
        } catch (IOException e) {
            throw new UncheckedIOException("loading a TorchScript module from memory", e);
        }
    }

    /** Whether this module can serve calls for {@code manager} (loaded there and still open). */
    public boolean loadedIn(NDManager manager) {
        return loadedIn == manager && manager.isOpen();
    }

    /**
     * Runs {@code forward} on {@code inputs} for its one tensor. The result joins the first input's
     * manager, as an op's result does.
     */
    public NDArray call(NDArray... inputs) {
        return callAll(inputs).singletonOrThrow();
    }

    /** Runs {@code forward} on {@code inputs} for all its tensors (a tuple's, in order). */
    public NDList callAll(NDArray... inputs) {
        for (NDArray a : inputs) {
            String name = a.getName();
            if (name != null && MARKED_NAME.matcher(name).matches()) {
                // DJL would pass such an array as part of a list/tuple/dict, not as itself.
                throw new IllegalStateException(
                        "an input to a TorchScript op is named '"
                                + name
                                + "', which DJL reads as a container marker; pass an unnamed view");
            }
        }
        // isTrain = true: the method runs under the thread's own grad mode, so autograd records it
        // exactly when it records eager ops (inside a GradientCollector, in training or eval).
        // false would run it under DJL's JITCallGuard, without gradients even where asked for.
        // The graph executor's optimisations as this module asks (see load): a thread-local flag,
        // so set per call, since cells run on several threads and modules differ.
        JniUtils.setGraphExecutorOptimize(graphOptimizer);
        return IValueUtils.forward(module, new NDList(inputs), true);
    }

    /** The zip {@code torch.jit.load} reads, entries stored uncompressed. */
    static byte[] archive(String className, String source) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            put(zip, "data.pkl", modulePickle(className));
            put(zip, "code/__torch__.py", source.getBytes(StandardCharsets.UTF_8));
            // An empty tuple: the module has no tensor constants.
            put(zip, "constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'});
            put(zip, "version", "3\n".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Pickle protocol 2 of {@code __torch__.<className>()} with state {@code {"training": True}}:
     * PROTO 2, GLOBAL, EMPTY_TUPLE, NEWOBJ, EMPTY_DICT, MARK, BINUNICODE key, NEWTRUE, SETITEMS,
     * BUILD, STOP (the opcodes torch.jit.save emits for it, without memo entries).
     */
    private static byte[] modulePickle(String className) {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(0x80);
        p.write(2);
        p.writeBytes(("c__torch__\n" + className + "\n").getBytes(StandardCharsets.US_ASCII));
        p.writeBytes(new byte[] {')', (byte) 0x81, '}', '('});
        byte[] key = "training".getBytes(StandardCharsets.US_ASCII);
        p.write('X');
        p.writeBytes(new byte[] {(byte) key.length, 0, 0, 0});
        p.writeBytes(key);
        p.writeBytes(new byte[] {(byte) 0x88, 'u', 'b', '.'});
        return p.toByteArray();
    }

    private static void put(ZipOutputStream zip, String name, byte[] content) throws IOException {
        ZipEntry e = new ZipEntry(ARCHIVE + "/" + name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(content.length);
        e.setCompressedSize(content.length);
        CRC32 crc = new CRC32();
        crc.update(content);
        e.setCrc(crc.getValue());
        zip.putNextEntry(e);
        zip.write(content);
        zip.closeEntry();
    }
}
