package org.bptt.external;

import java.util.ArrayList;
import java.util.List;
import org.bptt.api.InvalidInputException;

/**
 * Splits a command line into words the way a POSIX shell does, without running a shell: words are separated by
 * blanks; {@code '...'} quotes everything literally; {@code "..."} quotes everything but {@code \"}, {@code \\},
 * {@code \$} and {@code \`}, which lose their backslash; outside quotes a backslash quotes the next character.
 * No variables, globs, pipes or redirections: {@code $HOME} and {@code *.py} stay as written.
 */
final class CommandWords {

    private CommandWords() {
    }

    /**
     * The words of {@code command}, e.g. {@code python3 'my rnn.py' --fast} → [python3, my rnn.py, --fast].
     *
     * @throws InvalidInputException for an empty command, an unclosed quote or a trailing backslash
     */
    static List<String> split(String command) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        int i = 0;
        while (i < command.length()) {
            char character = command.charAt(i);
            if (character == ' ' || character == '\t') {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
                i++;
            } else if (character == '\'') {
                int end = command.indexOf('\'', i + 1);
                InvalidInputException.require(end >= 0, "command '%s': the quote ' at position %d is not closed", command, i);
                word.append(command, i + 1, end);
                inWord = true;
                i = end + 1;
            } else if (character == '"') {
                i++;
                while (true) {
                    InvalidInputException.require(i < command.length(), "command '%s': a quote \" is not closed", command);
                    char inside = command.charAt(i);
                    if (inside == '"') {
                        i++;
                        break;
                    }
                    if (inside == '\\' && i + 1 < command.length() && "\"\\$`".indexOf(command.charAt(i + 1)) >= 0) {
                        word.append(command.charAt(i + 1));
                        i += 2;
                    } else {
                        word.append(inside);
                        i++;
                    }
                }
                inWord = true;
            } else if (character == '\\') {
                InvalidInputException.require(i + 1 < command.length(), "command '%s' ends with a backslash", command);
                word.append(command.charAt(i + 1));
                inWord = true;
                i += 2;
            } else {
                word.append(character);
                inWord = true;
                i++;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        InvalidInputException.require(!words.isEmpty(), "command '%s' is empty: write cmd:PROGRAM [ARGUMENTS]", command);
        return words;
    }
}
