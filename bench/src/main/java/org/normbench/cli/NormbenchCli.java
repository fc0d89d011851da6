package org.normbench.cli;

import org.normbench.engine.Versions;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code normbench} executable jar: one command, one subcommand per job. */
@Command(
        name = "normbench",
        mixinStandardHelpOptions = true,
        versionProvider = NormbenchCli.VersionProvider.class,
        description =
                "Reproducible normalization x activation benchmarks for ResNet18 (DJL + PyTorch).",
        subcommands = {
            DoctorCommand.class,
            DatasetsCommand.class,
            SummaryCommand.class,
            BenchCommand.class,
            MergeCommand.class,
            CompareCommand.class,
            GpuSetupCommand.class,
            CommandLine.HelpCommand.class,
        })
public final class NormbenchCli implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line; tests execute it in-process. */
    public static CommandLine commandLine() {
        return new CommandLine(new NormbenchCli());
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {
                "normbench " + Versions.normbench() + " (commit " + Versions.gitCommit() + ")",
                "DJL " + Versions.djl() + ", libtorch " + Versions.libtorchPinned(),
                "Java " + Versions.java(),
            };
        }
    }
}
