/**
 * The JSON form of the api's cases and results ({@link org.bptt.json.CaseCodec}), shared by the conformance
 * vectors and the {@code cmd:} protocol; its documentation is {@code vectors/FORMAT.md}. Depends on
 * {@code harness-api} and Jackson only, so that a plugin that speaks JSON needs nothing of the core.
 */
package org.bptt.json;
