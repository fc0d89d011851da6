package org.normbench.analysis.figures;

import java.util.List;

/**
 * One figure of the report: a stable ID (F1..F7, never renumbered, so citations stay valid), the
 * question it answers, a caption, notes on what it could not show, and its SVG/PNG renderings, or
 * the reason it was skipped (its data is absent). Not responsible for writing files.
 */
public record Figure(
        String id,
        String slug,
        String title,
        String caption,
        List<String> notes,
        String svg,
        byte[] png,
        String skippedReason) {

    public static Figure rendered(
            String id,
            String slug,
            String title,
            String caption,
            List<String> notes,
            Canvas.Rendered r) {
        return new Figure(id, slug, title, caption, List.copyOf(notes), r.svg(), r.png(), null);
    }

    public static Figure skipped(String id, String slug, String title, String reason) {
        return new Figure(id, slug, title, "", List.of(), null, null, reason);
    }

    public boolean isRendered() {
        return skippedReason == null;
    }

    /** File name stem under report/figures/, e.g. {@code F1-test-error-vs-batch}. */
    public String fileStem() {
        return id + "-" + slug;
    }
}
