/**
 * The extension points of bptt-harness and the plain value types they exchange. A plugin author depends on
 * this package alone.
 *
 * <h2>The model (Elman 1990)</h2>
 * <pre>
 *   a_t = U x_t + W h_{t-1} + b          pre-activation, [H]
 *   h_t = f(a_t)                          hidden state,   [H]
 *   o_t = V h_t + c                       logits,         [K]
 *   y_t = softmax(o_t)   (or sigmoid(o_t) for the single-output binary head)
 * </pre>
 * with {@code h_{-1}} zero unless the batch gives an initial state. Which steps produce a loss is set by the
 * {@link org.bptt.api.Head}: every step (many-to-many, the language-model case) or only the last step of each
 * sequence (many-to-one). The per-term loss is the cross-entropy {@code J = -Σ_k target_k log y_k} (binary
 * cross-entropy for the sigmoid head); the total loss {@code L} reduces the terms as the
 * {@link org.bptt.api.LossReduction} says.
 *
 * <h2>Conventions</h2>
 * <ul>
 *   <li><b>Shapes</b> are batch-first: inputs {@code [B, T, d]}, hidden states {@code [B, T, H]}, per-step outputs
 *       {@code [B, T, K]}, last-step outputs {@code [B, K]}. Every {@link org.bptt.api.Tensor} is row-major.</li>
 *   <li><b>Parameters</b> are in the equations' orientation: {@code U: [H, d]}, {@code W: [H, H]},
 *       {@code b: [H]}, {@code V: [K, H]}, {@code c: [K]}. Adapters translate to their library's layout
 *       (DL4J, for instance, stores {@code Uᵀ} and puts time last).</li>
 *   <li><b>Masks</b> {@code [B, T]} mark sequences of different lengths: each row is ones followed by zeros, with
 *       at least one one. A sequence stops at its last unmasked step: masked steps add no loss, and the "last
 *       step" of a many-to-one head is the sequence's last unmasked step. Hidden states, outputs and input
 *       gradients at masked steps are unspecified and never compared.</li>
 *   <li><b>Gradients</b> are of the reduced loss {@code L}, in double precision, in the parameters' shapes. An
 *       implementation that computes in float32 still returns {@code double} arrays.</li>
 * </ul>
 *
 * <h2>Extension points</h2>
 * {@link org.bptt.api.RnnImplementation}, registered in
 * {@code META-INF/services/org.bptt.api.RnnImplementation} of the plugin's jar; and
 * {@link org.bptt.api.RnnImplementationFactory}, registered in
 * {@code META-INF/services/org.bptt.api.RnnImplementationFactory}, for implementations whose id is not fixed: it
 * owns an id prefix such as {@code cmd:} and makes the implementation {@code cmd:python3 my_rnn.py} from its id.
 * The RNN language model's, {@link org.bptt.api.LanguageModelImplementation}, is registered the same way under its own name.
 *
 * <p>What the harness compares, and asks a plugin's {@code knownDivergence} about, is named by a
 * {@link org.bptt.api.Quantity}: {@code h}, {@code y}, {@code loss}, {@code loss (gradients)}, the gradient
 * {@code dL/d<name>} of each parameter, {@code dL/dx}, {@code dL/dh_{-1}} and {@code dL/dh}.
 */
package org.bptt.api;
