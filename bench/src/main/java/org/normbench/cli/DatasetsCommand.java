package org.normbench.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import org.normbench.datasets.DatasetCache;
import org.normbench.datasets.DatasetLoader;
import org.normbench.datasets.DatasetRegistry;
import org.normbench.datasets.DatasetSpec;
import org.normbench.datasets.Downloader;
import org.normbench.datasets.ImageFolderReader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code normbench datasets}: the known datasets, where each is cached, whether it verifies, its
 * size, image shape and class counts; {@code --fetch NAME} downloads, verifies and unpacks one
 * first. Not a loader for training (that is {@link DatasetLoader#load}).
 */
@Command(
        name = "datasets",
        mixinStandardHelpOptions = true,
        description = {
            "List known datasets: cache path, verified yes/no, size, image shape, train/test sizes and class counts.",
            "--fetch NAME downloads (resuming), verifies the checksum and unpacks one dataset into the cache first.",
            "Exit code 0 when every dataset in the cache verifies (not fetched is fine), 1 when a fetch fails or a cached",
            "dataset is NOT VERIFIED (corrupt or incomplete files: fetch it again)."
        })
public final class DatasetsCommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--fetch",
            paramLabel = "NAME",
            description = "Fetch this dataset into the cache before listing.")
    String fetch;

    @Option(
            names = "--data",
            paramLabel = "DIR",
            description = "Cache folder (default: $NORMBENCH_DATA, else ~/.cache/normbench).")
    Path data;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path root = data != null ? data : DatasetCache.defaultRoot();
        int rc = 0;
        if (fetch != null) {
            try {
                DatasetSpec s = DatasetRegistry.get(fetch);
                Downloader dl =
                        new Downloader(
                                HttpClient.newBuilder()
                                        .followRedirects(HttpClient.Redirect.NORMAL)
                                        .connectTimeout(Duration.ofSeconds(30))
                                        .build(),
                                5,
                                m -> log(err, m));
                DatasetCache.Status st = DatasetCache.fetch(s, root, dl, m -> log(err, m));
                if (!st.verified()) {
                    err.println(
                            "datasets: " + fetch + " fetched but does not verify: " + st.detail());
                    rc = 1;
                }
            } catch (IOException | RuntimeException e) {
                err.println("datasets: fetching " + fetch + " failed: " + e.getMessage());
                rc = 1;
            }
            err.flush();
        }
        out.printf(
                "cache %s%s%n%n",
                root,
                data != null
                        ? " (--data)"
                        : System.getenv("NORMBENCH_DATA") != null ? " ($NORMBENCH_DATA)" : "");
        out.printf(
                "%-21s %-9s %9s %-9s %8s %8s %7s  %s%n",
                "NAME", "VERIFIED", "SIZE", "SHAPE", "TRAIN", "TEST", "CLASSES", "PATH / NOTE");
        List<String> unverified = new ArrayList<>();
        for (DatasetSpec s : DatasetRegistry.all()) {
            String problem = row(out, s, root);
            if (problem != null) {
                unverified.add(
                        s.name() + " (" + problem + "; fix: " + DatasetCache.fetchCommand(s) + ")");
            }
        }
        out.flush();
        if (!unverified.isEmpty()) {
            err.println(
                    "datasets: "
                            + unverified.size()
                            + " cached dataset(s) NOT VERIFIED, a run would refuse them: "
                            + String.join("; ", unverified));
            err.flush();
            rc = 1;
        }
        return rc;
    }

    private static void log(PrintWriter err, String message) {
        err.println("datasets: " + message);
        err.flush();
    }

    /**
     * Prints one dataset; returns why it is in the cache but unusable, or null when it verifies or
     * is not fetched.
     */
    private static String row(PrintWriter out, DatasetSpec s, Path root) {
        DatasetCache.Status st;
        try {
            st = DatasetCache.status(s, root);
        } catch (IOException | RuntimeException e) {
            st = new DatasetCache.Status(false, false, 0, "cannot check: " + e.getMessage());
        }
        boolean embedded = s.format() == DatasetSpec.Format.IDX_RESOURCE;
        String where = embedded ? "classpath (committed subset)" : s.dir(root).toString();
        int[][] counts = null;
        String note = null;
        if (st.verified()) {
            try {
                counts = classCounts(s, root);
            } catch (IOException | RuntimeException e) {
                note = "verified but unreadable: " + e.getMessage();
            }
        } else {
            note =
                    (st.present() ? "NOT VERIFIED: " + st.detail() + "; " : "not fetched; ")
                            + "get it with "
                            + DatasetCache.fetchCommand(s);
        }
        String train =
                counts != null
                        ? String.format(Locale.ROOT, "%,d", IntStream.of(counts[0]).sum())
                        : "-";
        String test =
                counts != null
                        ? String.format(Locale.ROOT, "%,d", IntStream.of(counts[1]).sum())
                        : "-";
        out.printf(
                "%-21s %-9s %9s %-9s %8s %8s %7d  %s%n",
                s.name(),
                st.verified() ? "yes" : "no",
                st.present() ? mb(st.bytes()) : "-",
                s.shape(),
                train,
                test,
                s.classNames().size(),
                where);
        if (counts != null) {
            List<String> parts = new ArrayList<>();
            for (int c = 0; c < s.classNames().size(); c++) {
                parts.add(s.classNames().get(c) + " " + counts[0][c] + "/" + counts[1][c]);
            }
            out.printf("  class counts train/test: %s%n", String.join(", ", parts));
        }
        if (note != null) {
            out.printf("  %s%n", note);
        }
        if (st.verified()) {
            return counts == null ? note : null;
        }
        return st.present() ? st.detail() : null;
    }

    private static int[][] classCounts(DatasetSpec s, Path root) throws IOException {
        if (s.format() == DatasetSpec.Format.IMAGE_FOLDER) {
            Path base = s.dir(root).resolve(s.extractedRoot());
            return new int[][] {
                ImageFolderReader.countImages(base.resolve("train"), s.classFolders()),
                ImageFolderReader.countImages(base.resolve("val"), s.classFolders())
            };
        }
        DatasetLoader.TrainTest tt = DatasetLoader.read(s, root);
        return new int[][] {tt.train().classCounts(), tt.test().classCounts()};
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
}
