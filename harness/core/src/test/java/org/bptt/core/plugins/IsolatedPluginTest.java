package org.bptt.core.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.bptt.api.Batch;
import org.bptt.api.Capability;
import org.bptt.api.Case;
import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;
import org.bptt.api.InvalidInputException;
import org.bptt.api.LanguageModelForward;
import org.bptt.api.LanguageModelGradients;
import org.bptt.api.LanguageModelImplementation;
import org.bptt.api.LanguageModelParameters;
import org.bptt.api.LanguageModelSpec;
import org.bptt.api.ModelSpec;
import org.bptt.api.Parameters;
import org.bptt.api.PluginInfo;
import org.bptt.api.Quantity;
import org.bptt.api.RnnImplementation;
import org.bptt.api.Tensor;
import org.bptt.api.TokenBatch;
import org.bptt.api.Truncation;
import org.bptt.core.cases.CaseGenerator;
import org.junit.jupiter.api.Test;

/** The one way commands call plugins: a result, or a failure that names the plugin and what happened. */
class IsolatedPluginTest {

    private static final PluginRegistry REGISTRY = PluginRegistry.discover(List.of());
    private static final RnnImplementation REFERENCE = REGISTRY.require("reference-aggregated").implementation();
    private static final Case CASE = CaseGenerator.generate("isolated", ModelSpec.of(2, 3, 2), 2, 4, false, false, 5L);
    private static final PluginCalls IMPATIENT = new PluginCalls(Duration.ofMillis(200));

    /** The reference under another id, with {@code gradients()} replaced. */
    private abstract static class Reference implements RnnImplementation {
        private final String id;

        Reference(String id) {
            this.id = id;
        }

        @Override
        public PluginInfo info() {
            return new PluginInfo(id, "test " + id, "1", "tests", "");
        }

        @Override
        public Set<Capability> capabilities() {
            return REFERENCE.capabilities();
        }

        @Override
        public ForwardResult forward(ModelSpec spec, Parameters parameters, Batch batch) {
            return REFERENCE.forward(spec, parameters, batch);
        }
    }

    private static IsolatedPlugin isolated(PluginCalls calls, RnnImplementation implementation) {
        return calls.isolate(LoadedPlugin.of(implementation, "test"));
    }

    private static PluginCallFailure gradientsFailure(PluginCalls calls, RnnImplementation implementation) {
        return assertThrows(PluginCallFailure.class,
                () -> isolated(calls, implementation).gradients(CASE.spec(), CASE.parameters(), CASE.batch()));
    }

    @Test
    void aResultIsReturnedAndTheCallTimeAddedUp() throws PluginCallFailure {
        IsolatedPlugin reference = isolated(IMPATIENT, REFERENCE);
        CallTime time = new CallTime();
        ExpectedOutputs expected = ExpectedOutputs.declaredBy(reference.capabilities());
        ForwardResult forward = reference.forward(CASE.spec(), CASE.parameters(), CASE.batch(), expected, time);
        long afterForward = time.nanos();
        reference.gradients(CASE.spec(), CASE.parameters(), CASE.batch(), expected, time);
        assertEquals(REFERENCE.forward(CASE.spec(), CASE.parameters(), CASE.batch()), forward);
        assertTrue(afterForward > 0 && time.nanos() > afterForward, "both calls are timed: " + time.nanos());
    }

    @Test
    void aThrowingCallIsAFailureNamingThePluginTheCallAndTheException() {
        PluginCallFailure failure = gradientsFailure(IMPATIENT, new Reference("throws") {
            @Override
            public GradientResult gradients(ModelSpec spec, Parameters parameters, Batch batch) {
                throw new IllegalStateException("no licence");
            }
        });
        assertEquals(PluginCallFailure.Kind.THREW, failure.kind());
        assertEquals("throws: gradients() threw java.lang.IllegalStateException: no licence", failure.describe());
    }

    @Test
    void aHangingCallTimesOutAndTheInstanceIsNotCalledAgainWhileItRuns() throws PluginCallFailure {
        CountDownLatch release = new CountDownLatch(1);
        RnnImplementation stubborn = new Reference("stubborn") {
            @Override
            public GradientResult gradients(ModelSpec spec, Parameters parameters, Batch batch) {
                // Ignores interrupts: a native call or a busy loop cannot be stopped either.
                while (release.getCount() > 0) {
                    try {
                        release.await();
                    } catch (InterruptedException ignored) {
                        // keep hanging
                    }
                }
                return REFERENCE.gradients(spec, parameters, batch);
            }
        };
        try {
            long start = System.nanoTime();
            PluginCallFailure timedOut = gradientsFailure(IMPATIENT, stubborn);
            assertEquals(PluginCallFailure.Kind.TIMED_OUT, timedOut.kind());
            assertEquals("stubborn: gradients() timed out after 200ms", timedOut.describe());
            assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(2)) < 0,
                    "the caller waits the timeout and a short grace, not for the call");
            PluginCallFailure notRun = gradientsFailure(IMPATIENT, stubborn);
            assertEquals(PluginCallFailure.Kind.STILL_RUNNING, notRun.kind());
            assertTrue(notRun.getMessage().contains("still running"), notRun.getMessage());
            // Another plugin is not held up.
            isolated(IMPATIENT, REFERENCE).gradients(CASE.spec(), CASE.parameters(), CASE.batch());
        } finally {
            release.countDown();
        }
    }

    @Test
    void nullAndMalformedResultsAreGarbageNamingTheTensor() {
        PluginCallFailure nothing = gradientsFailure(IMPATIENT, new Reference("null") {
            @Override
            public GradientResult gradients(ModelSpec spec, Parameters parameters, Batch batch) {
                return null;
            }
        });
        assertEquals(PluginCallFailure.Kind.RETURNED_GARBAGE, nothing.kind());
        assertEquals("returned garbage: gradients() returned null", nothing.getMessage());
        PluginCallFailure noInputGradients = gradientsFailure(IMPATIENT, new Reference("no-dx") {
            @Override
            public GradientResult gradients(ModelSpec spec, Parameters parameters, Batch batch) {
                GradientResult right = REFERENCE.gradients(spec, parameters, batch);
                return new GradientResult(right.loss(), right.parameterGradients(), null, right.initialStateGradients(),
                        right.hiddenStateGradients());
            }
        });
        assertEquals("returned garbage: dL/dx is missing (null)", noInputGradients.getMessage(),
                "the plugin declares INPUT_GRADIENTS, so dL/dx must be there");
    }

    @Test
    void aNanIsLeftToTheCallerButResultCheckFindsItWhereItIsCompared() throws PluginCallFailure {
        IsolatedPlugin nan = isolated(IMPATIENT, new Reference("nan") {
            @Override
            public GradientResult gradients(ModelSpec spec, Parameters parameters, Batch batch) {
                GradientResult right = REFERENCE.gradients(spec, parameters, batch);
                Tensor w = right.parameterGradients().get("W").copy();
                w.set(Double.NaN, 1, 2);
                return new GradientResult(right.loss(), right.parameterGradients().with("W", w), right.inputGradients(),
                        right.initialStateGradients(), right.hiddenStateGradients());
            }
        });
        GradientResult result = nan.gradients(CASE.spec(), CASE.parameters(), CASE.batch());
        ExpectedOutputs expected = ExpectedOutputs.declaredBy(nan.capabilities());
        assertEquals("dL/dW has NaN at [row=1, col=2]",
                ResultCheck.gradientProblem(result, false, CASE.spec(), CASE.batch(), expected, true));
        assertEquals(List.of(Quantity.gradientOf("W")),
                ResultCheck.nonFiniteQuantities(null, result, false, CASE.spec(), CASE.batch(), expected));
    }

    @Test
    void aPluginGetsCopiesAndCannotChangeTheCallersTensors() throws PluginCallFailure {
        Parameters parameters = CASE.parameters().copy();
        Batch batch = new Batch(CASE.batch().inputs().copy(), CASE.batch().targets().copy(), null, null);
        isolated(IMPATIENT, new Reference("vandal") {
            @Override
            public GradientResult gradients(ModelSpec spec, Parameters given, Batch in) {
                java.util.Arrays.fill(given.get("W").data(), 0);
                java.util.Arrays.fill(in.inputs().data(), 0);
                return REFERENCE.gradients(spec, given, in);
            }
        }).gradients(CASE.spec(), parameters, batch);
        assertEquals(CASE.parameters(), parameters);
        assertEquals(CASE.batch().inputs(), batch.inputs());
    }

    @Test
    void aKnownDivergenceGetsTheCompleteArgumentsAndAnUnusableAnswerExplainsNothing() {
        Truncation truncation = new Truncation(2, 2);
        Object[] asked = new Object[5];
        IsolatedPlugin explaining = isolated(IMPATIENT, new Reference("explains") {
            @Override
            public GradientResult gradients(ModelSpec spec, Parameters parameters, Batch batch) {
                return REFERENCE.gradients(spec, parameters, batch);
            }

            @Override
            public Optional<org.bptt.api.WrongComputation> knownDivergence(ModelSpec spec, Parameters parameters,
                                                                           Batch batch, Truncation cut, Quantity quantity) {
                asked[0] = spec;
                asked[1] = parameters;
                asked[2] = batch;
                asked[3] = cut;
                asked[4] = quantity;
                return Optional.of(org.bptt.api.WrongComputation.unchecked("the library's own reason"));
            }
        });
        assertEquals(Optional.of("the library's own reason"), explaining.knownDivergence(CASE.spec(), CASE.parameters(),
                CASE.batch(), truncation, Quantity.LOSS).map(org.bptt.api.WrongComputation::description));
        assertEquals(List.of(CASE.spec(), CASE.parameters(), CASE.batch(), truncation, Quantity.LOSS), List.of(asked));
        for (Optional<org.bptt.api.WrongComputation> unusable : java.util.Arrays.asList(null,
                Optional.of(org.bptt.api.WrongComputation.unchecked(" ")),
                Optional.of(org.bptt.api.WrongComputation.unchecked(null)))) {
            IsolatedPlugin blank = isolated(IMPATIENT, new Reference("blank") {
                @Override
                public GradientResult gradients(ModelSpec spec, Parameters parameters, Batch batch) {
                    return REFERENCE.gradients(spec, parameters, batch);
                }

                @Override
                public Optional<org.bptt.api.WrongComputation> knownDivergence(ModelSpec spec, Parameters parameters,
                                                                               Batch batch, Truncation cut, Quantity quantity) {
                    return unusable;
                }
            });
            assertEquals(Optional.empty(), blank.knownDivergence(CASE.spec(), CASE.parameters(), CASE.batch(), null,
                    Quantity.LOSS));
        }
    }

    @Test
    void aLanguageModelIsCalledTheSameWay() throws PluginCallFailure {
        LoadedLanguageModel reference = REGISTRY.requireLanguageModel("reference-lm");
        LanguageModelSpec spec = new LanguageModelSpec(4, 2, 3, org.bptt.api.Activation.TANH);
        LanguageModelParameters parameters = LanguageModelParameters.zeros(spec);
        TokenBatch batch = new TokenBatch(new int[][] {{0, 1, 2, 3}});
        LanguageModelForward forward = IMPATIENT.isolate(reference).forward(spec, parameters, batch);
        assertEquals(Math.log(4), forward.loss(), 1e-12, "zero weights predict uniformly: perplexity |V|");

        LanguageModelImplementation hanging = new LanguageModelImplementation() {
            @Override
            public PluginInfo info() {
                return new PluginInfo("lm-hangs", "test", "1", "tests", "");
            }

            @Override
            public LanguageModelForward forward(LanguageModelSpec s, LanguageModelParameters p, TokenBatch b) {
                return reference.implementation().forward(s, p, b);
            }

            @Override
            public LanguageModelGradients gradients(LanguageModelSpec s, LanguageModelParameters p, TokenBatch b) {
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return null;
            }
        };
        IsolatedLanguageModel isolated = IMPATIENT.isolate(LoadedLanguageModel.of(hanging, "test"));
        PluginCallFailure failure = assertThrows(PluginCallFailure.class, () -> isolated.gradients(spec, parameters, batch));
        assertEquals("lm-hangs: gradients() timed out after 200ms", failure.describe());
    }

    @Test
    void aTimeoutMustBePositive() {
        InvalidInputException error = assertThrows(InvalidInputException.class, () -> new PluginCalls(Duration.ZERO));
        assertTrue(error.getMessage().contains("must be positive"), error.getMessage());
    }
}
