package org.normbench.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.normbench.hooks.Probe;
import org.normbench.model.activations.ElementwiseBlock;
import org.normbench.model.norms.PerChannelNormBlock;

/**
 * A torchinfo-like per-layer table of an initialised model: name, type, output shape and trainable
 * parameters per block down to a depth, then totals. Reads the shapes DJL recorded at
 * initialisation, so it runs no forward pass. Not a profiler (no timings, no memory).
 */
public final class ModelSummary {

    /** One table row; {@code depth} 0 is a direct child of the model. */
    public record Row(
            String name, int depth, String type, Shape outputShape, long trainableParams) {}

    private ModelSummary() {}

    /** Rows for blocks down to {@code maxDepth} (0 = the model's direct children only). */
    public static List<Row> rows(Block model, int maxDepth) {
        List<Row> rows = new ArrayList<>();
        walk(model, 0, maxDepth, rows);
        return rows;
    }

    private static void walk(Block parent, int depth, int maxDepth, List<Row> rows) {
        for (Map.Entry<String, Block> child : children(parent)) {
            Block b = child.getValue();
            String name = child.getKey();
            Block shown = b;
            if (b instanceof Probe) {
                name = ((Probe) b).name();
                shown = ((Probe) b).inner();
            }
            Shape out =
                    b.getInputShapes() == null ? null : b.getOutputShapes(b.getInputShapes())[0];
            rows.add(new Row(name, depth, typeOf(shown), out, trainable(b)));
            if (depth < maxDepth) {
                walk(shown, depth + 1, maxDepth, rows);
            }
        }
    }

    private static List<Map.Entry<String, Block>> children(Block b) {
        List<Map.Entry<String, Block>> out = new ArrayList<>();
        if (b instanceof NamedSequence) {
            NamedSequence s = (NamedSequence) b;
            for (int i = 0; i < s.names().size(); i++) {
                out.add(Map.entry(s.names().get(i), s.blocks().get(i)));
            }
            return out;
        }
        for (var e : b.getChildren()) {
            // DJL prefixes child names with a two-digit position ("01conv1").
            out.add(Map.entry(e.getKey().replaceFirst("^\\d\\d", ""), e.getValue()));
        }
        return out;
    }

    private static String typeOf(Block b) {
        if (b instanceof NamedSequence) {
            return "Sequential";
        }
        String s = b.getClass().getSimpleName();
        if (b instanceof PerChannelNormBlock
                || b instanceof ElementwiseBlock
                || b instanceof BasicBlock) {
            s = b.toString();
        }
        return s.isEmpty() ? b.getClass().getName() : s;
    }

    private static long trainable(Block b) {
        long n = 0;
        for (Parameter p : b.getParameters().values()) {
            if (p.requiresGradient() && p.getShape() != null) {
                n += p.getShape().size();
            }
        }
        return n;
    }

    private static long nonTrainable(Block b) {
        long n = 0;
        for (Parameter p : b.getParameters().values()) {
            if (!p.requiresGradient() && p.getShape() != null) {
                n += p.getShape().size();
            }
        }
        return n;
    }

    /**
     * The printable table for {@code model} built from {@code c} and initialised with {@code
     * inputShape}.
     */
    public static String table(ResNetConfig c, Block model, Shape inputShape, int maxDepth) {
        List<Row> rows = rows(model, maxDepth);
        int nameWidth = 24;
        int typeWidth = 12;
        for (Row r : rows) {
            nameWidth = Math.max(nameWidth, 2 * r.depth() + r.name().length());
            typeWidth = Math.max(typeWidth, r.type().length());
        }
        int shapeWidth = 20;
        String fmt = "%-" + nameWidth + "s  %-" + typeWidth + "s  %-" + shapeWidth + "s  %,14d%n";
        String headFmt =
                "%-" + nameWidth + "s  %-" + typeWidth + "s  %-" + shapeWidth + "s  %14s%n";
        int total = nameWidth + typeWidth + shapeWidth + 20;
        String rule = "=".repeat(total);
        StringBuilder sb = new StringBuilder();
        sb.append(
                String.format(
                        Locale.ROOT,
                        "ResNet18  norm=%s%s  act=%s%s  width=%s  stem=%s  classes=%d  input=%s%n",
                        c.norm(),
                        bracket(c.normOptions().toCompactString()),
                        c.activation(),
                        bracket(c.actOptions().toCompactString()),
                        c.width(),
                        c.stem(),
                        c.numClasses(),
                        shapeText(inputShape)));
        sb.append(rule).append('\n');
        sb.append(String.format(Locale.ROOT, headFmt, "Layer", "Type", "Output shape", "Param #"));
        sb.append(rule).append('\n');
        for (Row r : rows) {
            sb.append(
                    String.format(
                            Locale.ROOT,
                            fmt,
                            "  ".repeat(r.depth()) + r.name(),
                            r.type(),
                            r.outputShape() == null ? "?" : shapeText(r.outputShape()),
                            r.trainableParams()));
        }
        sb.append(rule).append('\n');
        sb.append(
                String.format(
                        Locale.ROOT,
                        "Total trainable params: %,d%n",
                        ResNet18.trainableParameters(model)));
        sb.append(
                String.format(
                        Locale.ROOT,
                        "Non-trainable state:    %,d (running statistics)%n",
                        nonTrainable(model)));
        sb.append(
                String.format(
                        Locale.ROOT,
                        "Parameter memory:       %.2f MB (float32)%n",
                        (ResNet18.trainableParameters(model) + nonTrainable(model)) * 4 / 1e6));
        return sb.toString();
    }

    private static String bracket(String opts) {
        return opts.isEmpty() ? "" : "[" + opts + "]";
    }

    private static String shapeText(Shape s) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < s.dimension(); i++) {
            sb.append(i > 0 ? ", " : "").append(s.get(i));
        }
        return sb.append(']').toString();
    }
}
