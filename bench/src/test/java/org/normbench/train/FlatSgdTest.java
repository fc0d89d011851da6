package org.normbench.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlatSgdTest {
    /**
     * After the learner takes the model, every trainable parameter array is a view of the flat
     * buffer, in order: an in-place change of the buffer is seen through the parameter (the
     * optimizer's one update reaches the model) and each parameter keeps its values and shape.
     */
    @Test
    void parametersBecomeViewsOfOneBufferWithTheirValues() {
        TrainConfig cfg = TestModels.oneStep(3);
        Block model = TestModels.resnet18(0.125, false);
        try (Learner l = new Learner(model, cfg, TestModels.synthetic(16, 1), null, List.of())) {
            List<Parameter> trainable = new ArrayList<>();
            for (Pair<String, Parameter> p : model.getParameters()) {
                if (p.getValue().requiresGradient()) {
                    trainable.add(p.getValue());
                }
            }
            FlatSgd sgd = l.flatSgd();
            NDArray flat = sgd.flat();
            long offset = 0;
            for (Parameter p : trainable) {
                long n = p.getShape().size();
                assertEquals(p.getShape(), p.getArray().getShape());
                assertArrayEquals(
                        flat.get(new NDIndex("{}:{}", offset, offset + n)).toFloatArray(),
                        p.getArray().toFloatArray());
                offset += n;
            }
            assertEquals(flat.size(), offset, "the buffer holds exactly the trainable parameters");
            Parameter last = trainable.get(trainable.size() - 1);
            float before = last.getArray().toFloatArray()[0];
            flat.get(new NDIndex("{}", offset - last.getShape().size())).addi(1f);
            assertEquals(
                    before + 1f,
                    last.getArray().toFloatArray()[0],
                    0f,
                    "a write to the buffer is a write to the parameter");
        }
    }

    /**
     * The momentum buffer is the learner's: the update uses it (one step moves it off zero) and it
     * is closed with the learner. DJL's Sgd kept it outside every manager, one parameter-sized
     * buffer left behind per learner, which a 180-cell grid showed as RSS growing by about that
     * much per cell.
     */
    @Test
    void theMomentumBufferIsUsedAndClosedWithTheLearner() {
        TrainConfig cfg = TestModels.oneStep(3);
        assertTrue(cfg.optimizer().momentum() > 0, "the default has momentum");
        Block model = TestModels.resnet18(0.125, false);
        NDArray velocity;
        try (Learner l = new Learner(model, cfg, TestModels.synthetic(16, 1), null, List.of())) {
            velocity = l.flatSgd().velocity();
            assertEquals(l.flatSgd().flat().getShape(), velocity.getShape());
            assertEquals(0f, velocity.abs().sum().getFloat(), "zeros before the first step");
            l.fit();
            assertTrue(velocity.abs().sum().getFloat() > 0, "the step's update moved it");
            assertFalse(velocity.isReleased());
        }
        assertTrue(velocity.isReleased(), "closed with the learner");
    }
}
