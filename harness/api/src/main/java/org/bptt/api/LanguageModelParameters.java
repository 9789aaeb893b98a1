package org.bptt.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The weights of the RNN language model ({@link LanguageModelImplementation}) in the equations' orientation. The
 * same record carries gradients dL/dθ, which have the parameters' shapes.
 *
 * <p>The embedding matrix is {@code L: [E, |V|]}, so that e_t = L x_t with x_t the one-hot vector of token id
 * {@code x_t}: <b>the embedding of token id i is column i of L</b> (elements {@code L[0, i] … L[E−1, i]}). Its
 * gradient is non-zero only in the columns of the tokens that are inputs of some step.
 *
 * @param L  embeddings, {@code [E, |V|]}; column i is the embedding of token id i
 * @param We input (embedding)-to-hidden, {@code [H, E]}
 * @param Wh hidden-to-hidden (recurrent), {@code [H, H]}
 * @param b1 hidden bias, {@code [H]}
 * @param U  hidden-to-output, {@code [|V|, H]}
 * @param b2 output bias, {@code [|V|]}
 */
@SuppressWarnings("checkstyle:ParameterName") // the equations' names
public record LanguageModelParameters(Tensor L, Tensor We, Tensor Wh, Tensor b1, Tensor U, Tensor b2) {

    /** The names of the parameters in a stable order, as the lecture writes them: L, W_e, W_h, b1, U, b2. */
    public static final List<String> NAMES = List.of("L", "W_e", "W_h", "b1", "U", "b2");

    /** All-zero parameters (or gradient accumulators) for {@code spec}. */
    public static LanguageModelParameters zeros(LanguageModelSpec spec) {
        int v = spec.vocabularySize();
        int e = spec.embeddingSize();
        int h = spec.hiddenSize();
        return new LanguageModelParameters(Tensor.zeros(e, v), Tensor.zeros(h, e), Tensor.zeros(h, h), Tensor.zeros(h),
                Tensor.zeros(v, h), Tensor.zeros(v));
    }

    /** The parameters by name, in the order of {@link #NAMES}. */
    public Map<String, Tensor> byName() {
        Map<String, Tensor> map = new LinkedHashMap<>();
        for (String name : NAMES) {
            map.put(name, get(name));
        }
        return map;
    }

    /** The parameter called {@code name}, one of {@link #NAMES}. */
    public Tensor get(String name) {
        return switch (name) {
            case "L" -> L;
            case "W_e" -> We;
            case "W_h" -> Wh;
            case "b1" -> b1;
            case "U" -> U;
            case "b2" -> b2;
            default -> throw new InvalidInputException("unknown language-model parameter '" + name + "'; expected one of " + NAMES);
        };
    }

    /** A copy with the parameter called {@code name} replaced. */
    public LanguageModelParameters with(String name, Tensor value) {
        return switch (name) {
            case "L" -> new LanguageModelParameters(value, We, Wh, b1, U, b2);
            case "W_e" -> new LanguageModelParameters(L, value, Wh, b1, U, b2);
            case "W_h" -> new LanguageModelParameters(L, We, value, b1, U, b2);
            case "b1" -> new LanguageModelParameters(L, We, Wh, value, U, b2);
            case "U" -> new LanguageModelParameters(L, We, Wh, b1, value, b2);
            case "b2" -> new LanguageModelParameters(L, We, Wh, b1, U, value);
            default -> throw new InvalidInputException("unknown language-model parameter '" + name + "'; expected one of " + NAMES);
        };
    }

    /** A deep copy. */
    public LanguageModelParameters copy() {
        return new LanguageModelParameters(L.copy(), We.copy(), Wh.copy(), b1.copy(), U.copy(), b2.copy());
    }

    /**
     * Checks every parameter is given, has its shape under {@code spec} and holds only finite values.
     *
     * @throws InvalidInputException naming the parameter and what is wrong with it
     */
    public void validate(LanguageModelSpec spec) {
        int v = spec.vocabularySize();
        int e = spec.embeddingSize();
        int h = spec.hiddenSize();
        InvalidInputException.require(L != null && We != null && Wh != null && b1 != null && U != null && b2 != null,
                "language-model parameters L, W_e, W_h, b1, U and b2 must all be given");
        L.requireShapeAndFinite("L", e, v);
        We.requireShapeAndFinite("W_e", h, e);
        Wh.requireShapeAndFinite("W_h", h, h);
        b1.requireShapeAndFinite("b1", h);
        U.requireShapeAndFinite("U", v, h);
        b2.requireShapeAndFinite("b2", v);
    }
}
