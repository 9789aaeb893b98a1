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
 * <h2>The gated cells: GRU and LSTM</h2>
 * A gated cell replaces the Elman recurrence; the head and the loss stay as above. σ is the logistic sigmoid, ⊙ the
 * elementwise product; every gate has its own input weights {@code U_* [H, d]}, recurrent weights
 * {@code W_* [H, H]} and bias {@code b_* [H]}, in the Elman cell's orientation. With two bias vectors per gate
 * ({@link org.bptt.api.CellOptions#twoBiases()}) the bias {@code b_*} is the input-side one and {@code b_h*} the
 * recurrent-side one (PyTorch's {@code b_i*} and {@code b_h*}); with one, {@code b_h*} is absent (zero); without
 * biases both are.
 *
 * <p><b>GRU</b> (Cho et al. 2014), gates r, z and candidate n:
 * <pre>
 *   r_t = σ(U_r x_t + b_r + W_r h_{t-1} + b_hr)              reset gate
 *   z_t = σ(U_z x_t + b_z + W_z h_{t-1} + b_hz)              update gate
 *   n_t = tanh(U_n x_t + b_n + W_n (r_t ⊙ h_{t-1}) + b_hn)   candidate, reset BEFORE the product (Cho et al.)
 *   n_t = tanh(U_n x_t + b_n + r_t ⊙ (W_n h_{t-1} + b_hn))   candidate, reset AFTER the product (PyTorch, cuDNN)
 *   h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t-1}
 * </pre>
 * ({@link org.bptt.api.ResetPlacement}). The update gate z multiplies the old state, as in PyTorch, ONNX, Keras and
 * Cho et al. Texts that write {@code h_t = z'_t ⊙ n_t + (1 − z'_t) ⊙ h_{t-1}} (Chung et al. 2014, for one) have
 * {@code z' = 1 − z = σ(−a_z)}: their update-gate weights and biases are the negation of {@code U_z, W_z, b_z,
 * b_hz}.
 *
 * <p><b>LSTM</b> (Hochreiter &amp; Schmidhuber 1997, with the forget gate of Gers et al. 2000), gates i, f, o, cell
 * candidate g and cell state c; the peephole terms {@code p_* ⊙ c} (Gers &amp; Schmidhuber 2000, a diagonal weight
 * per gate) are there only with {@link org.bptt.api.CellOptions#peepholes()}:
 * <pre>
 *   i_t = σ(U_i x_t + W_i h_{t-1} + p_i ⊙ c_{t-1} + b_i + b_hi)   input gate
 *   f_t = σ(U_f x_t + W_f h_{t-1} + p_f ⊙ c_{t-1} + b_f + b_hf)   forget gate
 *   g_t = tanh(U_g x_t + W_g h_{t-1} + b_g + b_hg)               cell candidate
 *   c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t                              cell state
 *   o_t = σ(U_o x_t + W_o h_{t-1} + p_o ⊙ c_t + b_o + b_ho)       output gate (its peephole sees the new c_t)
 *   h_t = o_t ⊙ tanh(c_t)
 * </pre>
 * with {@code c_{-1}} zero unless the batch gives an initial cell state
 * ({@link org.bptt.api.Batch#initialCellState()}); its gradient {@code dL/dc_{-1}} is
 * {@link org.bptt.api.GradientResult#initialCellStateGradients()}. Under a mask, h and c both carry over padded
 * steps unchanged.
 *
 * <p><b>PyTorch's layout</b>, for example: {@code weight_ih_l0} stacks {@code U_r, U_z, U_n} (GRU) or
 * {@code U_i, U_f, U_g, U_o} (LSTM) row-wise, {@code weight_hh_l0} the {@code W_*} in the same order,
 * {@code bias_ih_l0} the {@code b_*} and {@code bias_hh_l0} the {@code b_h*}; PyTorch always has both biases (a
 * one-bias model maps to {@code bias_hh = 0}), places the GRU's reset gate after the product and has no peepholes.
 *
 * <h2>Stacked and bidirectional networks</h2>
 * A {@link org.bptt.api.Topology} stacks L layers of the same cell (same options, same H), each with its own
 * weights and initial state(s):
 * <pre>
 *   h^0_t = cell(x_t, h^0_{t-1})                       layer 0 reads the inputs
 *   h^ℓ_t = cell(z^{ℓ-1}_t, h^ℓ_{t-1})                  layer ℓ reads layer ℓ−1's output at the same step
 *   o_t   = V z^{L-1}_t + c                            the head reads the top layer's output
 * </pre>
 * where a forward layer's output is {@code z^ℓ_t = h^ℓ_t}. A bidirectional layer has a forward direction as above
 * and a reverse direction with separate weights that reads the sequence backwards,
 * {@code h←^ℓ_t = cell(z^{ℓ-1}_t, h←^ℓ_{t+1})}, starting from its initial state at the sequence's <b>last valid
 * step</b> {@code t = length − 1} (not at the padded end T − 1: a masked sequence gives the numbers it gives
 * unpadded); its output combines the two, {@code z^ℓ_t = combine(h→^ℓ_t, h←^ℓ_t)} ({@link org.bptt.api.Combine}:
 * concatenation {@code [h→; h←]} by default, or sum, mean, product). Initial states and their gradients are
 * {@code [L, D, B, H]} ({@link org.bptt.api.Batch#initialState()}); the hidden states compared are the top layer's,
 * {@code [B, T, D·H]}. Truncated BPTT is defined for stacks of forward layers only
 * ({@link org.bptt.api.Truncation#requireDefinedFor}). An implementation declares what it runs with
 * {@link org.bptt.api.Capability#STACKED} and {@code BIDIRECTIONAL_*}.
 *
 * <h2>Conventions</h2>
 * <ul>
 *   <li><b>Shapes</b> are batch-first: inputs {@code [B, T, d]}, hidden states {@code [B, T, H]}, per-step outputs
 *       {@code [B, T, K]}, last-step outputs {@code [B, K]}. Every {@link org.bptt.api.Tensor} is row-major.</li>
 *   <li><b>Parameters</b> are named tensors that the model declares ({@link org.bptt.api.ModelSpec#parameters()}),
 *       in the equations' orientation: {@code U: [H, d]}, {@code W: [H, H]}, {@code b: [H]}, {@code V: [K, H]},
 *       {@code c: [K]}, and a gated cell's {@code U_*: [H, d]}, {@code W_*: [H, H]}. Adapters translate to their
 *       library's layout (DL4J, for instance, stores {@code Uᵀ} and puts time last).</li>
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
 *   <li>The gated cells extend the Elman names with the gate as subscript: {@code U_*} input weights
 *       {@code [H, d]}, {@code W_*} recurrent weights {@code [H, H]}, {@code b_*} the (input-side) bias
 *       {@code [H]}, {@code b_h*} the recurrent-side bias {@code [H]} (two biases only), for * in r, z, n (GRU)
 *       or i, f, g, o (LSTM); and the LSTM's peepholes {@code p_i, p_f, p_o [H]}. They are declared by kind, then
 *       by gate in that order: {@code U_r, U_z, U_n, W_r, W_z, W_n, b_r, b_z, b_n, b_hr, b_hz, b_hn}, then the
 *       head's.</li>
 *   <li>A name is the equations' symbol, as the cell's documentation writes it (a letter, with an underscore and a
 *       subscript where the equations have one, such as a gate's {@code W_z}); no name contains a dot.</li>
 *   <li>Stacked and bidirectional networks keep the cell's names and add a prefix for where a parameter sits:
 *       {@code l<k>.} for layer k (counting from 0 at the input) and {@code reverse.} after it for the reverse
 *       direction, e.g. {@code l1.U}, {@code l0.reverse.W}. Layer 0's forward direction has no prefix, so a
 *       one-layer forward network's names are the plain ones above. The head has no prefix: there is one head
 *       per network, and its {@code V} reads the top layer's output ({@code [K, 2H]} when its directions are
 *       concatenated). A model's parameters come layer by layer from the input, in a layer the forward direction's
 *       before the reverse one's, each in the cell's order, the head's last: a two-layer bidirectional Elman model
 *       has {@code U, W, b, l0.reverse.U, l0.reverse.W, l0.reverse.b, l1.U, ..., l1.reverse.b, V, c}. Layer 1's
 *       input weights are {@code [H, 2H]} (concatenated) or {@code [H, H]}. {@link org.bptt.api.ParameterName} reads
 *       and writes these names; PyTorch's {@code weight_ih_l1_reverse} is {@code l1.reverse.U} (stacked gates).</li>
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
