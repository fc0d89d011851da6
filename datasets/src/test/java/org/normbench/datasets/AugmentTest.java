package org.normbench.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AugmentTest {

    /** 1 x 3 x 3 image 1..9 row-major. */
    static final byte[] IMG = {1, 2, 3, 4, 5, 6, 7, 8, 9};

    @Test
    void centredCropIsTheIdentity() {
        assertArrayEquals(IMG, Augment.crop(IMG, 1, 3, 3, 2, 2, 2));
    }

    @Test
    void cropShiftsContentAndFillsWithZeros() {
        // corner (0,0) of the 2-padded image: content moves down-right by 2
        assertArrayEquals(
                new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 1}, Augment.crop(IMG, 1, 3, 3, 2, 0, 0));
        // corner (3,2): content moves up by 1
        assertArrayEquals(
                new byte[] {4, 5, 6, 7, 8, 9, 0, 0, 0}, Augment.crop(IMG, 1, 3, 3, 2, 3, 2));
    }

    @Test
    void flipMirrorsEveryRowOfEveryChannel() {
        byte[] two = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        assertArrayEquals(
                new byte[] {2, 1, 4, 3, 6, 5, 8, 7, 10, 9, 12, 11},
                Augment.horizontalFlip(two, 2, 3, 2));
    }

    @Test
    void drawsAreSeededAndCoverTheWholeOffsetRangeAndBothFlips() {
        SplittableRandom a = new SplittableRandom(42);
        SplittableRandom b = new SplittableRandom(42);
        int[] seenY = new int[9];
        int flips = 0;
        for (int i = 0; i < 2000; i++) {
            Augment.Params p = Augment.draw(a, 4);
            assertEquals(p, Augment.draw(b, 4));
            seenY[p.offsetY()]++;
            flips += p.flip() ? 1 : 0;
        }
        for (int c : seenY) {
            assertTrue(c > 100, "every offset 0..8 drawn often: " + Arrays.toString(seenY));
        }
        assertTrue(flips > 850 && flips < 1150, "flip p=0.5, got " + flips + "/2000");
    }
}
