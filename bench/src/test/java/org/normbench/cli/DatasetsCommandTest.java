package org.normbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.normbench.datasets.DatasetRegistry;
import org.normbench.datasets.RemoteFile;
import picocli.CommandLine;

/**
 * {@code normbench datasets}: a cached dataset that does not verify fails the command, by name; one
 * not fetched does not.
 */
class DatasetsCommandTest {

    private record Outcome(int code, String out, String err) {}

    private static Outcome datasets(Path data) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = NormbenchCli.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute("datasets", "--data", data.toString());
        return new Outcome(code, out.toString(), err.toString());
    }

    @Test
    void anEmptyCacheIsFine(@TempDir Path data) {
        Outcome o = datasets(data);

        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().contains("not fetched; get it with"), o.out());
    }

    @Test
    void aCorruptCachedDatasetExitsOneAndIsNamed(@TempDir Path data) throws Exception {
        Path mnist = data.resolve("mnist");
        Files.createDirectories(mnist);
        for (RemoteFile f : DatasetRegistry.get("mnist").files()) {
            Files.writeString(mnist.resolve(f.fileName()), "not an IDX file");
        }

        Outcome o = datasets(data);

        assertEquals(1, o.code(), o.err());
        assertTrue(o.out().contains("NOT VERIFIED"), o.out());
        assertTrue(
                o.err()
                        .startsWith(
                                "datasets: 1 cached dataset(s) NOT VERIFIED, a run would refuse them: mnist ("),
                o.err());
        assertTrue(o.err().contains("fix: `bench/bin/normbench datasets --fetch mnist`"), o.err());
    }
}
