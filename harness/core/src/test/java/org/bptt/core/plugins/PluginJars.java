package org.bptt.core.plugins;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.bptt.api.RnnImplementation;

/** Builds plugin jars at test time: compiles Java sources against harness-api and packages them with a service file. */
final class PluginJars {

    private PluginJars() {
    }

    /**
     * Compiles {@code source} (a public class {@code className} in package {@code demo}) and writes
     * {@code directory/jarName} with the class and {@code META-INF/services/org.bptt.api.RnnImplementation}.
     */
    static Path build(Path directory, String jarName, String className, String source) throws IOException {
        return build(directory, jarName, className, source, RnnImplementation.class);
    }

    /** {@link #build(Path, String, String, String)} registering the class as a provider of {@code service}. */
    static Path build(Path directory, String jarName, String className, String source, Class<?> service) throws IOException {
        Path work = Files.createTempDirectory(directory.getParent(), "src-");
        Path sourceFile = work.resolve("demo").resolve(className + ".java");
        Files.createDirectories(sourceFile.getParent());
        Files.writeString(sourceFile, source);
        Path classes = work.resolve("classes");
        Files.createDirectories(classes);
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        if (compiler == null) {
            throw new IllegalStateException("no Java compiler: the tests need a JDK, not a JRE");
        }
        int status = compiler.run(null, null, null, "--release", "17", "-classpath", apiLocation().toString(),
                "-d", classes.toString(), sourceFile.toString());
        if (status != 0) {
            throw new IllegalStateException("compiling " + sourceFile + " failed with status " + status);
        }
        Path jar = directory.resolve(jarName);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> files = Files.walk(classes)) {
            List<Path> classFiles = new ArrayList<>(files.filter(Files::isRegularFile).sorted().toList());
            for (Path classFile : classFiles) {
                out.putNextEntry(new JarEntry(classes.relativize(classFile).toString().replace('\\', '/')));
                Files.copy(classFile, out);
                out.closeEntry();
            }
            out.putNextEntry(new JarEntry("META-INF/services/" + service.getName()));
            writeLine(out, "demo." + className);
            out.closeEntry();
        }
        return jar;
    }

    private static void writeLine(OutputStream out, String line) throws IOException {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** The harness-api jar or classes folder, for the compiler's class path. */
    private static Path apiLocation() {
        try {
            return Path.of(RnnImplementation.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The source of a plugin class {@code demo.<className>} with id {@code id}; {@code constructorBody} and
     * {@code infoBody} let a test make it throw.
     */
    static String pluginSource(String className, String id, String constructorBody, String infoBody) {
        return """
                package demo;

                import java.util.EnumSet;
                import java.util.Set;
                import org.bptt.api.*;

                public class %1$s implements RnnImplementation {
                    public %1$s() {
                        %3$s
                    }

                    @Override
                    public PluginInfo info() {
                        %4$s
                        return new PluginInfo("%2$s", "Demo %2$s", "1.0", "tests", "a plugin built by a test");
                    }

                    @Override
                    public Set<Capability> capabilities() {
                        return EnumSet.of(Capability.TANH, Capability.PER_STEP_SOFTMAX, Capability.BIASES, Capability.FLOAT64);
                    }

                    @Override
                    public ForwardResult forward(ModelSpec spec, Parameters parameters, Batch batch) {
                        throw new UnsupportedOperationException("discovery only");
                    }

                    @Override
                    public GradientResult gradients(ModelSpec spec, Parameters parameters, Batch batch) {
                        throw new UnsupportedOperationException("discovery only");
                    }
                }
                """.formatted(className, id, constructorBody, infoBody);
    }

    /** The source of a language model {@code demo.<className>} with id {@code id}, for discovery only. */
    static String languageModelSource(String className, String id) {
        return """
                package demo;

                import org.bptt.api.*;

                public class %1$s implements LanguageModelImplementation {
                    @Override
                    public PluginInfo info() {
                        return new PluginInfo("%2$s", "Demo %2$s", "1.0", "tests", "a language model built by a test");
                    }

                    @Override
                    public LanguageModelForward forward(LanguageModelSpec spec, LanguageModelParameters parameters,
                                                        TokenBatch batch) {
                        throw new UnsupportedOperationException("discovery only");
                    }

                    @Override
                    public LanguageModelGradients gradients(LanguageModelSpec spec, LanguageModelParameters parameters,
                                                            TokenBatch batch) {
                        throw new UnsupportedOperationException("discovery only");
                    }
                }
                """.formatted(className, id);
    }
}
