package org.normbench.harness;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.normbench.train.Callback;
import org.normbench.train.CancelFitException;
import org.normbench.train.Learner;

/**
 * A graceful stop of a grid on SIGTERM or Ctrl-C. Why: the JVM runs its shutdown hooks and then
 * exits while the training thread may still be inside a libtorch kernel; process exit then tears
 * down oneDNN under it and the JVM crashes (seen as a SIGSEGV in {@code dnnl_primitive_execute}).
 * The shutdown hook therefore only raises a flag and waits, for at most a grace period, until the
 * grid loop has left the engine at a step boundary and written what is final (the cell in progress
 * is dropped, to be redone on resume). Not a scheduler and not needed for safety: {@code kill -9}
 * never corrupts results either (see {@code RunDirectory}); this makes an ordinary stop clean.
 */
public final class StopRequest {
    /** Thrown out of a cell when a stop was requested; the cell is not recorded. */
    public static final class StoppedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StoppedException() {
            super("stopped by a signal before the cell finished", null, false, false);
        }
    }

    private volatile boolean requested;
    private volatile Thread hook;
    private final CountDownLatch released = new CountDownLatch(1);
    private final Callback callback =
            new Callback() {
                @Override
                public void afterBatch(Learner learner) {
                    stopFitIfRequested();
                }

                @Override
                public void beforeValidate(Learner learner) {
                    stopFitIfRequested();
                }

                @Override
                public int order() {
                    // After the other callbacks of the step (recorder, stats), so the step is
                    // complete.
                    return 1000;
                }
            };

    /** A stop that is never requested (tests, in-process callers). */
    public static StopRequest never() {
        return new StopRequest();
    }

    /**
     * Installs a JVM shutdown hook that requests the stop, tells the user how to resume ({@code
     * resumeCommand}, the exact command), and waits up to {@code grace} for {@link #release()}.
     */
    public static StopRequest onShutdown(PrintStream err, Duration grace, String resumeCommand) {
        StopRequest stop = new StopRequest();
        Thread hook =
                new Thread(
                        () -> {
                            if (stop.released.getCount() == 0) {
                                return;
                            }
                            stop.requested = true;
                            err.println();
                            err.println(
                                    "normbench: stop requested; finishing the current training step (up to "
                                            + grace.toSeconds()
                                            + " s), keeping finished cells, dropping the cell in progress. To resume: "
                                            + resumeCommand);
                            err.flush();
                            try {
                                if (!stop.released.await(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                                    err.println(
                                            "normbench: the current step did not end within "
                                                    + grace.toSeconds()
                                                    + " s; exiting anyway (finished cells are safe).");
                                }
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        },
                        "normbench-graceful-stop");
        stop.hook = hook;
        Runtime.getRuntime().addShutdownHook(hook);
        return stop;
    }

    public boolean requested() {
        return requested;
    }

    /** Requests the stop from inside the process (the same path a signal takes, for tests). */
    public void request() {
        requested = true;
    }

    /**
     * @throws StoppedException when a stop was requested
     */
    public void throwIfRequested() {
        if (requested) {
            throw new StoppedException();
        }
    }

    /** Ends a fit at the next step boundary once a stop was requested. */
    public Callback callback() {
        return callback;
    }

    /**
     * Called when the grid loop is done with the engine and its files: lets a stopping process
     * exit, and unregisters the hook when no stop is under way (so in-process callers do not
     * collect hooks).
     */
    public void release() {
        released.countDown();
        Thread h = hook;
        if (h != null && !requested) {
            try {
                Runtime.getRuntime().removeShutdownHook(h);
            } catch (IllegalStateException shuttingDown) {
                // The JVM is already exiting for another reason; the hook returns at once.
            }
        }
    }

    private void stopFitIfRequested() {
        if (requested) {
            throw new CancelFitException("stop requested");
        }
    }
}
