package org.bptt.external;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.bptt.api.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bptt class} runs each student's program in a folder of its own: the program, a relative path to it, and
 * what it writes without a path all live in that folder, not in the JVM's working directory.
 */
@EnabledOnOs(OS.LINUX)
class WorkingDirectoryTest {

    @Test
    void theProgramStartsFoundAndWritingInItsWorkingFolder(@TempDir Path folder) throws IOException {
        try (InputStream fake = WorkingDirectoryTest.class.getResourceAsStream("fake_rnn.py")) {
            Files.copy(fake, folder.resolve("fake_rnn.py"));
        }
        // A relative program path, a relative script and a file written without a path: all three need the folder.
        Path script = folder.resolve("run.sh");
        Files.writeString(script, "#!/bin/sh\npwd > where.txt\nexec /usr/bin/python3 fake_rnn.py ok\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));

        try (ExternalRnn rnn = ExternalRnn.start("cmd:./run.sh", Duration.ofSeconds(30), folder)) {
            assertTrue(rnn.capabilities().contains(org.bptt.api.Capability.TANH), "the fake answered the hello");
        }
        assertEquals(folder.toRealPath().toString(), Files.readString(folder.resolve("where.txt")).strip());
        assertFalse(Files.exists(Path.of("where.txt").toAbsolutePath()), "nothing is written where the JVM runs");
    }

    @Test
    void aMissingWorkingFolderIsTheUsersMistake(@TempDir Path folder) {
        Path missing = folder.resolve("no-such-student");
        InvalidInputException error = assertThrows(InvalidInputException.class,
                () -> ExternalRnn.start("cmd:/usr/bin/python3 rnn.py", Duration.ofSeconds(5), missing));
        assertTrue(error.getMessage().contains(missing.toString()), error.getMessage());
    }
}
