/**
 * The extension points of bptt-harness and the plain value types they exchange. A plugin author depends on
 * this package alone.
 *
 * <h2>The model: the Elman cell (Elman 1990) and its head</h2>
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
 *   <li><b>Parameters</b> are named tensors that the model declares ({@link org.bptt.api.ModelSpec#parameters()}),
 *       in the equations' orientation: {@code U: [H, d]}, {@code W: [H, H]}, {@code b: [H]}, {@code V: [K, H]},
 *       {@code c: [K]}. Adapters translate to their library's layout (DL4J, for instance, stores {@code Uᵀ} and
 *       puts time last).</li>
 *   <li><b>Masks</b> {@code [B, T]} mark sequences of different lengths: each row is ones followed by zeros, with
 *       at least one one. A sequence stops at its last unmasked step: masked steps add no loss, and the "last
 *       step" of a many-to-one head is the sequence's last unmasked step. Hidden states, outputs and input
 *       gradients at masked steps are unspecified and never compared.</li>
 *   <li><b>Gradients</b> are of the reduced loss {@code L}, in double precision, in the parameters' shapes. An
 *       implementation that computes in float32 still returns {@code double} arrays.</li>
 * </ul>
 *
 * <h2>Parameter names</h2>
 * A model is a {@link org.bptt.api.Cell} and a {@link org.bptt.api.Head}, and each declares its parameters by name
 * ({@link org.bptt.api.ParameterDeclaration}). {@link org.bptt.api.Parameters} and their gradients, the conformance
 * vectors, the {@code cmd:} protocol and the reports all use these names, and gradients are named after their
 * parameter ({@code dL/dW}). One scheme:
 * <ul>
 *   <li>The Elman cell declares {@code U} (input-to-hidden), {@code W} (hidden-to-hidden) and, with biases,
 *       {@code b}; the head declares {@code V} (hidden-to-output) and, with biases, {@code c}. Constants:
 *       {@link org.bptt.api.ParameterNames}. A model's parameters come in a stable order: the cell's, then the
 *       head's ({@code U, W, b, V, c}).</li>
 *   <li>A name is the equations' symbol, as the cell's documentation writes it (a letter, with an underscore and a
 *       subscript where the equations have one, such as a gate's {@code W_z}); no name contains a dot.</li>
 *   <li>Stacked and bidirectional networks keep the cell's names and add a prefix for where a parameter sits:
 *       {@code l<k>.} for layer k (counting from 0 at the input) and {@code reverse.} after it for the reverse
 *       direction, e.g. {@code l1.U}, {@code l0.reverse.W}. Layer 0's forward direction has no prefix, so a
 *       one-layer forward network's names are the plain ones above. The head has no prefix: there is one head
 *       per network. (Only one-layer forward networks exist so far.)</li>
 *   <li>A parameter that the model leaves out (the biases of a model without biases) is absent: it is not
 *       declared, has no entry in {@link org.bptt.api.Parameters}, and is not written to vectors or the
 *       protocol.</li>
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
