package org.normbench.analysis.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.normbench.analysis.figures.Figure;
import org.normbench.analysis.figures.FigureBuilder;
import org.normbench.analysis.findings.Findings;
import org.normbench.analysis.findings.RunAdequacy;
import org.normbench.analysis.load.Run;
import org.normbench.analysis.load.RunLoader;
import tech.tablesaw.api.Table;

/**
 * Regenerates the report of one run: loads it, builds every figure (in parallel; each figure is
 * independent and deterministic), evaluates the findings, writes figures/*.svg and *.png,
 * findings.csv, summary.csv and index.html into the output directory. Files are written to a
 * temporary name and renamed, so a reader never sees a half-written report file. Not a CLI (see
 * ReportCli).
 */
public final class ReportGenerator {
    public static final String FIGURES_DIR = "figures";
    public static final String FINDINGS_CSV = "findings.csv";

    /** What was written, for the CLI's one-line summary and for tests. */
    public record Result(Path index, List<Figure> figures) {}

    private ReportGenerator() {}

    public static Result generate(Path runDir, Path outDir, String generatedAt) throws IOException {
        Run run = RunLoader.load(runDir);
        List<Figure> figures = buildFigures(run);
        Path figuresDir = outDir.resolve(FIGURES_DIR);
        Files.createDirectories(figuresDir);
        for (Figure f : figures) {
            if (f.isRendered()) {
                write(
                        figuresDir.resolve(f.fileStem() + ".svg"),
                        f.svg().getBytes(StandardCharsets.UTF_8));
                write(figuresDir.resolve(f.fileStem() + ".png"), f.png());
            }
        }
        Findings.Result findings = Findings.evaluate(run);
        RunAdequacy adequacy = RunAdequacy.of(run);
        Findings.writeCsv(outDir.resolve(FINDINGS_CSV), findings, adequacy.supportsClaims());
        Table summary = SummaryTable.of(run.cells());
        Path summaryCsv = outDir.resolve("summary.csv");
        Path tmp = outDir.resolve(".summary.csv.tmp");
        summary.write().csv(tmp.toFile());
        Files.move(
                tmp,
                summaryCsv,
                StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
        Path index = outDir.resolve("index.html");
        write(
                index,
                ReportPage.render(
                                run, figures, summary, findings, adequacy, generatedAt, FIGURES_DIR)
                        .getBytes(StandardCharsets.UTF_8));
        return new Result(index, figures);
    }

    static List<Figure> buildFigures(Run run) throws IOException {
        List<FigureBuilder> builders = FigureBuilder.all();
        ExecutorService pool =
                Executors.newFixedThreadPool(
                        Math.min(
                                builders.size(),
                                Math.max(1, Runtime.getRuntime().availableProcessors())),
                        r -> {
                            Thread t = new Thread(r, "figure");
                            t.setDaemon(true);
                            return t;
                        });
        try {
            List<Future<Figure>> futures = new ArrayList<>();
            for (FigureBuilder b : builders) {
                futures.add(pool.submit(() -> b.build(run)));
            }
            List<Figure> figures = new ArrayList<>();
            for (Future<Figure> f : futures) {
                figures.add(f.get());
            }
            return figures;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while building figures", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(cause);
        } finally {
            pool.shutdownNow();
        }
    }

    private static void write(Path file, byte[] bytes) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.write(tmp, bytes);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
