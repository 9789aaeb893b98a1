package org.bptt.core.verify;

import org.bptt.api.Batch;
import org.bptt.api.DataType;
import org.bptt.api.ExactComputation;
import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;
import org.bptt.api.ModelSpec;
import org.bptt.api.Parameters;
import org.bptt.api.PluginFailureException;
import org.bptt.api.Truncation;
import org.bptt.core.plugins.CallTime;
import org.bptt.core.plugins.ExpectedOutputs;
import org.bptt.core.plugins.IsolatedPlugin;
import org.bptt.core.plugins.PluginCallFailure;

/**
 * The oracle as a {@link org.bptt.api.WrongComputation} sees it: every call in double precision, through the
 * oracle's isolated calls (timeout, copies, result checks). A failed call becomes a
 * {@link PluginFailureException} naming the oracle and what happened.
 */
public final class OracleComputation implements ExactComputation {

    private final IsolatedPlugin oracle;

    public OracleComputation(IsolatedPlugin oracle) {
        this.oracle = oracle;
    }

    @Override
    public ForwardResult forward(ModelSpec spec, Parameters parameters, Batch batch) {
        try {
            return oracle.forward(spec.withDataType(DataType.FLOAT64), parameters, batch);
        } catch (PluginCallFailure failure) {
            throw new PluginFailureException("oracle " + failure.describe());
        }
    }

    @Override
    public GradientResult gradients(ModelSpec spec, Parameters parameters, Batch batch) {
        try {
            return oracle.gradients(spec.withDataType(DataType.FLOAT64), parameters, batch);
        } catch (PluginCallFailure failure) {
            throw new PluginFailureException("oracle " + failure.describe());
        }
    }

    @Override
    public GradientResult truncatedGradients(ModelSpec spec, Parameters parameters, Batch batch, Truncation truncation) {
        try {
            return oracle.truncatedGradients(spec.withDataType(DataType.FLOAT64), parameters, batch, truncation,
                    ExpectedOutputs.declaredBy(oracle.capabilities()),
                    new CallTime());
        } catch (PluginCallFailure failure) {
            throw new PluginFailureException("oracle " + failure.describe());
        }
    }
}
