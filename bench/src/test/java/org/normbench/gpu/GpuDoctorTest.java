package org.normbench.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.normbench.cli.NormbenchCli;
import org.normbench.model.norms.RunningBatchNormBlock;
import picocli.CommandLine;

/** doctor on a CUDA machine: every visible GPU computes, and the CUDA facts are reported. */
@Tag("gpu")
class GpuDoctorTest {

    @Test
    void doctorPassesOnEveryVisibleGpuAndNamesTheCudaStack() {
        Gpu.device("GpuDoctorTest");
        CommandLine cl = NormbenchCli.commandLine();
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(out));
        assertEquals(0, cl.execute("doctor"), out.toString());
        assertTrue(
                out.toString().contains("device gpu:0")
                        && out.toString().contains("conv fwd+bwd OK"),
                out.toString());
        assertTrue(out.toString().contains("cuda          runtime "), out.toString());
        assertTrue(out.toString().contains("cudnn         "), out.toString());
        if (!RunningBatchNormBlock.fuseSetting().equals("off")) {
            // rbn's optimised (fused) step against op by op on the GPU, as a run checks it.
            assertTrue(
                    out.toString().contains("rbn optimised step OK, passed: 9 steps"),
                    out.toString());
        }
    }
}
