package org.bptt.experiments.reproduce;

/**
 * One setting of a preset, with where it comes from.
 *
 * @param name   what is set, e.g. {@code hidden units}
 * @param value  its value as the preset uses it
 * @param source where the value comes from: a paper's section, table or figure, a file and line of the authors'
 *               code, or "ours" with the reason when the paper does not state it
 */
public record Setting(String name, String value, String source) {
}
