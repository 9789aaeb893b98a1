package org.bptt.external;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.bptt.api.InvalidInputException;
import org.junit.jupiter.api.Test;

/** Expected words are what bash gives for the same text (checked with {@code printf '[%s]' TEXT}). */
class CommandWordsTest {

    @Test
    void blanksSeparateWords() {
        assertEquals(List.of("python3", "examples/numpy/rnn.py"), CommandWords.split("  python3 \t examples/numpy/rnn.py "));
    }

    @Test
    void quotesKeepBlanksAndAreRemoved() {
        assertEquals(List.of("python3", "my rnn.py", "--name=a b", "it's"),
                CommandWords.split("python3 'my rnn.py' --name=\"a b\" it\\'s"));
        assertEquals(List.of("a\"b\\c", "$HOME", "x\\y"), CommandWords.split("\"a\\\"b\\\\c\" '$HOME' \"x\\y\""));
        assertEquals(List.of(""), CommandWords.split("''"));
    }

    @Test
    void malformedCommandsAreUserErrors() {
        assertEquals("command '  ' is empty: write cmd:PROGRAM [ARGUMENTS]",
                assertThrows(InvalidInputException.class, () -> CommandWords.split("  ")).getMessage());
        assertEquals("command 'a \"b': a quote \" is not closed",
                assertThrows(InvalidInputException.class, () -> CommandWords.split("a \"b")).getMessage());
        assertEquals("command 'a\\' ends with a backslash",
                assertThrows(InvalidInputException.class, () -> CommandWords.split("a\\")).getMessage());
    }
}
