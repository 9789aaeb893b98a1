package org.bptt.datasets.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bptt.api.InvalidInputException;

/** How a line of text is cut into tokens. */
public enum Tokenization {
    /**
     * Every Unicode code point of the line is a token, spaces included (a surrogate pair is one token, not two).
     * Tokens are joined with nothing to decode, so decoding gives the line back exactly.
     */
    CHARACTERS("chars", ""),
    /**
     * The line's maximal runs of non-whitespace characters ({@link Character#isWhitespace}) are the tokens.
     * Tokens are joined with one space to decode, so runs of whitespace come back as single spaces.
     */
    WORDS("words", " ");

    private final String cliName;
    private final String separator;

    Tokenization(String cliName, String separator) {
        this.cliName = cliName;
        this.separator = separator;
    }

    /** The name on command lines: {@code chars} or {@code words}. */
    public String cliName() {
        return cliName;
    }

    /** What {@link TokenCorpus#decode} puts between two tokens: nothing for characters, one space for words. */
    public String separator() {
        return separator;
    }

    /** The tokens of one line, in order. Not modified: {@code line}. */
    public List<String> split(String line) {
        List<String> tokens = new ArrayList<>();
        if (this == CHARACTERS) {
            line.codePoints().forEach(codePoint -> tokens.add(new String(Character.toChars(codePoint))));
            return tokens;
        }
        int start = -1;
        for (int index = 0; index < line.length(); index++) {
            boolean space = Character.isWhitespace(line.charAt(index));
            if (!space && start < 0) {
                start = index;
            } else if (space && start >= 0) {
                tokens.add(line.substring(start, index));
                start = -1;
            }
        }
        if (start >= 0) {
            tokens.add(line.substring(start));
        }
        return tokens;
    }

    /**
     * The tokenization called {@code name}: {@code chars}/{@code characters} or {@code words}, in any case.
     *
     * @throws InvalidInputException for any other name
     */
    public static Tokenization parse(String name) {
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return switch (key) {
            case "chars", "characters", "char" -> CHARACTERS;
            case "words", "word" -> WORDS;
            default -> throw new InvalidInputException("unknown tokenization '" + name + "'; expected chars or words");
        };
    }
}
