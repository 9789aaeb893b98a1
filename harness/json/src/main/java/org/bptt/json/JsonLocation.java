package org.bptt.json;

/**
 * A place in a JSON document, for messages: {@code file.json: parameters.W}.
 *
 * @param where the document, e.g. its file name
 * @param path  the dotted path of fields inside it; empty for the whole document
 */
public record JsonLocation(String where, String path) {

    /** The whole document {@code where} ({@code <json>} when blank). */
    public JsonLocation(String where) {
        this(where == null || where.isBlank() ? "<json>" : where, "");
    }

    /** The field {@code field} of this place. */
    public JsonLocation child(String field) {
        return new JsonLocation(where, path.isEmpty() ? field : path + "." + field);
    }

    @Override
    public String toString() {
        return path.isEmpty() ? where : where + ": " + path;
    }
}
