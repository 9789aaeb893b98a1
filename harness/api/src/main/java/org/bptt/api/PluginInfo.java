package org.bptt.api;

/**
 * Who an implementation is.
 *
 * @param id          unique among all plugins; lower case letters, digits, '.', '_' and '-', e.g. {@code reference-aggregated};
 *                    or, for an implementation made by a {@link RnnImplementationFactory}, its prefix followed by
 *                    any one-line text, e.g. {@code cmd:python3 my_rnn.py}
 * @param name        a human name, e.g. "Reference Elman RNN, aggregated BPTT O(T)"
 * @param version     the implementation's version (for a library adapter: the library's version)
 * @param vendor      who wrote it
 * @param description one sentence on what it is
 */
public record PluginInfo(String id, String name, String version, String vendor, String description) {

    public PluginInfo {
        InvalidInputException.require(id != null && id.matches("[a-z0-9][a-z0-9._-]*(:[^\\r\\n]+)?"),
                "plugin id '%s' must be lower case letters, digits, '.', '_' or '-' (or a factory's prefix: and one line of text)", id);
        InvalidInputException.require(name != null && !name.isBlank(), "plugin %s needs a name", id);
        version = version == null ? "unknown" : version;
        vendor = vendor == null ? "unknown" : vendor;
        description = description == null ? "" : description;
    }
}
