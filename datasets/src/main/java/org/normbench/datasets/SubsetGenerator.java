package org.normbench.datasets;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

/**
 * Makes the committed {@code fashion-mnist-subset} from the full, verified Fashion-MNIST in the
 * cache: {@value #TRAIN} train and {@value #TEST} test images chosen by {@link Stratified#sample}
 * (seeds {@value #TRAIN_SEED} and {@value #TEST_SEED}), kept in their original order, written as
 * gzipped IDX (gzip header without name or time, so the bytes are reproducible) with an index list.
 * Run: {@code java -cp datasets/target/classes org.normbench.datasets.SubsetGenerator OUT_DIR}. A
 * tool, not used at training time.
 */
public final class SubsetGenerator {

    public static final int TRAIN = 1_000;
    public static final int TEST = 200;
    public static final long TRAIN_SEED = 0;
    public static final long TEST_SEED = 1;

    private SubsetGenerator() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println(
                    "usage: SubsetGenerator OUT_DIR   (reads fashion-mnist from $NORMBENCH_DATA; run `make datasets` first)");
            System.exit(2);
        }
        generate(DatasetCache.defaultRoot(), Path.of(args[0]));
        System.out.println("wrote subset to " + args[0]);
    }

    /** Writes the four IDX.gz files and {@code indices.txt} into {@code out}. */
    public static void generate(Path cacheRoot, Path out) throws IOException {
        DatasetSpec spec = DatasetRegistry.get(DatasetRegistry.DEFAULT);
        DatasetCache.requireVerified(spec, cacheRoot);
        DatasetLoader.TrainTest full = DatasetLoader.read(spec, cacheRoot);
        int classes = spec.classNames().size();
        int[] trainIdx = Stratified.sample(full.train().labels(), classes, TRAIN, TRAIN_SEED);
        int[] testIdx = Stratified.sample(full.test().labels(), classes, TEST, TEST_SEED);
        Files.createDirectories(out);
        write(full.train().subset(trainIdx), out, "train");
        write(full.test().subset(testIdx), out, "t10k");
        Files.writeString(
                out.resolve("indices.txt"),
                "# indices into the full Fashion-MNIST sets (0-based), written by SubsetGenerator\n"
                        + "train "
                        + Arrays.toString(trainIdx).replaceAll("[\\[\\],]", "")
                        + "\n"
                        + "t10k "
                        + Arrays.toString(testIdx).replaceAll("[\\[\\],]", "")
                        + "\n",
                StandardCharsets.US_ASCII);
    }

    private static void write(ImageDataset ds, Path out, String prefix) throws IOException {
        try (DataOutputStream d =
                new DataOutputStream(gzip(out.resolve(prefix + "-images-idx3-ubyte.gz")))) {
            d.writeInt(0x0803);
            d.writeInt(ds.size());
            d.writeInt(ds.height());
            d.writeInt(ds.width());
            for (int i = 0; i < ds.size(); i++) {
                d.write(ds.image(i));
            }
        }
        try (DataOutputStream d =
                new DataOutputStream(gzip(out.resolve(prefix + "-labels-idx1-ubyte.gz")))) {
            d.writeInt(0x0801);
            d.writeInt(ds.size());
            for (int i = 0; i < ds.size(); i++) {
                d.writeByte(ds.label(i));
            }
        }
    }

    private static OutputStream gzip(Path file) throws IOException {
        return new GZIPOutputStream(Files.newOutputStream(file), 1 << 16);
    }
}
