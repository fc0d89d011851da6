package org.normbench.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.normbench.harness.RegistryVocabulary;

/**
 * The sizes and probe names typed into {@link TestVocabulary} are the installation's, so the
 * fixtures test real limits.
 */
class TestVocabularyTest {

    @Test
    void knowsTheRegistrysDatasetSizesAndProbeNames() {
        GridVocabulary installed = RegistryVocabulary.current();
        for (var size : TestVocabulary.VOCABULARY.datasetSizes().entrySet()) {
            assertEquals(
                    installed.datasetSizes().get(size.getKey()), size.getValue(), size.getKey());
        }
        assertEquals(installed.probeNames(), TestVocabulary.VOCABULARY.probeNames());
    }
}
