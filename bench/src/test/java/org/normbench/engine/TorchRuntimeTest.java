package org.normbench.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loads the real libtorch from the Maven artifact and checks autograd against finite differences.
 */
class TorchRuntimeTest {

    @Test
    void loadsPinnedLibtorchOfflineAsPyTorch() {
        Engine e = TorchRuntime.engine();
        assertEquals("PyTorch", e.getEngineName());
        assertEquals(Versions.libtorchPinned(), e.getVersion());
        assertEquals("true", System.getProperty("ai.djl.offline"));
    }

    @Test
    void convGradientMatchesFiniteDifferencesInFloat64() {
        Engine e = TorchRuntime.engine();
        try (NDManager m = e.newBaseManager(Device.cpu())) {
            NDArray x = m.randomNormal(0, 1, new Shape(2, 2, 5, 5), DataType.FLOAT64);
            NDArray w = m.randomNormal(0, 0.3f, new Shape(3, 2, 3, 3), DataType.FLOAT64);
            w.setRequiresGradient(true);
            try (GradientCollector gc = e.newGradientCollector()) {
                gc.backward(loss(x, w));
            }
            double[] grad = w.getGradient().toDoubleArray();
            double[] base = w.toDoubleArray();
            double h = 1e-6;
            double worst = 0;
            for (int i = 0; i < base.length; i += 5) {
                double[] plus = base.clone();
                double[] minus = base.clone();
                plus[i] += h;
                minus[i] -= h;
                double fp = loss(x, m.create(plus, w.getShape())).getDouble();
                double fm = loss(x, m.create(minus, w.getShape())).getDouble();
                double numeric = (fp - fm) / (2 * h);
                worst =
                        Math.max(
                                worst,
                                Math.abs(numeric - grad[i]) / Math.max(1.0, Math.abs(numeric)));
            }
            assertTrue(worst < 1e-6, "max relative error " + worst);
        }
    }

    @Test
    void smokeConvOnCpuGivesFinitePositiveGradient() {
        double ss = TorchRuntime.smokeConv(Device.cpu());
        assertTrue(Double.isFinite(ss) && ss > 0, "got " + ss);
    }

    @Test
    void missingNativesMessageSaysWhatToDo() {
        String msg = TorchRuntime.missingNativesMessage("boom");
        assertTrue(msg.contains("PYTORCH_LIBRARY_PATH"), msg);
        assertTrue(msg.contains("make build"), msg);
        assertTrue(msg.contains(TorchRuntime.ALLOW_DOWNLOAD_ENV), msg);
    }

    @Test
    void infersCudaFlavourFromTheLibtorchDirectory(@TempDir Path dir) throws Exception {
        assertEquals("cpu", TorchRuntime.inferFlavor(dir));
        Files.createFile(dir.resolve(System.mapLibraryName("torch_cuda")));
        assertEquals("cu128", TorchRuntime.inferFlavor(dir));
    }

    private static NDArray loss(NDArray x, NDArray w) {
        NDArray y =
                Conv2d.conv2d(x, w, null, new Shape(1, 1), new Shape(1, 1), new Shape(1, 1), 1)
                        .singletonOrThrow();
        return y.tanh().sum();
    }
}
