package org.bptt.reference;

import static org.bptt.reference.TensorAssertions.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.bptt.api.Batch;
import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;
import org.bptt.api.ModelSpec;
import org.bptt.api.Parameters;
import org.bptt.api.ResetPlacement;
import org.bptt.api.Tensor;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The GRU and the LSTM against PyTorch in float64: an independent implementation of the forward pass and, through
 * autograd, of every gradient. Where PyTorch's own modules can express the model (a GRU with the reset gate after the
 * recurrent product, an LSTM without peepholes) the script runs {@code torch.nn.GRU} / {@code torch.nn.LSTM} with
 * the canonical weights packed into their layout ({@code weight_ih_l0} rows r, z, n or i, f, g, o; {@code bias_ih_l0}
 * and {@code bias_hh_l0}, the latter zero for a model with one bias vector); for the options they cannot express (the
 * reset gate before the product, peepholes) it writes the package documentation's equations in torch operations and
 * lets autograd differentiate them. Compared: h_t, the last c_t, the loss, dL/dθ for every declared parameter,
 * dL/dx, dL/dh_{-1} and dL/dc_{-1}, for a batch of two sequences of five steps with per-step softmax and the loss
 * summed, with weights whose every element is distinct ({@link DistinctWeights}).
 *
 * <p>Tolerance: 1e-11 relative plus 1e-13 of the tensor's largest element: both sides compute in double precision,
 * but PyTorch sums its products in another order (and through BLAS), so elements differ by rounding, a few units of
 * 1e-16 times the number of terms per step and per step of the sequence.
 *
 * <p>Skipped, with the reason, when no {@code python3} with torch is found ({@code python3} on the path, then Debian's
 * {@code /usr/bin/python3}).
 */
class TestAgainstPyTorch extends ReferenceTestBase {

    private static final double RELATIVE = 1e-11;
    private static final double FLOOR = 1e-13;
    private static final List<String> PYTHONS = List.of("python3", "/usr/bin/python3");

    private static String python;

    @BeforeAll
    static void findPythonWithTorch() {
        for (String candidate : PYTHONS) {
            try {
                Process process = new ProcessBuilder(candidate, "-c", "import torch").redirectErrorStream(true).start();
                if (process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0) {
                    python = candidate;
                    return;
                }
                process.destroyForcibly();
            } catch (IOException e) {
                // not installed under this name: try the next
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Test
    void everyGatedOptionAgreesWithPyTorch() throws Exception {
        Assumptions.assumeTrue(python != null, "no python3 with torch among " + PYTHONS + ": the cross-check against PyTorch is skipped");
        List<ModelSpec> specs = GatedSpecs.everyOption(ModelSpec.of(2, 3, 4));
        List<Parameters> weights = new ArrayList<>();
        List<Batch> batches = new ArrayList<>();
        for (ModelSpec spec : specs) {
            weights.add(DistinctWeights.of(spec));
            batches.add(RandomCases.build(spec, 2, 5, false, true, random).batch());
        }
        List<Map<String, double[]>> fromTorch = runPyTorch(specs, weights, batches);
        for (int model = 0; model < specs.size(); model++) {
            ModelSpec spec = specs.get(model);
            Parameters parameters = weights.get(model);
            Batch batch = batches.get(model);
            Map<String, double[]> torch = fromTorch.get(model);
            String what = spec.label() + " against PyTorch" + (moduleExpresses(spec) ? "'s module" : "'s autograd");
            ForwardResult forward = new RecurrentNetwork(spec, parameters).forward(batch);
            compare(what + " h", torch.get("h"), forward.hiddenStates());
            if (spec.cell().hasCellState()) {
                compare(what + " c_{T-1}", torch.get("c_last"), lastStep(forward.cellStates()));
            }
            for (GradientResult gradients : List.of(
                    AggregatedBptt.gradients(spec, parameters, batch, new StepBackpropCounter()),
                    NaiveBptt.gradients(spec, parameters, batch, new StepBackpropCounter()))) {
                assertClose(what + " loss", torch.get("loss")[0], gradients.loss(), RELATIVE, 0);
                for (String name : parameters.byName().keySet()) {
                    compare(what + " dL/d" + name, torch.get("d" + name), gradients.parameterGradients().get(name));
                }
                compare(what + " dL/dx", torch.get("dx"), gradients.inputGradients());
                compare(what + " dL/dh_{-1}", torch.get("dh0"), gradients.initialStateGradients());
                if (spec.cell().hasCellState()) {
                    compare(what + " dL/dc_{-1}", torch.get("dc0"), gradients.initialCellStateGradients());
                }
            }
        }
    }

    /** Whether PyTorch's own module expresses the model (else the script writes the equations itself). */
    private static boolean moduleExpresses(ModelSpec spec) {
        return spec.cell().hasCellState() ? !spec.cellOptions().peepholes()
                : spec.cellOptions().resetPlacement() == ResetPlacement.AFTER;
    }

    private static void compare(String what, double[] expected, Tensor actual) {
        assertTrue(expected != null, what + ": PyTorch gave no value");
        assertEquals(actual.length(), expected.length, what + ": sizes differ");
        assertClose(what, Tensor.of(expected, actual.shape()), actual, RELATIVE, FLOOR);
    }

    /** c_{T-1} of every sequence, {@code [B, H]}. */
    private static Tensor lastStep(Tensor states) {
        int batchSize = states.size(0);
        int steps = states.size(1);
        int hiddenSize = states.size(2);
        Tensor last = Tensor.zeros(batchSize, hiddenSize);
        for (int b = 0; b < batchSize; b++) {
            for (int i = 0; i < hiddenSize; i++) {
                last.set(states.get(b, steps - 1, i), b, i);
            }
        }
        return last;
    }

    /**
     * Runs the script once on every model with its weights and batch; returns, per model, its output lines as
     * name → values.
     */
    private static List<Map<String, double[]>> runPyTorch(List<ModelSpec> specs, List<Parameters> weights,
                                                          List<Batch> batches) throws Exception {
        List<String> models = new ArrayList<>();
        for (int model = 0; model < specs.size(); model++) {
            ModelSpec spec = specs.get(model);
            Batch batch = batches.get(model);
            models.add(String.format(Locale.ROOT,
                    "dict(CELL=%s, RESET_AFTER=%s, USE_MODULE=%s, D=%d, H=%d, K=%d, P={%s}, X=%s, Y=%s, H0=%s, C0=%s)",
                    spec.cell().hasCellState() ? "'lstm'" : "'gru'",
                    spec.cellOptions().resetPlacement() == ResetPlacement.AFTER ? "True" : "False",
                    moduleExpresses(spec) ? "True" : "False",
                    spec.inputSize(), spec.hiddenSize(), spec.outputSize(),
                    weights.get(model).byName().entrySet().stream()
                            .map(entry -> "'" + entry.getKey() + "': " + pythonList(entry.getValue()))
                            .collect(Collectors.joining(", ")),
                    pythonList(batch.inputs()), pythonList(batch.targets()), pythonList(batch.initialState()),
                    batch.initialCellState() == null ? "None" : pythonList(batch.initialCellState())));
        }
        String program = "MODELS = [\n" + String.join(",\n", models) + "]\n" + SCRIPT;
        Process process = new ProcessBuilder(python, "-c", program).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("the PyTorch script did not finish within 120 s");
        }
        String text = new String(output, StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), "the PyTorch script failed:\n" + text);
        List<Map<String, double[]>> values = new ArrayList<>();
        for (int model = 0; model < specs.size(); model++) {
            values.add(new HashMap<>());
        }
        for (String line : text.strip().split("\n")) {
            String[] fields = line.trim().split("\\s+");
            values.get(Integer.parseInt(fields[0])).put(fields[1],
                    Arrays.stream(fields, 2, fields.length).mapToDouble(Double::parseDouble).toArray());
        }
        return values;
    }

    /** A tensor's elements as a flat Python list, in row-major order; each double written so that it reads back exactly. */
    private static String pythonList(Tensor tensor) {
        return Arrays.stream(tensor.data()).mapToObj(Double::toString).collect(Collectors.joining(", ", "[", "]"));
    }

    /**
     * The model in torch, after the data lines above. P holds the canonical parameters, flat; G(name) gives one as a
     * leaf tensor in its shape (zeros, not a leaf, when the model does not declare it).
     */
    private static final String SCRIPT = """
            import torch
            torch.set_default_dtype(torch.float64)
            def run(index, CELL, RESET_AFTER, USE_MODULE, D, H, K, P, X, Y, H0, C0):
                SHAPES = {'U': (H, D), 'W': (H, H), 'b': (H,), 'p': (H,), 'V': (K, H), 'c': (K,)}
                leaves = {name: torch.tensor(values).reshape(SHAPES[name[0]]).requires_grad_() for name, values in P.items()}
                def G(name):
                    return leaves[name] if name in leaves else torch.zeros(SHAPES[name[0]])
                B = len(H0) // H
                T = len(X) // (B * D)
                x = torch.tensor(X).reshape(B, T, D).requires_grad_()
                h0 = torch.tensor(H0).reshape(B, H).requires_grad_()
                c0 = torch.tensor(C0).reshape(B, H).requires_grad_() if CELL == 'lstm' else None
                GATES = 'rzn' if CELL == 'gru' else 'ifgo'
                if USE_MODULE:
                    has_bias = 'b_' + GATES[0] in leaves
                    module = (torch.nn.GRU if CELL == 'gru' else torch.nn.LSTM)(D, H, batch_first=True, bias=has_bias)
                    with torch.no_grad():
                        module.weight_ih_l0.copy_(torch.cat([G('U_' + g) for g in GATES]))
                        module.weight_hh_l0.copy_(torch.cat([G('W_' + g) for g in GATES]))
                        if has_bias:
                            module.bias_ih_l0.copy_(torch.cat([G('b_' + g) for g in GATES]))
                            module.bias_hh_l0.copy_(torch.cat([G('b_h' + g) for g in GATES]))
                    if CELL == 'gru':
                        hs, _ = module(x, h0.unsqueeze(0))
                    else:
                        hs, (_, c_last) = module(x, (h0.unsqueeze(0), c0.unsqueeze(0)))
                        c_last = c_last[0]
                else:
                    sig, tanh = torch.sigmoid, torch.tanh
                    def affine(g, xt, h):
                        return xt @ G('U_' + g).T + G('b_' + g) + h @ G('W_' + g).T + G('b_h' + g)
                    h, c, outs = h0, c0, []
                    for t in range(T):
                        xt = x[:, t]
                        if CELL == 'gru':
                            r, z = sig(affine('r', xt, h)), sig(affine('z', xt, h))
                            if RESET_AFTER:
                                n = tanh(xt @ G('U_n').T + G('b_n') + r * (h @ G('W_n').T + G('b_hn')))
                            else:
                                n = tanh(xt @ G('U_n').T + G('b_n') + (r * h) @ G('W_n').T + G('b_hn'))
                            h = (1 - z) * n + z * h
                        else:
                            i = sig(affine('i', xt, h) + G('p_i') * c)
                            f = sig(affine('f', xt, h) + G('p_f') * c)
                            g = tanh(affine('g', xt, h))
                            c = f * c + i * g
                            o = sig(affine('o', xt, h) + G('p_o') * c)
                            h = o * tanh(c)
                        outs.append(h)
                    hs, c_last = torch.stack(outs, 1), c
                logits = hs @ G('V').T + G('c')
                loss = -(torch.tensor(Y).reshape(B, T, K) * torch.log_softmax(logits, -1)).sum()
                loss.backward()
                def emit(name, tensor):
                    print(index, name, ' '.join(repr(v) for v in tensor.detach().reshape(-1).tolist()))
                emit('loss', loss)
                emit('h', hs)
                if CELL == 'lstm':
                    emit('c_last', c_last)
                    emit('dc0', c0.grad)
                emit('dx', x.grad)
                emit('dh0', h0.grad)
                if USE_MODULE:
                    packed = {'U': module.weight_ih_l0.grad, 'W': module.weight_hh_l0.grad}
                    if has_bias:
                        packed['b'] = module.bias_ih_l0.grad
                        packed['b_h'] = module.bias_hh_l0.grad
                    for kind, grad in packed.items():
                        for g, part in zip(GATES, grad.chunk(len(GATES))):
                            name = kind + g if kind == 'b_h' else kind + '_' + g
                            if name in leaves:
                                emit('d' + name, part)
                    for name in ('V', 'c'):
                        if name in leaves:
                            emit('d' + name, leaves[name].grad)
                else:
                    for name, leaf in leaves.items():
                        emit('d' + name, leaf.grad)
            for index, model in enumerate(MODELS):
                run(index, **model)
            """;
}
