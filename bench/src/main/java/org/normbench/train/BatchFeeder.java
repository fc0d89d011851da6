package org.normbench.train;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Prepares one epoch's batches on a background thread, a bounded number ahead of the training
 * thread, so the device is not starved while the host decodes and augments. The order is a seeded
 * permutation and augmentation uses one seeded generator consumed in batch order by the single
 * producer thread, so a seed gives the same batches on every run. Only full batches are produced
 * (an incomplete last batch is dropped, as BatchNorm cannot train on a batch of one). Closing stops
 * the producer, also mid-epoch (on cancel or error). Not reusable across epochs.
 */
final class BatchFeeder implements Iterator<BatchFeeder.HostBatch>, AutoCloseable {

    /** One batch in host memory: {@code size} images (NCHW floats) and labels. */
    record HostBatch(float[] images, int[] labels, int size) {}

    private static final HostBatch END = new HostBatch(new float[0], new int[0], 0);

    private final BlockingQueue<Object> queue;
    private final Thread producer;
    private volatile boolean stopped;
    private Object next;

    BatchFeeder(
            BatchSource source,
            int batchSize,
            int[] order,
            SplittableRandom augmentOrNull,
            int ahead) {
        this.queue = new ArrayBlockingQueue<>(ahead + 1);
        int batches = order.length / batchSize;
        this.producer =
                new Thread(
                        () -> produce(source, batchSize, order, batches, augmentOrNull),
                        "normbench-batches");
        producer.setDaemon(true);
        producer.start();
    }

    /** A seeded permutation of {@code 0..n-1} for {@code epoch} (Fisher-Yates). */
    static int[] epochOrder(int n, long seed, int epoch) {
        SplittableRandom rng = new SplittableRandom(mix(seed, epoch, 0x5851F42D4C957F2DL));
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** The augmentation generator of {@code epoch}, independent of the order generator. */
    static SplittableRandom epochAugmentation(long seed, int epoch) {
        return new SplittableRandom(mix(seed, epoch, 0x14057B7EF767814FL));
    }

    private static long mix(long seed, int epoch, long salt) {
        long z = seed * 0x9E3779B97F4A7C15L + epoch * 0xBF58476D1CE4E5B9L + salt;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private void produce(
            BatchSource source, int batchSize, int[] order, int batches, SplittableRandom rng) {
        try {
            int image = source.imageSize();
            for (int b = 0; b < batches && !stopped; b++) {
                int[] idx = new int[batchSize];
                System.arraycopy(order, b * batchSize, idx, 0, batchSize);
                float[] x = new float[batchSize * image];
                int[] y = new int[batchSize];
                source.assemble(idx, x, y, rng);
                queue.put(new HostBatch(x, y, batchSize));
            }
            queue.put(END);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            try {
                queue.put(e);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean hasNext() {
        if (next == null) {
            try {
                next = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the next batch", e);
            }
        }
        if (next instanceof Throwable t) {
            next = END;
            throw new IllegalStateException("batch preparation failed: " + t.getMessage(), t);
        }
        return next != END;
    }

    @Override
    public HostBatch next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        HostBatch b = (HostBatch) next;
        next = null;
        return b;
    }

    @Override
    public void close() {
        stopped = true;
        producer.interrupt();
        queue.clear();
        try {
            producer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
