package org.normbench.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The results disk fills up while a grid runs: the run must stop with a clear error (what, where,
 * how to resume), leave every finished cell byte for byte as it was, and resume once space is free.
 * The disk is a real size-limited tmpfs, so this needs the right to mount (root, as in the
 * project's containers); elsewhere it is skipped and says why.
 */
@Tag("faults")
class FullDiskTest {
    @TempDir Path tmp;

    @Test
    void aFullDiskStopsTheRunClearlyAndDamagesNoFinishedCell() throws Exception {
        Path disk = tmp.resolve("disk");
        Files.createDirectories(disk);
        assumeTrue(
                run("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", disk.toString()) == 0,
                "needs permission to mount a size-limited tmpfs");
        try {
            Path grid = tmp.resolve("grid.yaml");
            Files.writeString(grid, FaultRuns.TINY_GRID);
            Path runs = disk.resolve("runs");
            Path run = runs.resolve("d");
            Path log = tmp.resolve("child.log");
            Process p = FaultRuns.child(grid, runs, "d", log);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (FaultRuns.finishedCells(run) < 1
                    && p.isAlive()
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(
                    p.isAlive(),
                    "the grid finished before the disk could fill:\n" + Files.readString(log));
            fill(disk.resolve("filler"));
            Map<String, byte[]> finished = snapshot(run.resolve("cells"));

            assertTrue(p.waitFor(3, TimeUnit.MINUTES), "a run on a full disk stops");
            String out = Files.readString(log);
            assertEquals(3, p.exitValue(), out);
            assertTrue(out.contains("No space left on device"), out);
            assertTrue(out.contains("finished cells are intact"), out);
            assertTrue(out.contains("--run d"), "says how to resume: " + out);
            for (Map.Entry<String, byte[]> e : finished.entrySet()) {
                assertArrayEquals(
                        e.getValue(),
                        Files.readAllBytes(run.resolve("cells").resolve(e.getKey())),
                        e.getKey() + " unchanged");
            }

            Files.delete(disk.resolve("filler"));
            Process resume = FaultRuns.child(grid, runs, "d", log);
            assertTrue(resume.waitFor(3, TimeUnit.MINUTES));
            assertEquals(0, resume.exitValue(), Files.readString(log));
            FaultRuns.assertWhole(run);
            assertEquals(4, FaultRuns.outcome(run).size());
            FaultRuns.figure(
                    "full-disk",
                    "full results disk",
                    finished.size() / 2
                            + " finished cell(s) unchanged when a 16 MB tmpfs filled mid-run; exit 3 with the resume command; resumed to 4 of 4 ok");
        } finally {
            run("umount", "-l", disk.toString());
        }
    }

    /** Writes zeros to {@code file} until the file system refuses. */
    private static void fill(Path file) {
        byte[] block = new byte[64 * 1024];
        try (OutputStream os = Files.newOutputStream(file)) {
            while (true) {
                os.write(block);
            }
        } catch (IOException full) {
            // the disk is full: what we wanted
        }
    }

    /** cell.json and cells.csv of every finished cell, by relative path. */
    private static Map<String, byte[]> snapshot(Path cells) throws IOException {
        Map<String, byte[]> out = new HashMap<>();
        try (Stream<Path> s = Files.list(cells)) {
            for (Path c : (Iterable<Path>) s::iterator) {
                String n = c.getFileName().toString();
                if (!n.startsWith(".tmp-")) {
                    for (String f : new String[] {"cell.json", "cells.csv"}) {
                        out.put(n + "/" + f, Files.readAllBytes(c.resolve(f)));
                    }
                }
            }
        }
        return out;
    }

    /** Exit code of {@code command}, or -1 when it cannot be started or hangs. */
    private static int run(String... command) throws InterruptedException {
        try {
            Process p =
                    new ProcessBuilder(command)
                            .redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                            .start();
            return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (IOException noSuchCommand) {
            return -1;
        }
    }
}
