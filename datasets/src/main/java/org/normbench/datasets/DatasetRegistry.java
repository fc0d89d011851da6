package org.normbench.datasets;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.normbench.datasets.DatasetSpec.Format;
import org.normbench.datasets.RemoteFile.Digest;

/**
 * The known datasets by name, with their published files, URLs and checksums. Every digest here is
 * a published value (sources named per digest and in docs/datasets.md) or, for the Debian packaging
 * of Fashion-MNIST, computed from the package whose .deb SHA-256 is pinned. Not a cache: see {@link
 * DatasetCache}.
 */
public final class DatasetRegistry {

    /**
     * The default dataset: Fashion-MNIST, obtained from Debian's package by {@code make datasets}.
     */
    public static final String DEFAULT = "fashion-mnist";

    /** The committed 1,000/200-image subset of Fashion-MNIST that tests use with no fetch. */
    public static final String EMBEDDED_SUBSET = "fashion-mnist-subset";

    public static final String FASHION_MNIST_ATTRIBUTION =
            "Fashion-MNIST, (c) 2017 Zalando SE, MIT license; "
                    + "https://github.com/zalandoresearch/fashion-mnist (Xiao, Rasul, Vollgraf, arXiv:1708.07747)";

    /**
     * The IDX file names shared by MNIST and Fashion-MNIST, in the order train images, train
     * labels, test images, test labels.
     */
    public static final List<String> IDX_FILES =
            List.of(
                    "train-images-idx3-ubyte.gz",
                    "train-labels-idx1-ubyte.gz",
                    "t10k-images-idx3-ubyte.gz",
                    "t10k-labels-idx1-ubyte.gz");

    private static final String TFDS = "TensorFlow Datasets url_checksums";
    private static final String DEBIAN =
            "Debian dataset-fashion-mnist 0.0~git20200523.55506a9-1 (.deb SHA-256 pinned)";

    private static final Map<String, DatasetSpec> SPECS = build();

    private DatasetRegistry() {}

    /** All known datasets, in display order. */
    public static List<DatasetSpec> all() {
        return List.copyOf(SPECS.values());
    }

    /** The spec named {@code name}; the error lists the known names. */
    public static DatasetSpec get(String name) {
        DatasetSpec spec = SPECS.get(name);
        if (spec == null) {
            throw new IllegalArgumentException(
                    "unknown dataset '" + name + "', known: " + String.join(", ", SPECS.keySet()));
        }
        return spec;
    }

    private static Map<String, DatasetSpec> build() {
        Map<String, DatasetSpec> m = new LinkedHashMap<>();
        List<String> fashionClasses =
                List.of(
                        "T-shirt/top",
                        "Trouser",
                        "Pullover",
                        "Dress",
                        "Coat",
                        "Sandal",
                        "Shirt",
                        "Sneaker",
                        "Bag",
                        "Ankle boot");
        String fashionUrl = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/";
        m.put(
                DEFAULT,
                new DatasetSpec(
                        DEFAULT,
                        "Fashion-MNIST (embedded default; Debian package dataset-fashion-mnist)",
                        Format.IDX,
                        List.of(
                                fashion(
                                        fashionUrl,
                                        IDX_FILES.get(0),
                                        26421880,
                                        "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
                                        "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7"),
                                fashion(
                                        fashionUrl,
                                        IDX_FILES.get(1),
                                        29515,
                                        "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
                                        "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056"),
                                fashion(
                                        fashionUrl,
                                        IDX_FILES.get(2),
                                        4422102,
                                        "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
                                        "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa"),
                                fashion(
                                        fashionUrl,
                                        IDX_FILES.get(3),
                                        5148,
                                        "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
                                        "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05")),
                        null,
                        List.of(),
                        fashionClasses,
                        1,
                        28,
                        28,
                        60_000,
                        10_000,
                        FASHION_MNIST_ATTRIBUTION));

        m.put(
                EMBEDDED_SUBSET,
                new DatasetSpec(
                        EMBEDDED_SUBSET,
                        "Fashion-MNIST stratified subset committed in the jar (tests, offline smoke runs)",
                        Format.IDX_RESOURCE,
                        List.of(),
                        null,
                        List.of(),
                        fashionClasses,
                        1,
                        28,
                        28,
                        1_000,
                        200,
                        FASHION_MNIST_ATTRIBUTION
                                + "; subset made by org.normbench.datasets.SubsetGenerator"));

        List<String> mnistMirrors =
                List.of(
                        "https://storage.googleapis.com/cvdf-datasets/mnist/",
                        "https://ossci-datasets.s3.amazonaws.com/mnist/");
        m.put(
                "mnist",
                new DatasetSpec(
                        "mnist",
                        "MNIST handwritten digits",
                        Format.IDX,
                        List.of(
                                mnist(
                                        mnistMirrors,
                                        IDX_FILES.get(0),
                                        9912422,
                                        "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"),
                                mnist(
                                        mnistMirrors,
                                        IDX_FILES.get(1),
                                        28881,
                                        "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"),
                                mnist(
                                        mnistMirrors,
                                        IDX_FILES.get(2),
                                        1648877,
                                        "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"),
                                mnist(
                                        mnistMirrors,
                                        IDX_FILES.get(3),
                                        4542,
                                        "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6")),
                        null,
                        List.of(),
                        List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
                        1,
                        28,
                        28,
                        60_000,
                        10_000,
                        "MNIST, Yann LeCun, Corinna Cortes, Christopher J.C. Burges; http://yann.lecun.com/exdb/mnist/ (terms as stated there)"));

        m.put(
                "cifar10",
                new DatasetSpec(
                        "cifar10",
                        "CIFAR-10, binary version (the full profile's dataset)",
                        Format.CIFAR10_BINARY,
                        List.of(
                                new RemoteFile(
                                        "cifar-10-binary.tar.gz",
                                        List.of(
                                                "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz"),
                                        170052171,
                                        List.of(
                                                Digest.sha256(
                                                        "c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd",
                                                        TFDS)))),
                        "cifar-10-batches-bin",
                        List.of(),
                        List.of(
                                "airplane",
                                "automobile",
                                "bird",
                                "cat",
                                "deer",
                                "dog",
                                "frog",
                                "horse",
                                "ship",
                                "truck"),
                        3,
                        32,
                        32,
                        50_000,
                        10_000,
                        "CIFAR-10, Alex Krizhevsky, Learning Multiple Layers of Features from Tiny Images (2009); "
                                + "https://www.cs.toronto.edu/~kriz/cifar.html (terms as stated there)"));

        m.put(
                "imagenette-160",
                new DatasetSpec(
                        "imagenette-160",
                        "Imagenette v2, 160 px (10 ImageNet classes), short side resized and centre-cropped to 128",
                        Format.IMAGE_FOLDER,
                        List.of(
                                new RemoteFile(
                                        "imagenette2-160.tgz",
                                        List.of(
                                                "https://s3.amazonaws.com/fast-ai-imageclas/imagenette2-160.tgz"),
                                        99003388,
                                        List.of(
                                                Digest.sha256(
                                                        "64d0c4859f35a461889e0147755a999a48b49bf38a7e0f9bd27003f10db02fe5",
                                                        TFDS)))),
                        "imagenette2-160",
                        List.of(
                                "n01440764",
                                "n02102040",
                                "n02979186",
                                "n03000684",
                                "n03028079",
                                "n03394916",
                                "n03417042",
                                "n03425413",
                                "n03445777",
                                "n03888257"),
                        List.of(
                                "tench",
                                "English springer",
                                "cassette player",
                                "chain saw",
                                "church",
                                "French horn",
                                "garbage truck",
                                "gas pump",
                                "golf ball",
                                "parachute"),
                        3,
                        128,
                        128,
                        9_469,
                        3_925,
                        "Imagenette, Jeremy Howard / fast.ai, https://github.com/fastai/imagenette; images from ImageNet (ImageNet terms of use)"));
        return m;
    }

    private static RemoteFile fashion(
            String base, String file, long size, String upstreamSha256, String debianSha256) {
        return new RemoteFile(
                file,
                List.of(base + file),
                size,
                List.of(Digest.sha256(upstreamSha256, TFDS), Digest.sha256(debianSha256, DEBIAN)));
    }

    private static RemoteFile mnist(List<String> mirrors, String file, long size, String sha256) {
        return new RemoteFile(
                file,
                mirrors.stream().map(u -> u + file).toList(),
                size,
                List.of(Digest.sha256(sha256, TFDS)));
    }
}
