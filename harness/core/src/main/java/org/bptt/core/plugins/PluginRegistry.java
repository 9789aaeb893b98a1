package org.bptt.core.plugins;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.bptt.api.Capability;
import org.bptt.api.InvalidInputException;
import org.bptt.api.PluginFailureException;
import org.bptt.api.LanguageModelImplementation;
import org.bptt.api.PluginInfo;
import org.bptt.api.RnnImplementation;
import org.bptt.api.RnnImplementationFactory;

/**
 * Finds the plugins of every extension point with {@link ServiceLoader}: {@link RnnImplementation}s,
 * {@link LanguageModelImplementation}s and {@link RnnImplementationFactory}s. Implementations are looked for on the
 * class path (the thread's context class loader) and in every {@code *.jar} of the given plugin directories, each jar
 * in its own {@link URLClassLoader} whose parent is this class's loader (so a plugin sees the API, and plugins do not
 * see each other).
 *
 * <p>Nothing a plugin does is fatal to discovery: a provider that cannot be instantiated, or whose {@code info()}
 * or {@code capabilities()} throws, becomes a {@link PluginProblem}; so does a second plugin of an extension point
 * with an id already taken there (the first one found wins: class path first, then the directories in order, jars
 * sorted by name).
 *
 * <p>{@link RnnImplementationFactory}s on the class path (not in plugin directories) own id prefixes such as
 * {@code cmd:}: {@link #find} and {@link #require} resolve an id that is not a discovered plugin's and starts with a
 * registered prefix through its factory, once per id and registry (the implementation is kept for later look-ups).
 * Such implementations are not among {@link #plugins()}. A factory that cannot be instantiated, or a second one for
 * a prefix already taken, is a {@link PluginProblem}; a factory that cannot make an id throws
 * {@link InvalidInputException} from the look-up, with its reason.
 *
 * <p>Commands call what they find here through {@link PluginCalls}, never directly.
 */
public final class PluginRegistry {

    /** The {@link LoadedPlugin#source()} of plugins found on the class path. */
    public static final String CLASS_PATH = "class path";

    /** Where a jar registers its implementations. */
    public static final String SERVICE_FILE = "META-INF/services/" + RnnImplementation.class.getName();
    /** Where a jar registers its language models. */
    public static final String LANGUAGE_MODEL_SERVICE_FILE = "META-INF/services/" + LanguageModelImplementation.class.getName();

    /** Listing stops after this many unlistable providers in one source (so a broken loader cannot loop forever). */
    private static final int MAX_LISTING_ERRORS = 100;

    private final List<LoadedPlugin> plugins;
    private final List<LoadedLanguageModel> languageModels;
    private final List<PluginProblem> problems;
    /** Factories by prefix, in discovery order. */
    private final Map<String, RnnImplementationFactory> factories;
    /** Implementations made by a factory, by id. */
    private final Map<String, LoadedPlugin> created = new ConcurrentHashMap<>();

    private PluginRegistry(List<LoadedPlugin> plugins, List<LoadedLanguageModel> languageModels, List<PluginProblem> problems,
                           Map<String, RnnImplementationFactory> factories) {
        this.plugins = plugins.stream().sorted(Comparator.comparing(LoadedPlugin::id)).toList();
        this.languageModels = languageModels.stream().sorted(Comparator.comparing(LoadedLanguageModel::id)).toList();
        this.problems = List.copyOf(problems);
        this.factories = factories;
    }

    /**
     * Discovers plugins on the class path and in {@code pluginDirectories} (null or empty: class path only).
     * A directory that does not exist is ignored; a path that is a file, or unreadable, is a problem.
     */
    public static PluginRegistry discover(List<Path> pluginDirectories) {
        Map<String, LoadedPlugin> byId = new LinkedHashMap<>();
        Map<String, LoadedLanguageModel> languageModelsById = new LinkedHashMap<>();
        List<PluginProblem> problems = new ArrayList<>();
        ClassLoader contextLoader = Thread.currentThread().getContextClassLoader();
        ClassLoader classPath = contextLoader != null ? contextLoader : PluginRegistry.class.getClassLoader();
        load(IMPLEMENTATIONS, classPath, null, CLASS_PATH, byId, problems);
        load(LANGUAGE_MODELS, classPath, null, CLASS_PATH, languageModelsById, problems);
        for (Path directory : pluginDirectories == null ? List.<Path>of() : pluginDirectories) {
            for (Path jar : jarsIn(directory, problems)) {
                String source = jar.toString();
                // URLClassLoader silently finds nothing in a corrupt jar: check it first, so it is reported.
                String unreadable = unreadablePluginJar(jar);
                if (unreadable != null) {
                    problems.add(new PluginProblem(source, unreadable));
                    continue;
                }
                URLClassLoader loader;
                try {
                    loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, PluginRegistry.class.getClassLoader());
                } catch (MalformedURLException e) {
                    problems.add(new PluginProblem(source, "cannot be turned into a URL: " + e.getMessage()));
                    continue;
                }
                // The loader stays open: the plugin's classes are loaded lazily while it runs.
                load(IMPLEMENTATIONS, loader, loader, source, byId, problems);
                load(LANGUAGE_MODELS, loader, loader, source, languageModelsById, problems);
            }
        }
        Map<String, RnnImplementationFactory> factories = loadFactories(classPath, problems);
        return new PluginRegistry(new ArrayList<>(byId.values()), new ArrayList<>(languageModelsById.values()), problems,
                factories);
    }

    /** The class path's factories by prefix; a broken or duplicate one becomes a problem. */
    private static Map<String, RnnImplementationFactory> loadFactories(ClassLoader loader, List<PluginProblem> problems) {
        Map<String, RnnImplementationFactory> byPrefix = new LinkedHashMap<>();
        try {
            for (ServiceLoader.Provider<RnnImplementationFactory> provider
                    : ServiceLoader.load(RnnImplementationFactory.class, loader).stream().toList()) {
                try {
                    RnnImplementationFactory factory = provider.get();
                    String prefix = factory.prefix();
                    if (prefix == null || !prefix.matches("[a-z0-9][a-z0-9._-]*:")) {
                        problems.add(new PluginProblem(CLASS_PATH, provider.type().getName() + " has prefix '" + prefix
                                + "'; a prefix is lower case letters, digits, '.', '_' or '-' ending in ':'"));
                    } else if (byPrefix.containsKey(prefix)) {
                        problems.add(new PluginProblem(CLASS_PATH, "duplicate factory prefix '" + prefix + "': "
                                + provider.type().getName() + " is refused; the prefix is taken by "
                                + byPrefix.get(prefix).getClass().getName()));
                    } else {
                        byPrefix.put(prefix, factory);
                    }
                } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
                    problems.add(new PluginProblem(CLASS_PATH, "a plugin factory could not be loaded: " + describe(e)));
                }
            }
        } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
            problems.add(new PluginProblem(CLASS_PATH, "cannot list the plugin factories: " + describe(e)));
        }
        return byPrefix;
    }

    /** Only the class path. */
    public static PluginRegistry discover() {
        return discover(List.of());
    }

    /** Why {@code jar} cannot hold a plugin (not a zip file, or no service registration), or null when it can. */
    private static String unreadablePluginJar(Path jar) {
        try (java.util.jar.JarFile file = new java.util.jar.JarFile(jar.toFile())) {
            if (file.getEntry(SERVICE_FILE) == null && file.getEntry(LANGUAGE_MODEL_SERVICE_FILE) == null) {
                return "registers no plugin: the jar has no " + SERVICE_FILE + " (nor " + LANGUAGE_MODEL_SERVICE_FILE + ")";
            }
            return null;
        } catch (IOException | SecurityException e) {
            return "is not a readable jar: " + e.getMessage();
        }
    }

    private static List<Path> jarsIn(Path directory, List<PluginProblem> problems) {
        if (!Files.exists(directory)) {
            return List.of();
        }
        if (!Files.isDirectory(directory)) {
            problems.add(new PluginProblem(directory.toString(), "is not a directory; a plugin directory holds plugin jars"));
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(path -> path.getFileName().toString().endsWith(".jar") && Files.isRegularFile(path))
                    .sorted().toList();
        } catch (IOException | RuntimeException e) {
            problems.add(new PluginProblem(directory.toString(), "cannot be listed: " + e));
            return List.of();
        }
    }

    /**
     * One extension point as discovery sees it: its service type, and how a provider's instance becomes what the
     * registry keeps (reading, once, what a later call must not throw from).
     *
     * @param service  the extension point, e.g. {@link RnnImplementation}
     * @param noun     what the point's plugins are called in problems, e.g. {@code plugin}
     * @param describe reads an instance; throws {@link RefusedProvider} with the reason for a broken one
     * @param id       the id of what was read
     * @param instance the instance of what was read
     * @param source   where what was read came from
     */
    private record ExtensionPoint<S, L>(Class<S> service, String noun, Describer<S, L> describe, Function<L, String> id,
                                        Function<L, Object> instance, Function<L, String> source) {
    }

    /** Reads a provider's instance into what the registry keeps. */
    @FunctionalInterface
    private interface Describer<S, L> {
        L describe(S instance, String providerName, String source);
    }

    /** A provider whose instance is unusable, with the reason; it becomes a {@link PluginProblem}. */
    private static final class RefusedProvider extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RefusedProvider(String reason) {
            super(reason);
        }
    }

    private static final ExtensionPoint<RnnImplementation, LoadedPlugin> IMPLEMENTATIONS = new ExtensionPoint<>(
            RnnImplementation.class, "plugin", PluginRegistry::describeImplementation, LoadedPlugin::id,
            LoadedPlugin::implementation, LoadedPlugin::source);

    private static final ExtensionPoint<LanguageModelImplementation, LoadedLanguageModel> LANGUAGE_MODELS = new ExtensionPoint<>(
            LanguageModelImplementation.class, "language model", PluginRegistry::describeLanguageModel,
            LoadedLanguageModel::id, LoadedLanguageModel::implementation, LoadedLanguageModel::source);

    private static LoadedPlugin describeImplementation(RnnImplementation implementation, String providerName, String source) {
        PluginInfo info = implementation.info();
        if (info == null) {
            throw new RefusedProvider(providerName + ".info() returned null");
        }
        Set<Capability> capabilities = implementation.capabilities();
        if (capabilities == null) {
            throw new RefusedProvider("plugin '" + info.id() + "' (" + providerName + ") returned null capabilities");
        }
        return new LoadedPlugin(implementation, info, capabilities, source);
    }

    private static LoadedLanguageModel describeLanguageModel(LanguageModelImplementation model, String providerName,
                                                             String source) {
        PluginInfo info = model.info();
        if (info == null) {
            throw new RefusedProvider(providerName + ".info() returned null");
        }
        return new LoadedLanguageModel(model, info, source);
    }

    /**
     * Loads every provider of {@code point} that {@code loader} lists. With {@code ownLoader} set (a jar's loader),
     * only providers whose class that loader defined are taken: a service loader also lists its parent's providers
     * (the class path's), which are already loaded. (A jar that bundles a class-path plugin's class therefore adds
     * nothing.)
     */
    private static <S, L> void load(ExtensionPoint<S, L> point, ClassLoader loader, ClassLoader ownLoader, String source,
                                    Map<String, L> byId, List<PluginProblem> problems) {
        List<ServiceLoader.Provider<S>> providers = new ArrayList<>();
        try {
            Iterator<ServiceLoader.Provider<S>> iterator = ServiceLoader.load(point.service(), loader).stream().iterator();
            int errors = 0;
            while (errors < MAX_LISTING_ERRORS) {
                try {
                    if (!iterator.hasNext()) {
                        break;
                    }
                    ServiceLoader.Provider<S> provider = iterator.next();
                    if (ownLoader == null || provider.type().getClassLoader() == ownLoader) {
                        providers.add(provider);
                    }
                } catch (ServiceConfigurationError | LinkageError e) {
                    // A malformed META-INF/services line or a provider class that cannot be loaded: the service
                    // loader makes a best effort to go on with the next one.
                    problems.add(new PluginProblem(source, "a provider cannot be listed: " + describe(e)));
                    errors++;
                }
            }
        } catch (RuntimeException e) {
            problems.add(new PluginProblem(source, "cannot list its providers: " + describe(e)));
        }
        for (ServiceLoader.Provider<S> provider : providers) {
            String providerName = providerName(provider);
            L loaded;
            try {
                loaded = point.describe().describe(provider.get(), providerName, source);
            } catch (RefusedProvider e) {
                problems.add(new PluginProblem(source, e.getMessage()));
                continue;
            } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
                problems.add(new PluginProblem(source, providerName + " could not be loaded: " + describe(e)));
                continue;
            }
            String id = point.id().apply(loaded);
            L first = byId.get(id);
            if (first != null) {
                problems.add(new PluginProblem(source, "duplicate " + point.noun() + " id '" + id + "': " + providerName
                        + " from " + source + " is refused; the id is already taken by "
                        + point.instance().apply(first).getClass().getName() + " from " + point.source().apply(first)));
                continue;
            }
            byId.put(id, loaded);
        }
    }

    private static String providerName(ServiceLoader.Provider<?> provider) {
        try {
            return provider.type().getName();
        } catch (RuntimeException | LinkageError e) {
            return "a provider";
        }
    }

    /** The exception's class and message, with the root cause (a provider's constructor exception is wrapped). */
    private static String describe(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = error.getClass().getSimpleName() + ": " + error.getMessage();
        return root == error ? text : text + " (caused by " + root.getClass().getName() + ": " + root.getMessage() + ")";
    }

    /** Every plugin found, sorted by id. */
    public List<LoadedPlugin> plugins() {
        return plugins;
    }

    /** Every language model found, sorted by id. */
    public List<LoadedLanguageModel> languageModels() {
        return languageModels;
    }

    /**
     * The language model called {@code id}.
     *
     * @throws InvalidInputException "no language model with id 'x'; installed: [a, b]"
     */
    public LoadedLanguageModel requireLanguageModel(String id) {
        return languageModels.stream().filter(model -> model.id().equals(id)).findFirst()
                .orElseThrow(() -> new InvalidInputException("no language model with id '" + id + "'; installed: "
                        + languageModels.stream().map(LoadedLanguageModel::id).toList()));
    }

    /** Everything that could not be loaded, in discovery order. */
    public List<PluginProblem> problems() {
        return problems;
    }

    /** The factories of prefixed ids (such as {@code cmd:}), by prefix. */
    public Map<String, RnnImplementationFactory> factories() {
        return Collections.unmodifiableMap(factories);
    }

    /**
     * The plugin called {@code id}: a discovered one, else one made by the factory whose prefix starts the id
     * (made on the first look-up, then kept), else empty.
     *
     * @throws InvalidInputException when a factory owns the id's prefix but cannot make it (its reason)
     */
    public Optional<LoadedPlugin> find(String id) {
        Optional<LoadedPlugin> discovered = plugins.stream().filter(plugin -> plugin.id().equals(id)).findFirst();
        if (discovered.isPresent() || id == null) {
            return discovered;
        }
        for (Map.Entry<String, RnnImplementationFactory> factory : factories.entrySet()) {
            if (id.startsWith(factory.getKey())) {
                return Optional.of(created.computeIfAbsent(id, ignored -> create(factory.getValue(), id)));
            }
        }
        return Optional.empty();
    }

    private static LoadedPlugin create(RnnImplementationFactory factory, String id) {
        RnnImplementation implementation;
        PluginInfo info;
        Set<Capability> capabilities;
        try {
            implementation = factory.create(id);
            info = implementation.info();
            capabilities = implementation.capabilities();
        } catch (InvalidInputException | PluginFailureException e) {
            throw e;
        } catch (RuntimeException | LinkageError e) {
            throw new InvalidInputException("implementation '" + id + "' could not be made by "
                    + factory.getClass().getName() + ": " + describe(e));
        }
        InvalidInputException.require(info != null && id.equals(info.id()) && capabilities != null,
                "%s made implementation '%s' with info %s and capabilities %s; its info must carry that id, and capabilities must not be null",
                factory.getClass().getName(), id, info, capabilities);
        return new LoadedPlugin(implementation, info, capabilities, factory.prefix() + " factory " + factory.getClass().getName());
    }

    /**
     * Another instance of {@code plugin}, for a caller that calls it from several threads at once (the SPI allows
     * one call at a time per instance): a discovered plugin's class made again through its public no-argument
     * constructor (which {@link ServiceLoader} requires of it), a factory's plugin made again by its factory (a
     * {@code cmd:} plugin then has a process of its own). Empty for a plugin this registry did not make, or one that
     * cannot be made again; the caller then shares the one instance.
     */
    public Optional<LoadedPlugin> newInstance(LoadedPlugin plugin) {
        try {
            if (plugins.stream().anyMatch(discovered -> discovered == plugin)) {
                RnnImplementation again = plugin.implementation().getClass().getConstructor().newInstance();
                return Optional.of(new LoadedPlugin(again, plugin.info(), plugin.capabilities(), plugin.source()));
            }
            if (created.get(plugin.id()) == plugin) {
                for (Map.Entry<String, RnnImplementationFactory> factory : factories.entrySet()) {
                    if (plugin.id().startsWith(factory.getKey())) {
                        return Optional.of(create(factory.getValue(), plugin.id()));
                    }
                }
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /**
     * The plugin called {@code id}.
     *
     * @throws InvalidInputException "unknown implementation 'x'; available: a, b, c"
     */
    public LoadedPlugin require(String id) {
        return find(id).orElseThrow(() -> new InvalidInputException("unknown implementation '" + id + "'; available: "
                + (plugins.isEmpty() ? "none" : plugins.stream().map(LoadedPlugin::id).collect(Collectors.joining(", ")))
                + factories.values().stream().map(factory -> "; or " + factory.description()).collect(Collectors.joining())));
    }

    /** The ids of every plugin, sorted. */
    public List<String> ids() {
        return plugins.stream().map(LoadedPlugin::id).toList();
    }
}
