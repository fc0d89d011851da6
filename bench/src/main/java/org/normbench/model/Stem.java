package org.normbench.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The ResNet18 input stem. Not a block: {@link ResNet18} builds it. */
public enum Stem {
    /** 3x3 conv, stride 1, no max-pool: for 32x32 (CIFAR) and 28x28 (Fashion-MNIST) inputs. */
    CIFAR,
    /** 7x7 conv, stride 2, padding 3, then 3x3 max-pool, stride 2: torchvision's ImageNet stem. */
    IMAGENET;

    public static Stem parse(String text) {
        for (Stem s : values()) {
            if (s.name().equalsIgnoreCase(text == null ? "" : text.trim())) {
                return s;
            }
        }
        throw new IllegalArgumentException(
                "unknown stem '"
                        + text
                        + "'; allowed: "
                        + Arrays.stream(values())
                                .map(Stem::toString)
                                .collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
