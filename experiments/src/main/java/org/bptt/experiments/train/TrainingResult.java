package org.bptt.experiments.train;

import java.util.ArrayList;
import java.util.List;
import org.bptt.experiments.clipping.Clipping;
import org.bptt.outputs.Statistics;
import org.bptt.outputs.Table;

/**
 * What a {@link TrainingExperiment} did: one record per T × seed × clipping rule, and the tables a run writes.
 *
 * @param settings          what was run
 * @param implementation    the plugin trained
 * @param chanceSuccessRate the task's success rate for an answer that ignores the input
 * @param runs              in grid order: T, then seed, then clipping rule
 */
public record TrainingResult(TrainingExperiment.Settings settings, String implementation, double chanceSuccessRate,
                             List<RunRecord> runs) {

    public TrainingResult {
        runs = List.copyOf(runs);
    }

    /**
     * One training run.
     *
     * @param length   T
     * @param clipping the rule applied
     * @param seed     the seed of its weights and batches
     * @param run      what the trainer did, or null when the plugin threw
     * @param error    the plugin's exception, or empty
     */
    public record RunRecord(int length, Clipping clipping, long seed, SgdTrainer.Run run, String error) {

        public boolean failed() {
            return run == null;
        }

        /** The success rate at the last evaluation (NaN for a failed run). */
        public double finalSuccessRate() {
            return run == null ? Double.NaN : run.lastEvaluation().successRate();
        }

        public double bestSuccessRate() {
            return run == null ? Double.NaN : run.bestSuccessRate();
        }

        public double initialLoss() {
            return run == null ? Double.NaN : run.evaluations().get(0).loss();
        }

        public double finalLoss() {
            return run == null ? Double.NaN : run.lastEvaluation().loss();
        }

        /** The largest evaluation loss (NaN or ∞ count as largest). */
        public double maxEvaluationLoss() {
            if (run == null) {
                return Double.NaN;
            }
            double largest = Double.NEGATIVE_INFINITY;
            for (SgdTrainer.Evaluation evaluation : run.evaluations()) {
                if (!Double.isFinite(evaluation.loss())) {
                    return Double.POSITIVE_INFINITY;
                }
                largest = Math.max(largest, evaluation.loss());
            }
            return largest;
        }

        /** The largest gradient norm before clipping (∞ when one was not finite). */
        public double maxGradientNorm() {
            if (run == null) {
                return Double.NaN;
            }
            double largest = 0;
            for (SgdTrainer.Step step : run.steps()) {
                if (!Double.isFinite(step.gradientNorm())) {
                    return Double.POSITIVE_INFINITY;
                }
                largest = Math.max(largest, step.gradientNorm());
            }
            return largest;
        }

        public long clippedSteps() {
            return run == null ? 0 : run.steps().stream().filter(SgdTrainer.Step::clipped).count();
        }

        public boolean diverged() {
            return run != null && run.diverged();
        }

        /** Diverged, or an evaluation loss above {@code factor} × the initial one. */
        public boolean blownUp(double factor) {
            return run != null && (run.diverged() || !(maxEvaluationLoss() <= factor * initialLoss()));
        }

        public boolean solved(double rate) {
            return finalSuccessRate() >= rate;
        }
    }

    /** The records of one T and clipping rule, in seed order. */
    public List<RunRecord> runs(int length, Clipping clipping) {
        return runs.stream().filter(run -> run.length() == length && run.clipping().equals(clipping)).toList();
    }

    /** The median final success rate over the seeds of one T and clipping rule. */
    public double medianSuccessRate(int length, Clipping clipping) {
        return Statistics.median(runs(length, clipping).stream().mapToDouble(RunRecord::finalSuccessRate).toArray());
    }

    /** The tables: {@code train-summary}, {@code train-runs}, {@code train-evaluations}, {@code train-steps}. */
    public List<Table> tables() {
        return List.of(summaryTable(), runTable(), evaluationTable(), stepTable());
    }

    /** One row per T × clipping rule: success rates over the seeds and how many runs solved or blew up. */
    public Table summaryTable() {
        Table.Builder table = Table.builder("train-summary", "task", "implementation", "T", "clipping", "seeds",
                "success_rate_median", "success_rate_min", "success_rate_max", "best_success_rate_median",
                "solved_runs", "blown_up_runs", "diverged_runs", "failed_runs", "final_loss_median",
                "max_gradient_norm_median", "chance_success_rate", "solved_rate", "blow_up_factor");
        for (int length : settings.lengths()) {
            for (Clipping clipping : settings.clippings()) {
                List<RunRecord> group = runs(length, clipping);
                double[] success = group.stream().mapToDouble(RunRecord::finalSuccessRate).toArray();
                table.row(settings.task(), implementation, length, clipping.label(), group.size(),
                        Statistics.median(success), Statistics.min(success), Statistics.max(success),
                        Statistics.median(group.stream().mapToDouble(RunRecord::bestSuccessRate).toArray()),
                        group.stream().filter(run -> run.solved(settings.solvedRate())).count(),
                        group.stream().filter(run -> run.blownUp(settings.blowUpFactor())).count(),
                        group.stream().filter(RunRecord::diverged).count(),
                        group.stream().filter(RunRecord::failed).count(),
                        Statistics.median(group.stream().mapToDouble(RunRecord::finalLoss).toArray()),
                        Statistics.median(group.stream().mapToDouble(RunRecord::maxGradientNorm).toArray()),
                        chanceSuccessRate, settings.solvedRate(), settings.blowUpFactor());
            }
        }
        return table.build();
    }

    /** One row per run. */
    public Table runTable() {
        Table.Builder table = Table.builder("train-runs", "task", "implementation", "T", "clipping", "seed",
                "steps_done", "diverged_at_step", "divergence", "initial_loss", "final_loss", "max_evaluation_loss",
                "final_success_rate", "best_success_rate", "solved", "blown_up", "max_gradient_norm", "clipped_steps",
                "error");
        for (RunRecord run : runs) {
            table.row(settings.task(), implementation, run.length(), run.clipping().label(), run.seed(),
                    run.failed() ? 0 : run.run().steps().size(), run.failed() ? -1 : run.run().divergedAtStep(),
                    run.failed() ? "" : run.run().divergence(), run.initialLoss(), run.finalLoss(),
                    run.maxEvaluationLoss(), run.finalSuccessRate(), run.bestSuccessRate(),
                    run.solved(settings.solvedRate()), run.blownUp(settings.blowUpFactor()), run.maxGradientNorm(),
                    run.clippedSteps(), run.error());
        }
        return table.build();
    }

    /** One row per evaluation of every run: the loss curve on the fixed evaluation batch. */
    public Table evaluationTable() {
        Table.Builder table = Table.builder("train-evaluations", "task", "implementation", "T", "clipping", "seed",
                "step", "loss", "success_rate");
        for (RunRecord run : runs) {
            if (run.failed()) {
                continue;
            }
            for (SgdTrainer.Evaluation evaluation : run.run().evaluations()) {
                table.row(settings.task(), implementation, run.length(), run.clipping().label(), run.seed(),
                        evaluation.step(), evaluation.loss(), evaluation.successRate());
            }
        }
        return table.build();
    }

    /** One row per SGD step of every run: the training batch's loss and the gradient norm before and after clipping. */
    public Table stepTable() {
        Table.Builder table = Table.builder("train-steps", "task", "implementation", "T", "clipping", "seed", "step",
                "loss", "gradient_norm", "applied_norm");
        for (RunRecord run : runs) {
            if (run.failed()) {
                continue;
            }
            for (SgdTrainer.Step step : run.run().steps()) {
                table.row(settings.task(), implementation, run.length(), run.clipping().label(), run.seed(),
                        step.step(), step.loss(), step.gradientNorm(), step.appliedNorm());
            }
        }
        return table.build();
    }

    /** The plugin errors, as "T=…, clipping …, seed …: message". */
    public List<String> errors() {
        List<String> errors = new ArrayList<>();
        for (RunRecord run : runs) {
            if (run.failed()) {
                errors.add("T=" + run.length() + ", clipping " + run.clipping().label() + ", seed " + run.seed() + ": " + run.error());
            }
        }
        return errors;
    }
}
