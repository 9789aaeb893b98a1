package org.bptt.reference.language;

import org.bptt.api.LanguageModelForward;
import org.bptt.api.LanguageModelGradients;
import org.bptt.api.LanguageModelImplementation;
import org.bptt.api.LanguageModelParameters;
import org.bptt.api.LanguageModelSpec;
import org.bptt.api.PluginInfo;
import org.bptt.api.TokenBatch;
import org.bptt.reference.ReferencePlugin;

/**
 * The reference RNN language model {@value #ID}: the forward pass of {@link RnnLanguageModel} and the gradients of
 * {@link LanguageModelBptt}, in double precision on EJML. Every activation. It validates its arguments, so it can
 * be called directly as well as by the harness.
 */
public final class ReferenceLanguageModel implements LanguageModelImplementation {

    public static final String ID = "reference-lm";

    private final PluginInfo info = new PluginInfo(ID, "Reference RNN language model, BPTT",
            version(), ReferencePlugin.VENDOR,
            "Embedding lookup + Elman RNN + softmax over the vocabulary on EJML (double); one BPTT sweep, sparse embedding gradient.");

    @Override
    public PluginInfo info() {
        return info;
    }

    @Override
    public LanguageModelForward forward(LanguageModelSpec spec, LanguageModelParameters parameters, TokenBatch batch) {
        validate(spec, parameters, batch);
        return new RnnLanguageModel(spec, parameters).forward(batch);
    }

    @Override
    public LanguageModelGradients gradients(LanguageModelSpec spec, LanguageModelParameters parameters, TokenBatch batch) {
        validate(spec, parameters, batch);
        return LanguageModelBptt.gradients(new RnnLanguageModel(spec, parameters), batch);
    }

    private static void validate(LanguageModelSpec spec, LanguageModelParameters parameters, TokenBatch batch) {
        parameters.validate(spec);
        batch.validate(spec);
    }

    /** This module's version from the jar manifest's Implementation-Version, or "dev" when run from classes. */
    private static String version() {
        String version = ReferenceLanguageModel.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }
}
