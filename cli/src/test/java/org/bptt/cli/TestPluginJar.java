package org.bptt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** A plugin jar built at test time, as an author would ship one: one class compiled against the API, registered. */
final class TestPluginJar {

    private TestPluginJar() {
    }

    /**
     * Compiles {@code source}, the class {@code className}, in {@code workDirectory} and writes {@code jar} holding
     * its classes and the line registering it as a {@code service} provider.
     */
    static Path build(Path workDirectory, Path jar, String className, String source, Class<?> service) throws IOException {
        String path = className.replace('.', '/');
        Path sourceFile = workDirectory.resolve("src").resolve(path + ".java");
        Files.createDirectories(sourceFile.getParent());
        Files.writeString(sourceFile, source);
        Path classes = Files.createDirectories(workDirectory.resolve("classes"));
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        int status = compiler.run(null, null, null, "-d", classes.toString(), "-classpath", PluginsFolderTest.testClassPath(),
                sourceFile.toString());
        assertEquals(0, status, "the test plugin " + className + " did not compile");
        String packagePath = path.substring(0, path.lastIndexOf('/') + 1);
        String simpleName = path.substring(packagePath.length());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
             var compiled = Files.list(classes.resolve(packagePath))) {
            for (Path file : compiled.filter(file -> file.getFileName().toString().startsWith(simpleName)).sorted().toList()) {
                add(out, packagePath + file.getFileName(), Files.readAllBytes(file));
            }
            add(out, "META-INF/services/" + service.getName(), (className + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return jar;
    }

    private static void add(JarOutputStream jar, String name, byte[] content) throws IOException {
        jar.putNextEntry(new JarEntry(name));
        jar.write(content);
        jar.closeEntry();
    }
}
