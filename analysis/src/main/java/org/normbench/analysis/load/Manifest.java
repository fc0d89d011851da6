package org.normbench.analysis.load;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The provenance of a run (manifest.json): who, what, where and with which versions. Keeps the raw
 * JSON for the provenance table and exposes the few fields the report cites. Not a writer.
 */
public record Manifest(
        int schemaVersion, String runId, String commit, boolean dirty, JsonNode json) {

    /** The only schema this reader understands (docs/results-format.md). */
    public static final int SUPPORTED_SCHEMA = 1;

    public static Manifest read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new ResultsFormatException(
                    file + ": missing (every run directory needs a manifest.json)");
        }
        byte[] bytes = Files.readAllBytes(file);
        for (byte b : bytes) {
            if (b == 0) {
                throw new ResultsFormatException(
                        file + ": binary data (a NUL byte); a manifest is UTF-8 JSON text");
            }
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ResultsFormatException(
                    file
                            + ": not UTF-8 text (a byte sequence that does not decode); a manifest is UTF-8 JSON");
        }
        JsonNode json;
        try {
            json = new ObjectMapper().readTree(text);
        } catch (JacksonException e) {
            throw new ResultsFormatException(
                    file
                            + ": malformed JSON at line "
                            + e.getLocation().getLineNr()
                            + ", column "
                            + e.getLocation().getColumnNr()
                            + ": "
                            + e.getOriginalMessage(),
                    e);
        }
        if (json == null || !json.isObject()) {
            throw new ResultsFormatException(file + ": expected one JSON object");
        }
        JsonNode version = json.get("schema_version");
        if (version == null || !version.isInt()) {
            throw new ResultsFormatException(
                    file
                            + ": field 'schema_version' missing or not an integer (expected "
                            + SUPPORTED_SCHEMA
                            + ")");
        }
        if (version.intValue() != SUPPORTED_SCHEMA) {
            throw new ResultsFormatException(
                    file
                            + ": field 'schema_version' is "
                            + version.intValue()
                            + "; this report reads schema "
                            + SUPPORTED_SCHEMA
                            + " only (see docs/results-format.md)");
        }
        String runId = text(json.get("run_id"));
        JsonNode git = json.path("git");
        return new Manifest(
                version.intValue(),
                runId,
                text(git.get("commit")),
                git.path("dirty").asBoolean(false),
                json);
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? "" : node.asText();
    }

    /**
     * Commit for citations: the hash, with "+dirty" when the tree had local changes, or "unknown".
     */
    public String citableCommit() {
        String c = commit.isEmpty() ? "unknown" : commit;
        return dirty ? c + "+dirty" : c;
    }

    /** Flattened provenance as (dotted key, value) rows in file order, for a table. */
    public List<Map.Entry<String, String>> flattened() {
        List<Map.Entry<String, String>> rows = new ArrayList<>();
        flatten("", json, rows);
        return rows;
    }

    private static void flatten(String prefix, JsonNode node, List<Map.Entry<String, String>> out) {
        if (node.isObject()) {
            if (prefix.equals("grid")) {
                out.add(Map.entry(prefix, node.toString()));
                return;
            }
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                flatten(
                        prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey(),
                        field.getValue(),
                        out);
            }
        } else if (node.isArray() && node.size() > 0 && node.get(0).isObject()) {
            for (int i = 0; i < node.size(); i++) {
                flatten(prefix + "[" + i + "]", node.get(i), out);
            }
        } else {
            out.add(
                    Map.entry(
                            prefix,
                            node.isValueNode()
                                    ? (node.isNull() ? "null" : node.asText())
                                    : node.toString()));
        }
    }
}
