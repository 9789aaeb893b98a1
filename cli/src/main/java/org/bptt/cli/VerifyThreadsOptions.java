package org.bptt.cli;

import picocli.CommandLine;
import picocli.CommandLine.Option;

/** How many cases the verification runs at once ({@link org.bptt.core.verify.ParallelVerifier}). */
final class VerifyThreadsOptions {

    @Option(names = "--threads", paramLabel = "N", converter = AtLeastOne.class,
            description = "Cases verified at once, each on its own instance of every plugin (a cmd: plugin starts one"
                    + " process per thread); the results and reports are the same for every N (default: the available"
                    + " processors).")
    Integer threads;

    /** The chosen number, or one per available processor. */
    int threads() {
        return threads != null ? threads : Runtime.getRuntime().availableProcessors();
    }

    /** Checks the value while the command line is parsed. */
    static final class AtLeastOne implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int threads;
            try {
                threads = Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("--threads must be a whole number, got '" + value + "'");
            }
            if (threads < 1) {
                throw new CommandLine.TypeConversionException("--threads must be at least 1, got " + value);
            }
            return threads;
        }
    }
}
