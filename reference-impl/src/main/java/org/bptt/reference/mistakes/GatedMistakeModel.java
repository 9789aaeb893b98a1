package org.bptt.reference.mistakes;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bptt.api.Batch;
import org.bptt.api.Cell;
import org.bptt.api.CellOptions;
import org.bptt.api.DocumentedLimitException;
import org.bptt.api.ExactComputation;
import org.bptt.api.GradientResult;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterNames;
import org.bptt.api.Parameters;
import org.bptt.api.ResetPlacement;
import org.bptt.api.Results;
import org.bptt.api.Tensor;
import org.bptt.api.Truncation;
import org.bptt.api.WrongComputation;

/**
 * A {@link GatedMistake} as a {@link WrongComputation}, predicted by the exact computation of another parametrisation
 * or cell option:
 * <ul>
 *   <li>gates swapped: the exact network with the two gates' parameters exchanged, its gradients exchanged back;</li>
 *   <li>the GRU's update-gate convention: z_t ⊙ n_t + (1 − z_t) ⊙ h_{t−1} is the exact GRU whose z_t is
 *       σ(−a_{z,t}) = 1 − σ(a_{z,t}), i.e. with U_z, W_z, b_z, b_hz negated, and their gradients negated back;</li>
 *   <li>the reset gate on the wrong side: the exact GRU of the other reset placement.</li>
 * </ul>
 * One-layer forward networks under full BPTT; anything else is a documented limit, and it then explains nothing.
 */
public final class GatedMistakeModel implements WrongComputation {

    private static final Set<String> UPDATE_GATE = Set.of(ParameterNames.U_Z, ParameterNames.W_Z, ParameterNames.B_Z,
            ParameterNames.B_HZ);

    private final GatedMistake mistake;

    public GatedMistakeModel(GatedMistake mistake) {
        this.mistake = mistake;
    }

    @Override
    public String description() {
        return mistake.description();
    }

    @Override
    public Results predict(ModelSpec spec, Parameters parameters, Batch batch, Truncation truncation,
                           ExactComputation exact) {
        if (!mistake.appliesTo(spec.cell())) {
            throw new DocumentedLimitException(mistake.id() + " is a mistake of the "
                    + (mistake == GatedMistake.GATES_SWAPPED ? "GRU or LSTM" : "GRU") + ", not of the " + spec.cell());
        }
        if (!spec.topology().single() || truncation != null) {
            throw new DocumentedLimitException("the catalogue's gated mistakes cover one-layer forward networks under full BPTT");
        }
        return switch (mistake) {
            case GATES_SWAPPED -> {
                List<String[]> pairs = spec.cell() == Cell.GRU ? GatedMistake.GRU_SWAPPED : GatedMistake.LSTM_SWAPPED;
                Parameters swapped = swap(parameters, pairs);
                yield new Results(exact.forward(spec, swapped, batch),
                        withParameterGradients(exact.gradients(spec, swapped, batch), pairs, Set.of()));
            }
            case UPDATE_GATE_CONVENTION -> {
                Parameters negated = negate(parameters, UPDATE_GATE);
                yield new Results(exact.forward(spec, negated, batch),
                        withParameterGradients(exact.gradients(spec, negated, batch), List.of(), UPDATE_GATE));
            }
            case RESET_ON_WRONG_SIDE -> {
                ResetPlacement other = spec.cellOptions().resetPlacement() == ResetPlacement.BEFORE
                        ? ResetPlacement.AFTER : ResetPlacement.BEFORE;
                ModelSpec otherSpec = spec.withCell(Cell.GRU, CellOptions.gru(other, spec.cellOptions().twoBiases()));
                yield new Results(exact.forward(otherSpec, parameters, batch), exact.gradients(otherSpec, parameters, batch));
            }
        };
    }

    /** The parameters with each pair's tensors exchanged (the names a model lacks are left alone). */
    private static Parameters swap(Parameters parameters, List<String[]> pairs) {
        Map<String, Tensor> byName = new LinkedHashMap<>(parameters.byName());
        for (String[] pair : pairs) {
            if (byName.containsKey(pair[0]) && byName.containsKey(pair[1])) {
                Tensor first = byName.get(pair[0]);
                byName.put(pair[0], byName.get(pair[1]));
                byName.put(pair[1], first);
            }
        }
        return new Parameters(byName);
    }

    private static Parameters negate(Parameters parameters, Set<String> names) {
        Map<String, Tensor> byName = new LinkedHashMap<>(parameters.byName());
        byName.replaceAll((name, tensor) -> names.contains(name) ? negated(tensor) : tensor);
        return new Parameters(byName);
    }

    private static Tensor negated(Tensor tensor) {
        double[] values = tensor.data().clone();
        for (int i = 0; i < values.length; i++) {
            values[i] = -values[i];
        }
        return new Tensor(tensor.shape().clone(), values);
    }

    /** {@code gradients} with the parameter gradients of {@code pairs} exchanged and those of {@code negated} negated. */
    private static GradientResult withParameterGradients(GradientResult gradients, List<String[]> pairs, Set<String> negated) {
        Parameters parameterGradients = negate(swap(gradients.parameterGradients(), pairs), negated);
        return new GradientResult(gradients.loss(), parameterGradients, gradients.inputGradients(),
                gradients.initialStateGradients(), gradients.hiddenStateGradients(), gradients.initialCellStateGradients());
    }

    @Override
    public String toString() {
        return mistake.id();
    }
}
