package org.normbench.grid;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The checks a grid file passes before YAML sees it: bounded size, text not binary, UTF-8, bounded
 * line length. They turn a wrong file (an image, a results CSV, a Latin-1 export, megabytes of
 * garbage) into one located problem in well under a second, instead of a stack trace or a minute of
 * YAML parsing. Not a YAML check.
 */
final class GridText {

    /**
     * 64 KiB: the largest shipped grid is 1.3 KB, so anything near this size is not a grid; and
     * SnakeYAML's time grows faster than linearly in the input (about 0.3 s at 64 KiB and 1.4 s at
     * 256 KiB of keys on a loaded 2-core box), so a larger bound would let garbage cost seconds.
     */
    static final int MAX_FILE_BYTES = 64 * 1024;

    /** A grid line is a key and a short value or list; 4096 characters is far past any real one. */
    static final int MAX_LINE_CHARS = 4096;

    private GridText() {}

    static void requireSize(String file, long bytes) throws GridException {
        if (bytes > MAX_FILE_BYTES) {
            throw refuse(
                    file,
                    1,
                    1,
                    "file is "
                            + bytes
                            + " bytes; a grid file is at most "
                            + MAX_FILE_BYTES
                            + " bytes (64 KiB) of YAML text. Is this the grid file?");
        }
    }

    /** The text of a grid file's bytes; a leading byte-order mark is dropped. */
    static String decode(String file, byte[] content) throws GridException {
        requireSize(file, content.length);
        for (int i = 0; i < content.length; i++) {
            if (content[i] == 0) {
                int[] at = position(content, i);
                throw refuse(
                        file,
                        at[0],
                        at[1],
                        "binary file (a NUL byte at byte offset "
                                + i
                                + "); a grid file is UTF-8 YAML text. Is this the grid file?");
            }
        }
        CharsetDecoder decoder =
                StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(content);
        CharBuffer out = CharBuffer.allocate(content.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            int offset = in.position();
            String before = out.flip().toString();
            int line = (int) before.chars().filter(c -> c == '\n').count() + 1;
            int column = before.length() - before.lastIndexOf('\n');
            throw refuse(
                    file,
                    line,
                    column,
                    String.format(
                            "not UTF-8 text: byte 0x%02X at byte offset %d is not valid UTF-8;"
                                    + " save the grid file as UTF-8",
                            content[offset] & 0xff, offset));
        }
        decoder.flush(out);
        String text = out.flip().toString();
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    /** Size in characters and line length, for text that did not come from {@link #decode}. */
    static void requireShape(String file, String text) throws GridException {
        if (text.length() > MAX_FILE_BYTES / 4) {
            requireSize(file, text.getBytes(StandardCharsets.UTF_8).length);
        }
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i <= text.length(); i++) {
            if (i == text.length() || text.charAt(i) == '\n') {
                int length = i - lineStart;
                if (length > MAX_LINE_CHARS) {
                    throw refuse(
                            file,
                            line,
                            MAX_LINE_CHARS + 1,
                            "line is "
                                    + length
                                    + " characters long; a grid line is at most "
                                    + MAX_LINE_CHARS
                                    + ". Is this the grid file?");
                }
                line++;
                lineStart = i + 1;
            }
        }
    }

    /**
     * 1-based line and column of a byte offset, counting bytes (the text before it may not decode).
     */
    private static int[] position(byte[] content, int offset) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < offset; i++) {
            if (content[i] == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return new int[] {line, offset - lineStart + 1};
    }

    private static GridException refuse(String file, int line, int column, String message) {
        return new GridException(List.of(new GridProblem(file, line, column, "", message)));
    }
}
