package org.normbench.gpu;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;

import java.io.PrintWriter;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TagFilter;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs the {@code gpu}-tagged tests without Maven, on the libtorch {@code gpu-setup} selected: what
 * {@code make test-gpu} runs, for a GPU node that has the bundle's Java runtime but no Maven and no
 * network ({@code make gpu-kit}, docs/gpu.md). Prints one line per test (passed, failed with its
 * message, skipped with its reason) and the summary; exit code 0 when no test failed.
 */
public final class GpuTestMain {
    private GpuTestMain() {}

    public static void main(String[] args) {
        LauncherDiscoveryRequest request =
                LauncherDiscoveryRequestBuilder.request()
                        .selectors(selectPackage(GpuTestMain.class.getPackageName()))
                        .filters(TagFilter.includeTags("gpu"))
                        .build();
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        TestExecutionListener lines =
                new TestExecutionListener() {
                    @Override
                    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
                        if (test.isTest()) {
                            System.out.println(
                                    result.getStatus()
                                            + " "
                                            + test.getLegacyReportingName()
                                            + result.getThrowable()
                                                    .map(t -> ": " + t.getMessage())
                                                    .orElse(""));
                        }
                    }

                    @Override
                    public void executionSkipped(TestIdentifier test, String reason) {
                        System.out.println(
                                "SKIPPED " + test.getLegacyReportingName() + ": " + reason);
                    }
                };
        Launcher launcher = LauncherFactory.create();
        launcher.execute(request, summary, lines);
        TestExecutionSummary s = summary.getSummary();
        PrintWriter out = new PrintWriter(System.out, true);
        s.printTo(out);
        s.printFailuresTo(out, 40);
        System.exit(s.getTotalFailureCount() == 0 && s.getTestsFoundCount() > 0 ? 0 : 1);
    }
}
