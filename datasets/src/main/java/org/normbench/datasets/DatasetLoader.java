package org.normbench.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns a {@link DatasetRequest} into {@link DatasetSplits}: resolves the name in the {@link
 * DatasetRegistry}, checks the cache copy verifies (or reads the committed subset from the
 * classpath), reads it, applies the seeded stratified limits, holds out the stratified validation
 * split and computes the train split's channel statistics. Never downloads: fetching is explicit
 * ({@code make datasets}, {@code normbench datasets --fetch NAME}).
 */
public final class DatasetLoader {

    private DatasetLoader() {}

    /** The train and test sets of a dataset as published. */
    public record TrainTest(ImageDataset train, ImageDataset test) {}

    /**
     * Loads and splits. Seeds: train limit uses {@code seed}, test limit {@code seed + 1},
     * validation split {@code seed + 2}, so changing one limit does not reshuffle the others.
     *
     * @throws DatasetNotAvailableException when the data is not fetched or does not verify (says
     *     what to run)
     * @throws UncheckedIOException when a verified file cannot be read or is malformed
     */
    public static DatasetSplits load(DatasetRequest r) {
        DatasetSpec spec = DatasetRegistry.get(r.name());
        DatasetCache.requireVerified(spec, r.cacheDir());
        TrainTest tt;
        try {
            tt = read(spec, r.cacheDir());
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "reading dataset " + spec.name() + ": " + e.getMessage(), e);
        }
        int classes = spec.classNames().size();
        ImageDataset train = tt.train();
        ImageDataset test = tt.test();
        if (r.trainLimit() > 0 && r.trainLimit() < train.size()) {
            train =
                    train.subset(
                            Stratified.sample(train.labels(), classes, r.trainLimit(), r.seed()));
        }
        if (r.testLimit() > 0 && r.testLimit() < test.size()) {
            test =
                    test.subset(
                            Stratified.sample(test.labels(), classes, r.testLimit(), r.seed() + 1));
        }
        Stratified.Split split =
                Stratified.split(train.labels(), classes, r.validationFraction(), r.seed() + 2);
        ImageDataset validation = train.subset(split.heldOut());
        train = train.subset(split.kept());
        if (train.size() == 0) {
            throw new IllegalArgumentException(
                    spec.name()
                            + ": no training images left (trainLimit "
                            + r.trainLimit()
                            + ", validationFraction "
                            + r.validationFraction()
                            + ")");
        }
        float[][] stats = channelMeanStd(train, r.fitCifarStem());
        return new DatasetSplits(train, validation, test, stats[0], stats[1]);
    }

    /**
     * Reads the full train and test sets of a verified dataset (no limits, no validation split).
     */
    public static TrainTest read(DatasetSpec spec, Path cacheRoot) throws IOException {
        Path dir = spec.dir(cacheRoot);
        List<String> f = DatasetRegistry.IDX_FILES;
        switch (spec.format()) {
            case IDX:
                return new TrainTest(
                        IdxReader.readImages(
                                spec.name(),
                                spec.attribution(),
                                spec.classNames(),
                                dir.resolve(f.get(0)),
                                dir.resolve(f.get(1))),
                        IdxReader.readImages(
                                spec.name(),
                                spec.attribution(),
                                spec.classNames(),
                                dir.resolve(f.get(2)),
                                dir.resolve(f.get(3))));
            case IDX_RESOURCE:
                return new TrainTest(
                        readResourcePair(spec, f.get(0), f.get(1)),
                        readResourcePair(spec, f.get(2), f.get(3)));
            case CIFAR10_BINARY:
                {
                    Path root = dir.resolve(spec.extractedRoot());
                    List<String> classes =
                            CifarBinaryReader.readClassNames(root.resolve("batches.meta.txt"));
                    if (!classes.equals(spec.classNames())) {
                        throw new DatasetFormatException(
                                root.resolve("batches.meta.txt"),
                                "class names",
                                classes,
                                spec.classNames().toString());
                    }
                    List<Path> trainFiles = new ArrayList<>();
                    for (int b = 1; b <= 5; b++) {
                        trainFiles.add(root.resolve("data_batch_" + b + ".bin"));
                    }
                    return new TrainTest(
                            CifarBinaryReader.read(
                                    spec.name(), spec.attribution(), classes, trainFiles),
                            CifarBinaryReader.read(
                                    spec.name(),
                                    spec.attribution(),
                                    classes,
                                    List.of(root.resolve("test_batch.bin"))));
                }
            case IMAGE_FOLDER:
                {
                    Path root = dir.resolve(spec.extractedRoot());
                    return new TrainTest(
                            ImageFolderReader.read(
                                    spec.name(),
                                    spec.attribution(),
                                    spec.classFolders(),
                                    spec.classNames(),
                                    root.resolve("train"),
                                    spec.height()),
                            ImageFolderReader.read(
                                    spec.name(),
                                    spec.attribution(),
                                    spec.classFolders(),
                                    spec.classNames(),
                                    root.resolve("val"),
                                    spec.height()));
                }
            default:
                throw new IllegalStateException("unhandled format " + spec.format());
        }
    }

    /**
     * Per output channel mean and standard deviation of {@code ds} in [0,1] units, as the model
     * sees it: with {@code fitCifarStem} the zero padding counts and grey is repeated to 3
     * channels. Returns {@code {mean, std}}.
     */
    public static float[][] channelMeanStd(ImageDataset ds, boolean fitCifarStem) {
        int c = ds.channels();
        int plane = ds.height() * ds.width();
        byte[] px = ds.pixelArray();
        long[] sum = new long[c];
        long[] sumSq = new long[c];
        for (int i = 0; i < ds.size(); i++) {
            for (int ch = 0; ch < c; ch++) {
                int base = (i * c + ch) * plane;
                long s = 0;
                long q = 0;
                for (int p = 0; p < plane; p++) {
                    int v = px[base + p] & 0xFF;
                    s += v;
                    q += v * v;
                }
                sum[ch] += s;
                sumSq[ch] += q;
            }
        }
        BatchAssembler shape =
                new BatchAssembler(
                        c,
                        ds.height(),
                        ds.width(),
                        fitCifarStem,
                        ones(fitCifarStem && c == 1 ? 3 : c),
                        ones(fitCifarStem && c == 1 ? 3 : c));
        int outC = shape.outChannels();
        double count = (double) ds.size() * shape.outHeight() * shape.outWidth();
        float[] mean = new float[outC];
        float[] std = new float[outC];
        for (int o = 0; o < outC; o++) {
            int ch = c == 1 ? 0 : o;
            double m = sum[ch] / 255.0 / count;
            double var = sumSq[ch] / (255.0 * 255.0) / count - m * m;
            mean[o] = (float) m;
            std[o] = (float) Math.sqrt(Math.max(var, 1e-12));
        }
        return new float[][] {mean, std};
    }

    private static float[] ones(int n) {
        float[] a = new float[n];
        Arrays.fill(a, 1f);
        return a;
    }

    private static ImageDataset readResourcePair(DatasetSpec spec, String images, String labels)
            throws IOException {
        IdxReader.IdxArray img;
        IdxReader.IdxArray lab;
        try (InputStream in = resource(spec, images)) {
            img = IdxReader.read(in, "classpath:" + resourceDir(spec) + images, 3);
        }
        try (InputStream in = resource(spec, labels)) {
            lab = IdxReader.read(in, "classpath:" + resourceDir(spec) + labels, 1);
        }
        return IdxReader.toDataset(
                spec.name(),
                spec.attribution(),
                spec.classNames(),
                img,
                resourceDir(spec) + images,
                lab,
                resourceDir(spec) + labels);
    }

    static String resourceDir(DatasetSpec spec) {
        return "org/normbench/datasets/" + spec.name() + "/";
    }

    static InputStream resource(DatasetSpec spec, String file) throws IOException {
        InputStream in =
                DatasetLoader.class.getClassLoader().getResourceAsStream(resourceDir(spec) + file);
        if (in == null) {
            throw new DatasetNotAvailableException(
                    "classpath resource "
                            + resourceDir(spec)
                            + file
                            + " is missing: the normbench-datasets jar is incomplete; rebuild with ./mvnw package");
        }
        return in;
    }
}
