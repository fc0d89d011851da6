package org.normbench.datasets;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What the registry knows about one dataset: its on-disk format, the published files with URLs and
 * checksums, where an archive unpacks to, image shape, class names, expected split sizes and
 * attribution. Plain data; {@link DatasetLoader} reads it, {@link DatasetCache} checks it.
 */
public record DatasetSpec(
        String name,
        String description,
        Format format,
        List<RemoteFile> files,
        String extractedRoot,
        List<String> classFolders,
        List<String> classNames,
        int channels,
        int height,
        int width,
        int trainCount,
        int testCount,
        String attribution) {

    /** How the files are laid out and read. */
    public enum Format {
        /** Four IDX files (train/t10k images/labels, gzipped) directly in the cache folder. */
        IDX,
        /** The same four IDX files, committed as a classpath resource: nothing to fetch. */
        IDX_RESOURCE,
        /**
         * A tar.gz holding {@code data_batch_1..5.bin}, {@code test_batch.bin}, {@code
         * batches.meta.txt}.
         */
        CIFAR10_BINARY,
        /** A tar.gz holding {@code train/<class>/*} and {@code val/<class>/*} images. */
        IMAGE_FOLDER
    }

    public DatasetSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(format, "format");
        files = List.copyOf(files);
        classFolders = List.copyOf(classFolders);
        classNames = List.copyOf(classNames);
    }

    /**
     * True when the files are an archive that is unpacked into the cache after its checksum passes.
     */
    public boolean isArchive() {
        return format == Format.CIFAR10_BINARY || format == Format.IMAGE_FOLDER;
    }

    /** This dataset's folder under the cache root. */
    public Path dir(Path cacheRoot) {
        return cacheRoot.resolve(name);
    }

    /** The image shape as C x H x W. */
    public String shape() {
        return channels + "x" + height + "x" + width;
    }
}
