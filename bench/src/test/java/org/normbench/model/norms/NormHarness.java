package org.normbench.model.norms;

import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.normbench.engine.TorchRuntime;

/**
 * One norm block on the real engine, for the conformance tests: forward in either mode, snapshots
 * of its state (parameters and running statistics, via DJL's own save/load) so that a stateful norm
 * can be evaluated many times from the same state, and values in double precision.
 */
final class NormHarness implements AutoCloseable {
    final Engine engine = TorchRuntime.engine();
    final NDManager manager = engine.newBaseManager();
    final Block block;
    final DataType dtype;

    /** Re-made on restore: a ParameterStore caches each parameter's array on first use. */
    ParameterStore ps;

    NormHarness(Norm norm, int channels, NormOptions options, DataType dtype, Shape inputShape) {
        this(norm.create(channels, options), dtype, inputShape);
    }

    NormHarness(Block block, DataType dtype, Shape inputShape) {
        this.block = block;
        this.dtype = dtype;
        block.initialize(manager, dtype, inputShape);
        this.ps = new ParameterStore(manager, false);
    }

    NDArray array(double[] values, Shape shape) {
        return manager.create(values, shape).toType(dtype, false);
    }

    NDArray random(Shape shape, long seed) {
        Random r = new Random(seed);
        double[] v = new double[(int) shape.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextGaussian() * (1 + i % 3) + (i % 5) - 2;
        }
        return array(v, shape);
    }

    /** Writes {@code v} into {@code arr} in place, in arr's data type (gradient flag kept). */
    static void setValues(NDArray arr, double[] v) {
        boolean grad = arr.hasGradient();
        arr.setRequiresGradient(false);
        if (arr.getDataType() == DataType.FLOAT64) {
            arr.set(v);
        } else {
            float[] f = new float[v.length];
            for (int i = 0; i < v.length; i++) {
                f[i] = (float) v[i];
            }
            arr.set(f);
        }
        if (grad) {
            arr.setRequiresGradient(true);
        }
    }

    NDArray forward(NDArray x, boolean training) {
        return block.forward(ps, new NDList(x), training).singletonOrThrow();
    }

    double[] forwardValues(NDArray x, boolean training) {
        return values(forward(x, training));
    }

    static double[] values(NDArray a) {
        return a.toType(DataType.FLOAT64, false).toDoubleArray();
    }

    /** Trainable parameters in a fixed order. */
    List<Parameter> trainable() {
        List<Parameter> out = new ArrayList<>();
        for (Parameter p : block.getParameters().values()) {
            if (p.requiresGradient()) {
                out.add(p);
            }
        }
        return out;
    }

    byte[] snapshot() {
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                DataOutputStream out = new DataOutputStream(bytes)) {
            block.saveParameters(out);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Restores a snapshot; trainable parameters get their gradient flag back (DJL's load drops it).
     */
    void restore(byte[] snapshot) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot))) {
            block.loadParameters(manager, in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (MalformedModelException e) {
            throw new IllegalStateException(e);
        }
        for (Parameter p : trainable()) {
            p.getArray().setRequiresGradient(true);
        }
        ps = new ParameterStore(manager, false);
    }

    /**
     * Gradients of sum(y * weights) for x (first) and each trainable parameter, from one forward.
     */
    List<double[]> gradients(NDArray x, NDArray weights, boolean training) {
        x.setRequiresGradient(true);
        try (GradientCollector gc = engine.newGradientCollector()) {
            NDArray y = forward(x, training);
            gc.backward(y.mul(weights).sum());
        }
        List<double[]> out = new ArrayList<>();
        out.add(values(x.getGradient()));
        for (Parameter p : trainable()) {
            out.add(values(p.getArray().getGradient()));
        }
        return out;
    }

    @Override
    public void close() {
        manager.close();
    }

    /** A shape from a golden fixture's JSON array of dimensions. */
    static Shape shape(JsonNode n) {
        long[] dims = new long[n.size()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = n.get(i).asLong();
        }
        return new Shape(dims);
    }

    /** The numbers of a golden fixture's JSON array. */
    static double[] doubles(JsonNode n) {
        double[] v = new double[n.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = n.get(i).asDouble();
        }
        return v;
    }
}
