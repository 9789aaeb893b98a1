package org.bptt.core.cases;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.bptt.api.Batch;
import org.bptt.api.Case;
import org.bptt.api.Cell;
import org.bptt.api.Head;
import org.bptt.api.InvalidInputException;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterDeclaration;
import org.bptt.api.ParameterName;
import org.bptt.api.ParameterNames;
import org.bptt.api.Parameters;
import org.bptt.api.Tensor;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.ejml.interfaces.decomposition.QRDecomposition;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

/**
 * Builds seeded verification cases: weights, inputs, one-hot targets, prefix masks and initial states.
 *
 * <p>Randomness comes from {@link SplittableRandom}, whose sequence is specified, so a seed gives the same numbers on
 * every machine and JVM; Gaussian draws use Box–Muller with {@link StrictMath}. Each part of a case (the weights,
 * inputs, targets, mask, h_{-1}, c_{-1}) draws from its own split of the seeded generator, so changing how one part
 * is drawn does not change the others. Rescaling W uses EJML's eigen/singular value decompositions.
 *
 * <p>What is drawn:
 * <ul>
 *   <li>the Elman cell's U, V, and W before rescaling, by {@link WeightInit}; b and c uniform on (−0.1, 0.1); a
 *       gated cell's weights as {@link #gatedParameters} says;</li>
 *   <li>inputs uniform on (−1, 1);</li>
 *   <li>targets one-hot with a uniform class (the sigmoid head: 0 or 1), also at masked steps;</li>
 *   <li>mask: each sequence's length uniform on 1..T, then one random sequence set to the full T;</li>
 *   <li>h_{-1} uniform on (−0.5, 0.5), and for a cell with a cell state (the LSTM) c_{-1} too, whenever the
 *       case has an initial state.</li>
 * </ul>
 */
public final class CaseGenerator {

    /** How W is rescaled after it is drawn. */
    public enum Rescaling {
        /** W as drawn. */
        NONE,
        /** W ← W · target / ρ(W), ρ the spectral radius (largest |eigenvalue|). */
        SPECTRAL_RADIUS,
        /** W ← W · target / σ_max(W), σ_max the largest singular value (the spectral norm). */
        LARGEST_SINGULAR_VALUE
    }

    /**
     * How weights are drawn.
     *
     * @param init      the distribution of U, W, V
     * @param rescaling how W is rescaled afterwards
     * @param target    the spectral radius or largest singular value W is rescaled to (ignored for NONE), &gt; 0
     */
    public record Options(WeightInit init, Rescaling rescaling, double target) {
        public Options {
            InvalidInputException.require(init != null, "weight init must be given");
            InvalidInputException.require(rescaling != null, "rescaling must be given");
            InvalidInputException.require(rescaling == Rescaling.NONE || (target > 0 && Double.isFinite(target)),
                    "rescaling target must be positive, got %s", target);
        }

        /**
         * Xavier weights with W rescaled to spectral radius 0.9: ρ(W)·γ &lt; 1 for every activation, so the
         * recurrence contracts and long sequences stay numerically tame (see the tolerance policy).
         */
        public static Options defaults() {
            return new Options(WeightInit.XAVIER, Rescaling.SPECTRAL_RADIUS, 0.9);
        }

        /** A short description such as {@code xavier, ρ(W)=0.9}. */
        public String describe() {
            String base = init.name().toLowerCase(Locale.ROOT);
            return switch (rescaling) {
                case NONE -> base;
                case SPECTRAL_RADIUS -> base + ", ρ(W)=" + target;
                case LARGEST_SINGULAR_VALUE -> base + ", σmax(W)=" + target;
            };
        }
    }

    private CaseGenerator() {
    }

    /** A case with {@link Options#defaults()}. */
    public static Case generate(String id, ModelSpec spec, int batchSize, int steps, boolean masked, boolean initialState,
                                long seed) {
        return generate(id, spec, batchSize, steps, masked, initialState, seed, Options.defaults());
    }

    /**
     * A seeded random case.
     *
     * @param id           the case's id
     * @param spec         the model
     * @param batchSize    B ≥ 1
     * @param steps        T ≥ 1
     * @param masked       whether the batch has a mask (with B = 1 or T = 1 it is all ones)
     * @param initialState whether the batch has a random h_{-1}, and for an LSTM a random c_{-1} (otherwise null:
     *                     zeros)
     * @param seed         the seed; the same arguments give an equal case
     * @param options      how the weights are drawn
     */
    public static Case generate(String id, ModelSpec spec, int batchSize, int steps, boolean masked, boolean initialState,
                                long seed, Options options) {
        InvalidInputException.require(batchSize >= 1, "batch size B must be at least 1, got %d", batchSize);
        InvalidInputException.require(steps >= 1, "sequence length T must be at least 1, got %d", steps);
        SplittableRandom random = new SplittableRandom(seed);
        Parameters parameters = parameters(spec, options, random.split());
        Tensor inputs = uniform(random.split(), 1.0, batchSize, steps, spec.inputSize());
        Tensor targets = targets(spec, batchSize, steps, random.split());
        SplittableRandom maskRandom = random.split();
        Tensor mask = masked ? prefixMask(batchSize, steps, maskRandom) : null;
        SplittableRandom stateRandom = random.split();
        int[] stateShape = Batch.stateShape(spec, batchSize);      // [B, H], or every layer's and direction's [L, D, B, H]
        Tensor h0 = initialState ? uniform(stateRandom, 0.5, stateShape) : null;
        // Split after every part an Elman case draws, so that its numbers stay what they were before the LSTM.
        SplittableRandom cellStateRandom = random.split();
        boolean cellState = spec.cell().hasCellState();
        Tensor c0 = initialState && cellState ? uniform(cellStateRandom, 0.5, stateShape) : null;
        String states = cellState ? (initialState ? "given h_{-1} and c_{-1}" : "h_{-1} = c_{-1} = 0")
                : (initialState ? "given h_{-1}" : "h_{-1} = 0");
        String description = String.format(Locale.ROOT, "%s, B=%d, T=%d, %s, %s, weights %s", spec.label(), batchSize,
                steps, masked ? "masked" : "unmasked", states, options.describe());
        return new Case(id, description, spec, parameters, new Batch(inputs, targets, mask, h0, c0), seed);
    }

    /**
     * The weights of every parameter {@code spec} declares, drawn from {@code random} as {@code options} say: for
     * the one-layer Elman cell U, W, b, V, c ({@link #elmanParameters}), for a gated cell or a stacked or
     * bidirectional network as {@link #gatedParameters}.
     */
    public static Parameters parameters(ModelSpec spec, Options options, SplittableRandom random) {
        return spec.cell() == Cell.ELMAN && spec.topology().single() ? elmanParameters(spec, options, random)
                : gatedParameters(spec, options, random);
    }

    /** The Elman weights U, W, b, V, c for {@code spec}, drawn from {@code random} as {@code options} say. */
    private static Parameters elmanParameters(ModelSpec spec, Options options, SplittableRandom random) {
        int d = spec.inputSize();
        int h = spec.hiddenSize();
        int k = spec.outputSize();
        Tensor u = matrix(options.init() == WeightInit.ORTHOGONAL ? WeightInit.XAVIER : options.init(), h, d, random.split());
        Tensor w = options.init() == WeightInit.ORTHOGONAL ? orthogonal(h, random.split())
                : matrix(options.init(), h, h, random.split());
        SplittableRandom hiddenBiasRandom = random.split();
        Tensor v = matrix(options.init() == WeightInit.ORTHOGONAL ? WeightInit.XAVIER : options.init(), k, h, random.split());
        SplittableRandom outputBiasRandom = random.split();
        w = rescale(w, options);
        Map<String, Tensor> tensors = new HashMap<>();
        tensors.put(ParameterNames.U, u);
        tensors.put(ParameterNames.W, w);
        tensors.put(ParameterNames.V, v);
        if (spec.biases()) {
            tensors.put(ParameterNames.B, uniform(hiddenBiasRandom, 0.1, h));
            tensors.put(ParameterNames.C, uniform(outputBiasRandom, 0.1, k));
        }
        return new Parameters(tensors);
    }

    /**
     * A gated cell's weights and the head's, each declared parameter from its own split of {@code random}, in the
     * declared order ({@link ModelSpec#parameters()}): input weights {@code U_* [H, d]} and the head's {@code V} by
     * {@link Options#init()} (Xavier for ORTHOGONAL, as the Elman cell's U and V); recurrent weights
     * {@code W_* [H, H]} by the init, then each rescaled as the options say (every gate's recurrent matrix alone, so
     * that each gate's recurrence is as tame as the Elman cell's W); biases, recurrent-side biases and the head's c
     * uniform on (−0.1, 0.1), as the Elman cell's; peepholes uniform on (−0.5, 0.5), large enough that a wrong
     * peephole gradient is not lost in the tolerance. A stacked or bidirectional network's layers (any cell's) are
     * drawn the same way, each layer's and direction's parameters as their bare names say (a layer above the first
     * has input weights {@code [H, H]} or {@code [H, 2H]}, drawn as input weights, not rescaled).
     */
    private static Parameters gatedParameters(ModelSpec spec, Options options, SplittableRandom random) {
        Map<String, Tensor> tensors = new HashMap<>();
        WeightInit nonSquare = options.init() == WeightInit.ORTHOGONAL ? WeightInit.XAVIER : options.init();
        for (ParameterDeclaration declaration : spec.parameters()) {
            SplittableRandom own = random.split();
            int[] shape = declaration.shape();
            String base = ParameterName.parse(declaration.name()).base();
            boolean recurrent = shape.length == 2 && base.startsWith(ParameterNames.W);     // W or W_*, [H, H]
            Tensor value;
            if (recurrent) {
                Tensor drawn = options.init() == WeightInit.ORTHOGONAL ? orthogonal(shape[0], own)
                        : matrix(options.init(), shape[0], shape[1], own);
                value = rescale(drawn, options);
            } else if (shape.length == 2) {
                value = matrix(nonSquare, shape[0], shape[1], own);
            } else if (PEEPHOLES.contains(base)) {
                value = uniform(own, 0.5, shape);
            } else {
                value = uniform(own, 0.1, shape);
            }
            tensors.put(declaration.name(), value);
        }
        return new Parameters(tensors);
    }

    private static final List<String> PEEPHOLES = List.of(ParameterNames.P_I, ParameterNames.P_F, ParameterNames.P_O);

    /** W rescaled as {@code options} say. */
    public static Tensor rescale(Tensor w, Options options) {
        double current = switch (options.rescaling()) {
            case NONE -> 1.0;
            case SPECTRAL_RADIUS -> spectralRadius(w);
            case LARGEST_SINGULAR_VALUE -> largestSingularValue(w);
        };
        if (options.rescaling() == Rescaling.NONE || current == 0) {
            return w;
        }
        double factor = options.target() / current;
        double[] scaled = w.data().clone();
        for (int i = 0; i < scaled.length; i++) {
            scaled[i] *= factor;
        }
        return Tensor.of(scaled, w.shape());
    }

    /** ρ(A) = max |λ_i(A)| of a square matrix. */
    public static double spectralRadius(Tensor square) {
        InvalidInputException.require(square.rank() == 2 && square.size(0) == square.size(1),
                "spectral radius needs a square matrix, got shape %s", java.util.Arrays.toString(square.shape()));
        int n = square.size(0);
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, false);
        if (!eig.decompose(toMatrix(square))) {
            throw new IllegalStateException("eigenvalue decomposition did not converge for a " + n + "x" + n + " matrix");
        }
        double radius = 0;
        for (int i = 0; i < eig.getNumberOfEigenvalues(); i++) {
            radius = Math.max(radius, eig.getEigenvalue(i).getMagnitude());
        }
        return radius;
    }

    /** σ_max(A), the largest singular value (the spectral norm). */
    public static double largestSingularValue(Tensor matrix) {
        InvalidInputException.require(matrix.rank() == 2, "singular values need a matrix, got shape %s",
                java.util.Arrays.toString(matrix.shape()));
        SingularValueDecomposition_F64<DMatrixRMaj> svd =
                DecompositionFactory_DDRM.svd(matrix.size(0), matrix.size(1), false, false, true);
        if (!svd.decompose(toMatrix(matrix))) {
            throw new IllegalStateException("singular value decomposition did not converge");
        }
        double largest = 0;
        for (double value : svd.getSingularValues()) {
            largest = Math.max(largest, value);
        }
        return largest;
    }

    private static DMatrixRMaj toMatrix(Tensor tensor) {
        return new DMatrixRMaj(tensor.size(0), tensor.size(1), true, tensor.data().clone());
    }

    private static Tensor matrix(WeightInit init, int rows, int columns, SplittableRandom random) {
        double range = switch (init) {
            case UNIFORM -> 1.0 / Math.sqrt(columns);
            case XAVIER, ORTHOGONAL -> Math.sqrt(6.0 / (rows + columns));
        };
        return uniform(random, range, rows, columns);
    }

    /** Q of the QR decomposition of a Gaussian matrix, with columns multiplied by sign(R_ii): Haar-distributed. */
    private static Tensor orthogonal(int n, SplittableRandom random) {
        DMatrixRMaj gaussian = new DMatrixRMaj(n, n);
        for (int i = 0; i < n * n; i++) {
            gaussian.data[i] = gaussian(random);
        }
        QRDecomposition<DMatrixRMaj> qr = DecompositionFactory_DDRM.qr(n, n);
        if (!qr.decompose(gaussian)) {
            throw new IllegalStateException("QR decomposition failed for a " + n + "x" + n + " Gaussian matrix");
        }
        DMatrixRMaj q = qr.getQ(null, false);
        DMatrixRMaj r = qr.getR(null, false);
        double[] data = new double[n * n];
        for (int row = 0; row < n; row++) {
            for (int column = 0; column < n; column++) {
                double sign = r.get(column, column) < 0 ? -1 : 1;
                data[row * n + column] = q.get(row, column) * sign;
            }
        }
        return Tensor.of(data, n, n);
    }

    /** A standard normal draw by Box–Muller, with StrictMath so that every JVM gives the same value. */
    static double gaussian(SplittableRandom random) {
        double u1 = 1.0 - random.nextDouble(); // in (0, 1], so the log is finite
        double u2 = random.nextDouble();
        return StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2.0 * StrictMath.PI * u2);
    }

    /** Uniform on (−range, range). */
    static Tensor uniform(SplittableRandom random, double range, int... shape) {
        Tensor tensor = Tensor.zeros(shape);
        double[] data = tensor.data();
        for (int i = 0; i < data.length; i++) {
            data[i] = (2 * random.nextDouble() - 1) * range;
        }
        return tensor;
    }

    private static Tensor targets(ModelSpec spec, int batchSize, int steps, SplittableRandom random) {
        int k = spec.outputSize();
        if (spec.head() == Head.LAST_STEP_SIGMOID) {
            Tensor targets = Tensor.zeros(batchSize, 1);
            for (int sequence = 0; sequence < batchSize; sequence++) {
                targets.set(random.nextInt(2), sequence, 0);
            }
            return targets;
        }
        int rows = spec.head().lastStepOnly() ? batchSize : batchSize * steps;
        double[] data = new double[rows * k];
        for (int row = 0; row < rows; row++) {
            data[row * k + random.nextInt(k)] = 1.0;
        }
        return spec.head().lastStepOnly() ? Tensor.of(data, batchSize, k) : Tensor.of(data, batchSize, steps, k);
    }

    /** Each row: ones for a random length in 1..T, then zeros; one random row is full length. */
    static Tensor prefixMask(int batchSize, int steps, SplittableRandom random) {
        int[] lengths = new int[batchSize];
        for (int sequence = 0; sequence < batchSize; sequence++) {
            lengths[sequence] = 1 + random.nextInt(steps);
        }
        lengths[random.nextInt(batchSize)] = steps;
        Tensor mask = Tensor.zeros(batchSize, steps);
        for (int sequence = 0; sequence < batchSize; sequence++) {
            for (int step = 0; step < lengths[sequence]; step++) {
                mask.set(1.0, sequence, step);
            }
        }
        return mask;
    }
}
