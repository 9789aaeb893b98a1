package org.bptt.api;

/**
 * Who an implementation is.
 *
 * @param id          unique among all plugins; lower case letters, digits, '.', '_' and '-', e.g. {@code reference-aggregated}
 * @param name        a human name, e.g. "Reference Elman RNN, aggregated BPTT O(T)"
 * @param version     the implementation's version (for a library adapter: the library's version)
 * @param vendor      who wrote it
 * @param description one sentence on what it is
 */
public record PluginInfo(String id, String name, String version, String vendor, String description) {

    public PluginInfo {
        InvalidInputException.require(id != null && id.matches("[a-z0-9][a-z0-9._-]*"),
                "plugin id '%s' must be lower case letters, digits, '.', '_' or '-'", id);
        InvalidInputException.require(name != null && !name.isBlank(), "plugin %s needs a name", id);
        version = version == null ? "unknown" : version;
        vendor = vendor == null ? "unknown" : vendor;
        description = description == null ? "" : description;
    }
}
