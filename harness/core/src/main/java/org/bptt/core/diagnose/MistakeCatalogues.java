package org.bptt.core.diagnose;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.bptt.api.CataloguedMistake;
import org.bptt.api.MistakeCatalogue;
import org.bptt.api.WrongComputation;
import org.bptt.core.plugins.PluginCalls;

/**
 * Every {@link MistakeCatalogue} on the class path, with the pairs each catalogue's mistakes form. A catalogue that
 * cannot be instantiated is left out and reported in {@link #problems()}, never fatal; a mistake whose name another
 * catalogue already gave is left out likewise.
 */
public final class MistakeCatalogues {

    /** Two mistakes made at once, and the model of that. */
    public record Pair(CataloguedMistake first, CataloguedMistake second, WrongComputation model) {
    }

    private final List<CataloguedMistake> mistakes = new ArrayList<>();
    private final List<Pair> pairs = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();

    /** The catalogues given, in order. */
    public MistakeCatalogues(List<MistakeCatalogue> catalogues) {
        for (MistakeCatalogue catalogue : catalogues) {
            add(catalogue);
        }
    }

    /** Every catalogue that {@link ServiceLoader} finds on the class path. */
    public static MistakeCatalogues fromClassPath() {
        MistakeCatalogues found = new MistakeCatalogues(List.of());
        ServiceLoader.load(MistakeCatalogue.class).stream().forEach(provider -> {
            try {
                found.add(provider.get());
            } catch (RuntimeException | LinkageError e) {
                found.problems.add("mistake catalogue " + provider.type().getName() + " cannot be loaded: "
                        + PluginCalls.describe(e));
            }
        });
        return found;
    }

    private void add(MistakeCatalogue catalogue) {
        List<CataloguedMistake> own = new ArrayList<>();
        try {
            for (CataloguedMistake mistake : catalogue.mistakes()) {
                if (mistakes.stream().anyMatch(m -> m.name().equals(mistake.name()))) {
                    problems.add("mistake " + mistake.name() + " of " + catalogue.getClass().getName()
                            + " is already catalogued; left out");
                    continue;
                }
                own.add(mistake);
            }
            for (int i = 0; i < own.size(); i++) {
                for (int j = i + 1; j < own.size(); j++) {
                    CataloguedMistake first = own.get(i);
                    CataloguedMistake second = own.get(j);
                    catalogue.together(first, second).ifPresent(model -> pairs.add(new Pair(first, second, model)));
                }
            }
        } catch (RuntimeException e) {
            problems.add("mistake catalogue " + catalogue.getClass().getName() + " failed: " + PluginCalls.describe(e));
            return;
        }
        mistakes.addAll(own);
    }

    /** Every catalogued mistake, catalogue by catalogue. */
    public List<CataloguedMistake> mistakes() {
        return List.copyOf(mistakes);
    }

    /** Every pair of one catalogue's mistakes that combine. */
    public List<Pair> pairs() {
        return List.copyOf(pairs);
    }

    /** What could not be loaded, one line each. */
    public List<String> problems() {
        return List.copyOf(problems);
    }
}
