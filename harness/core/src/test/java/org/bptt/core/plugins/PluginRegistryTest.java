package org.bptt.core.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bptt.api.Capability;
import org.bptt.api.InvalidInputException;
import org.bptt.api.LanguageModelImplementation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginRegistryTest {

    @TempDir
    Path temp;

    private Path pluginDirectory() throws IOException {
        return Files.createDirectories(temp.resolve("plugins"));
    }

    @Test
    void findsTheReferencePluginsOnTheClassPath() {
        PluginRegistry registry = PluginRegistry.discover(List.of());
        assertEquals(List.of(), registry.problems());
        assertTrue(registry.ids().containsAll(List.of("reference-aggregated", "reference-naive", "reference-rtrl")), registry.ids()::toString);
        LoadedPlugin aggregated = registry.require("reference-aggregated");
        assertEquals(PluginRegistry.CLASS_PATH, aggregated.source());
        assertTrue(aggregated.has(Capability.MASKS));
        assertEquals(registry.ids().stream().sorted().toList(), registry.ids(), "sorted by id");
    }

    @Test
    void findsAPluginInAJarWithTheJarAsSource() throws IOException {
        Path directory = pluginDirectory();
        Path jar = PluginJars.build(directory, "demo.jar", "DemoPlugin", PluginJars.pluginSource("DemoPlugin", "jar-demo", "", ""));
        PluginRegistry registry = PluginRegistry.discover(List.of(directory));
        assertEquals(List.of(), registry.problems());
        LoadedPlugin demo = registry.require("jar-demo");
        assertEquals(jar.toString(), demo.source());
        assertEquals("Demo jar-demo", demo.info().name());
        assertTrue(demo.has(Capability.TANH));
        // Its own class loader, whose parent is the core's: it shares the API types.
        assertTrue(demo.implementation().getClass().getClassLoader() != PluginRegistry.class.getClassLoader());
        assertTrue(registry.find("reference-naive").isPresent(), "class-path plugins are still there");
    }

    @Test
    void aProviderWhoseConstructorThrowsBecomesAProblem() throws IOException {
        Path directory = pluginDirectory();
        Path broken = PluginJars.build(directory, "broken.jar", "BrokenPlugin",
                PluginJars.pluginSource("BrokenPlugin", "broken", "throw new IllegalStateException(\"no licence file\");", ""));
        PluginJars.build(directory, "good.jar", "GoodPlugin", PluginJars.pluginSource("GoodPlugin", "good", "", ""));
        PluginRegistry registry = PluginRegistry.discover(List.of(directory));
        assertEquals(1, registry.problems().size(), registry.problems()::toString);
        PluginProblem problem = registry.problems().get(0);
        assertEquals(broken.toString(), problem.source());
        assertTrue(problem.message().contains("demo.BrokenPlugin"), problem.message());
        assertTrue(problem.message().contains("no licence file"), problem.message());
        assertTrue(registry.find("broken").isEmpty());
        assertTrue(registry.find("good").isPresent(), "the other jar is still loaded");
    }

    @Test
    void aProviderWhoseInfoThrowsBecomesAProblem() throws IOException {
        Path directory = pluginDirectory();
        PluginJars.build(directory, "noinfo.jar", "NoInfoPlugin",
                PluginJars.pluginSource("NoInfoPlugin", "noinfo", "", "if (true) throw new RuntimeException(\"info exploded\");"));
        PluginRegistry registry = PluginRegistry.discover(List.of(directory));
        assertEquals(1, registry.problems().size());
        assertTrue(registry.problems().get(0).message().contains("info exploded"), registry.problems().get(0).message());
    }

    @Test
    void aDuplicateIdIsRefusedNamingBothSources() throws IOException {
        Path directory = pluginDirectory();
        Path impostor = PluginJars.build(directory, "impostor.jar", "Impostor",
                PluginJars.pluginSource("Impostor", "reference-aggregated", "", ""));
        PluginRegistry registry = PluginRegistry.discover(List.of(directory));
        assertEquals(1, registry.problems().size(), registry.problems()::toString);
        String message = registry.problems().get(0).message();
        assertTrue(message.contains("duplicate plugin id 'reference-aggregated'"), message);
        assertTrue(message.contains(impostor.toString()), message);
        assertTrue(message.contains(PluginRegistry.CLASS_PATH), message);
        assertEquals(PluginRegistry.CLASS_PATH, registry.require("reference-aggregated").source(), "the first one found wins");
    }

    @Test
    void aMissingDirectoryIsFineAndAFileIsAProblem() throws IOException {
        Path file = Files.writeString(temp.resolve("not-a-directory.txt"), "x");
        PluginRegistry registry = PluginRegistry.discover(List.of(temp.resolve("does-not-exist"), file));
        assertEquals(1, registry.problems().size(), registry.problems()::toString);
        assertEquals(file.toString(), registry.problems().get(0).source());
        assertTrue(registry.problems().get(0).message().contains("not a directory"));
    }

    @Test
    void languageModelsAreFoundLikeImplementationsOnTheClassPathAndInJars() throws IOException {
        Path directory = pluginDirectory();
        Path jar = PluginJars.build(directory, "lm.jar", "DemoLanguageModel",
                PluginJars.languageModelSource("DemoLanguageModel", "demo-lm"), LanguageModelImplementation.class);
        PluginJars.build(directory, "lm-impostor.jar", "ImpostorLanguageModel",
                PluginJars.languageModelSource("ImpostorLanguageModel", "reference-lm"), LanguageModelImplementation.class);
        PluginRegistry registry = PluginRegistry.discover(List.of(directory));
        assertEquals(PluginRegistry.CLASS_PATH, registry.requireLanguageModel("reference-lm").source());
        assertEquals(jar.toString(), registry.requireLanguageModel("demo-lm").source());
        assertEquals(List.of("demo-lm", "reference-lm"), registry.languageModels().stream().map(LoadedLanguageModel::id).toList());
        assertEquals(1, registry.problems().size(), registry.problems()::toString);
        assertTrue(registry.problems().get(0).message().contains("duplicate language model id 'reference-lm'"),
                registry.problems().get(0).message());
        InvalidInputException unknown = assertThrows(InvalidInputException.class, () -> registry.requireLanguageModel("nope"));
        assertEquals("no language model with id 'nope'; installed: [demo-lm, reference-lm]", unknown.getMessage());
        assertTrue(registry.find("demo-lm").isEmpty(), "a language model is not an RnnImplementation");
    }

    @Test
    void requireNamesTheAvailablePlugins() {
        PluginRegistry registry = PluginRegistry.discover(List.of());
        InvalidInputException error = assertThrows(InvalidInputException.class, () -> registry.require("nope"));
        assertEquals("unknown implementation 'nope'; available: " + String.join(", ", registry.ids()), error.getMessage());
    }
}
