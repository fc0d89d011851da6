package org.normbench.cli;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import java.io.PrintWriter;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.normbench.engine.TorchRuntime;
import org.normbench.model.ModelSummary;
import org.normbench.model.ResNet18;
import org.normbench.model.ResNetConfig;
import org.normbench.model.Stem;
import org.normbench.model.activations.ActivationOptions;
import org.normbench.model.activations.ActivationRegistry;
import org.normbench.model.norms.NormOptions;
import org.normbench.model.norms.NormRegistry;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code normbench summary}: the per-layer table and trainable parameter count of one ResNet18
 * variant.
 */
@Command(
        name = "summary",
        mixinStandardHelpOptions = true,
        description = {
            "Per-layer table (name, type, output shape, trainable params) of a ResNet18 variant and its total",
            "trainable parameter count, like torchinfo. Exit code 2 on invalid options."
        })
public final class SummaryCommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--norm",
            defaultValue = "bn",
            description =
                    "Norm: ${COMPLETION-CANDIDATES} or a registered one (default: ${DEFAULT-VALUE}).",
            completionCandidates = NormNames.class)
    String norm;

    @Option(
            names = "--act",
            defaultValue = "relu",
            description = "Activation: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).",
            completionCandidates = ActNames.class)
    String act;

    @Option(
            names = "--width",
            defaultValue = "1.0",
            description =
                    "Width multiplier of 64/128/256/512 channels (default: ${DEFAULT-VALUE}).")
    double width;

    @Option(
            names = "--stem",
            defaultValue = "cifar",
            description =
                    "cifar (3x3, no max-pool) or imagenet (7x7/2 + max-pool) (default: ${DEFAULT-VALUE}).")
    String stem;

    @Option(
            names = "--classes",
            defaultValue = "10",
            description = "Classifier outputs (default: ${DEFAULT-VALUE}).")
    int classes;

    @Option(
            names = "--in-channels",
            defaultValue = "3",
            description = "Input image channels (default: ${DEFAULT-VALUE}).")
    int inChannels;

    @Option(
            names = "--image-size",
            description =
                    "Input height = width (default: 32 for the cifar stem, 224 for imagenet).")
    Integer imageSize;

    @Option(
            names = "--norm-opt",
            description =
                    "Norm option key=value, repeatable, e.g. --norm-opt groups=16 (gn: groups, eps; bn/rbn: eps, momentum).")
    Map<String, String> normOpts = new LinkedHashMap<>();

    @Option(
            names = "--act-opt",
            description = "Activation option key=value, e.g. --act-opt negative_slope=0.1.")
    Map<String, String> actOpts = new LinkedHashMap<>();

    @Option(
            names = "--zero-init-last-norm",
            description = "Start each block's last norm with scale 0.")
    boolean zeroInitLastNorm;

    @Option(
            names = "--depth",
            defaultValue = "2",
            description =
                    "Nesting depth of the table: 0 = stem, blocks and head only (default: ${DEFAULT-VALUE}).")
    int depth;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ResNetConfig c;
        try {
            Stem s = Stem.parse(stem);
            int size = imageSize != null ? imageSize : (s == Stem.IMAGENET ? 224 : 32);
            NormOptions no = NormOptions.parse(NormRegistry.get(norm), normOpts);
            ActivationOptions ao = ActivationOptions.parse(ActivationRegistry.get(act), actOpts);
            c =
                    new ResNetConfig(
                            norm,
                            no,
                            act,
                            ao,
                            width,
                            s,
                            classes,
                            inChannels,
                            size,
                            zeroInitLastNorm);
            if (depth < 0) {
                throw new IllegalArgumentException("--depth=" + depth + " must be >= 0");
            }
        } catch (IllegalArgumentException e) {
            err.println("normbench summary: " + e.getMessage());
            err.flush();
            return 2;
        }
        try (NDManager manager = TorchRuntime.engine().newBaseManager()) {
            Block model;
            try {
                model = ResNet18.build(c);
            } catch (IllegalArgumentException e) {
                err.println("normbench summary: " + e.getMessage());
                err.flush();
                return 2;
            }
            Shape input = c.inputShape(1);
            model.initialize(manager, DataType.FLOAT32, input);
            out.print(ModelSummary.table(c, model, input, depth));
            out.flush();
        }
        return 0;
    }

    static final class NormNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return NormRegistry.names().iterator();
        }
    }

    static final class ActNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return ActivationRegistry.names().iterator();
        }
    }
}
