package org.normbench.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class StratifiedTest {

    /** 3 classes with 500, 300, 200 images, interleaved. */
    static int[] labels() {
        int[] l = new int[1000];
        for (int i = 0; i < l.length; i++) {
            l[i] = i % 10 < 5 ? 0 : i % 10 < 8 ? 1 : 2;
        }
        return l;
    }

    static int[] countsOf(int[] labels, int[] idx) {
        int[] c = new int[3];
        for (int i : idx) {
            c[labels[i]]++;
        }
        return c;
    }

    @Test
    void sampleKeepsClassProportionsAndExactSize() {
        int[] l = labels();
        int[] s = Stratified.sample(l, 3, 100, 7);
        assertEquals(100, s.length);
        assertArrayEquals(new int[] {50, 30, 20}, countsOf(l, s));
        assertEquals(100, IntStream.of(s).distinct().count());
    }

    @Test
    void sameSeedSameSampleOtherSeedOtherSample() {
        int[] l = labels();
        assertArrayEquals(Stratified.sample(l, 3, 100, 7), Stratified.sample(l, 3, 100, 7));
        assertFalse(
                Arrays.equals(Stratified.sample(l, 3, 100, 7), Stratified.sample(l, 3, 100, 8)));
    }

    @Test
    void splitIsDisjointCoversEverythingAndIsStratified() {
        int[] l = labels();
        Stratified.Split sp = Stratified.split(l, 3, 0.1, 3);
        assertEquals(900, sp.kept().length);
        assertEquals(100, sp.heldOut().length);
        assertArrayEquals(new int[] {50, 30, 20}, countsOf(l, sp.heldOut()));
        int[] all =
                IntStream.concat(IntStream.of(sp.kept()), IntStream.of(sp.heldOut()))
                        .sorted()
                        .toArray();
        assertArrayEquals(IntStream.range(0, 1000).toArray(), all);
    }

    @Test
    void roundingIsExactWhenClassSharesAreFractional() {
        int[] l = labels();
        Stratified.Split sp = Stratified.split(l, 3, 0.0333, 1);
        assertEquals(Math.round(0.0333 * 1000), sp.heldOut().length);
    }

    @Test
    void fractionOutsideZeroToOneIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> Stratified.split(labels(), 3, 1.0, 0));
        assertThrows(IllegalArgumentException.class, () -> Stratified.split(labels(), 3, -0.1, 0));
    }
}
