package org.normbench.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ShardTest {

    @ParameterizedTest
    @CsvSource({"1/1,1,1", "3/8,3,8", "' 2 / 4 ',2,4", "8/8,8,8"})
    void parsesOneBasedKOverN(String text, int index, int count) {
        assertEquals(new Shard(index, count), Shard.parse(text));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "0/4|bad shard '0/4'; k must be in 1..4 (shards are 1-based), e.g. 1/4",
                "5/4|bad shard '5/4'; k must be in 1..4 (shards are 1-based), e.g. 1/4",
                "1/0|bad shard '1/0'; N must be >= 1, e.g. 2/8",
                "2|bad shard '2'; expected k/N with 1 <= k <= N, e.g. 2/8",
                "a/b|bad shard 'a/b'; expected k/N with 1 <= k <= N, e.g. 2/8",
                "-1/4|bad shard '-1/4'; expected k/N with 1 <= k <= N, e.g. 2/8"
            })
    void rejectsBadShardsSayingWhatIsExpected(String text, String message) {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Shard.parse(text));
        assertEquals(message, e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 13, 200, 250})
    void shardsPartitionTheFullGridExactly(int count) throws Exception {
        List<String> all =
                ShippedGridsTest.parse("full.yaml").cells().stream()
                        .map(CellSpec::cellId)
                        .collect(Collectors.toList());
        List<String> union = new ArrayList<>();
        for (int k = 1; k <= count; k++) {
            union.addAll(new Shard(k, count).select(all));
        }

        assertEquals(all.size(), union.size(), "no cell missing or run twice");
        assertEquals(new HashSet<>(all), new HashSet<>(union));
    }

    @Test
    void selectsEveryNthCellStartingAtK() {
        List<Integer> cells = IntStream.range(0, 10).boxed().collect(Collectors.toList());

        assertEquals(List.of(1, 4, 7), new Shard(2, 3).select(cells));
        assertEquals(List.of(2, 5, 8), new Shard(3, 3).select(cells));
        assertEquals(cells, Shard.ALL.select(cells));
        assertEquals(
                List.of(),
                new Shard(12, 12).select(cells),
                "more shards than cells leaves some empty");
    }

    @Test
    void selectionIsDeterministic() throws Exception {
        List<CellSpec> cells = ShippedGridsTest.parse("full.yaml").cells();
        Set<String> first =
                new Shard(3, 7)
                        .select(cells).stream().map(CellSpec::cellId).collect(Collectors.toSet());
        List<CellSpec> again = ShippedGridsTest.parse("full.yaml").cells();

        assertEquals(
                first,
                new Shard(3, 7)
                        .select(again).stream().map(CellSpec::cellId).collect(Collectors.toSet()));
    }
}
