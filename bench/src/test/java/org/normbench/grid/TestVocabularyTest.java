package org.normbench.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.normbench.harness.RegistryVocabulary;

/**
 * The names, batch-of-one rule, aliases, sizes and probe names typed into {@link TestVocabulary}
 * are the installation's, so the fixtures test real names and limits.
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

    @Test
    void knowsRegisteredNormsAndActivationsWithTheirBatchRuleAndAliases() {
        GridVocabulary installed = RegistryVocabulary.current();
        GridVocabulary typed = TestVocabulary.VOCABULARY;
        assertTrue(installed.norms().containsAll(typed.norms()), installed.norms().toString());
        assertTrue(
                installed.activations().containsAll(typed.activations()),
                installed.activations().toString());
        Set<String> needTwo = new HashSet<>(installed.normsNeedingTwoSamples());
        needTwo.retainAll(typed.norms());
        assertEquals(needTwo, typed.normsNeedingTwoSamples());
        Map<String, String> aliases = new HashMap<>(installed.aliases());
        aliases.values()
                .removeIf(n -> !typed.norms().contains(n) && !typed.activations().contains(n));
        assertEquals(aliases, typed.aliases());
    }
}
