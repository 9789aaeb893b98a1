/**
 * The reference RNN language model (plugin {@code reference-lm}): the model of
 * {@link org.bptt.api.LanguageModelImplementation} on EJML in double precision, a forward loop
 * ({@link org.bptt.reference.language.RnnLanguageModel}) and one BPTT backward loop
 * ({@link org.bptt.reference.language.LanguageModelBptt}) whose lines are the chain rule's terms. See
 * reference-impl/LANGUAGE_MODEL.md.
 */
package org.bptt.reference.language;
