package org.normbench.train;

import java.util.SplittableRandom;
import org.normbench.datasets.BatchAssembler;
import org.normbench.datasets.DatasetSplits;
import org.normbench.datasets.ImageDataset;

/**
 * A {@link BatchSource} over an {@link ImageDataset} of the datasets module: batches come from its
 * {@link BatchAssembler} (CIFAR-stem fit, random crop with padding 4 + flip when augmenting,
 * normalisation with the train split's mean/std). The assembler is immutable, so the background
 * batch thread may use it.
 */
public record DatasetSource(ImageDataset dataset, BatchAssembler assembler) implements BatchSource {

    /** Sources for the train, validation and test splits sharing one assembler. */
    public static DatasetSource[] of(DatasetSplits splits, boolean fitCifarStem) {
        BatchAssembler a = BatchAssembler.forSplits(splits, fitCifarStem);
        return new DatasetSource[] {
            new DatasetSource(splits.train(), a),
            splits.validation() == null || splits.validation().size() == 0
                    ? null
                    : new DatasetSource(splits.validation(), a),
            new DatasetSource(splits.test(), a)
        };
    }

    @Override
    public int size() {
        return dataset.size();
    }

    @Override
    public int channels() {
        return assembler.outChannels();
    }

    @Override
    public int height() {
        return assembler.outHeight();
    }

    @Override
    public int width() {
        return assembler.outWidth();
    }

    @Override
    public void assemble(int[] indices, float[] out, int[] labelsOut, SplittableRandom rngOrNull) {
        assembler.assemble(dataset, indices, out, labelsOut, rngOrNull);
    }
}
