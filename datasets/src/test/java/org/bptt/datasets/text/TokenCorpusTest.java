package org.bptt.datasets.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bptt.api.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenCorpusTest {

    @TempDir
    Path folder;

    @Test
    void charactersAreCodePointsWithASortedVocabulary() {
        TokenCorpus corpus = TokenCorpus.fromText("hello\nhe\n", Tokenization.CHARACTERS);
        // Sorted by hand: e < h < l < o.
        assertEquals(List.of("e", "h", "l", "o"), corpus.vocabulary());
        assertEquals(2, corpus.sequences().size(), "the trailing empty line is not a sequence");
        assertArrayEquals(new int[] {1, 0, 2, 2, 3}, corpus.sequences().get(0));
        assertArrayEquals(new int[] {1, 0}, corpus.sequences().get(1));
        assertEquals(7, corpus.tokenCount());
        assertEquals(5, corpus.longestSequence());
    }

    @Test
    void aSurrogatePairIsOneCharacterToken() {
        String emoji = "\uD83D\uDE00"; // U+1F600, two UTF-16 units
        TokenCorpus corpus = TokenCorpus.fromText("a" + emoji, Tokenization.CHARACTERS);
        assertEquals(2, corpus.sequences().get(0).length);
        assertEquals(emoji, corpus.token(corpus.sequences().get(0)[1]));
    }

    @Test
    void wordsAreWhitespaceSeparatedAndLinesAreSequences() {
        TokenCorpus corpus = TokenCorpus.fromText("the cat  sat\r\n\n   \nthe\tdog sat\r", Tokenization.WORDS);
        assertEquals(List.of("cat", "dog", "sat", "the"), corpus.vocabulary());
        assertEquals(2, corpus.sequences().size(), "blank lines are skipped");
        assertArrayEquals(new int[] {3, 0, 2}, corpus.sequences().get(0));
        assertArrayEquals(new int[] {3, 1, 2}, corpus.sequences().get(1));
    }

    @Test
    void decodingRoundTrips() {
        String text = "To be, or not to be: that is the question.\nWhether 'tis nobler in the mind to suffer";
        TokenCorpus characters = TokenCorpus.fromText(text, Tokenization.CHARACTERS);
        assertEquals(text, String.join("\n", characters.sequences().stream().map(characters::decode).toList()));
        TokenCorpus words = TokenCorpus.fromText(text, Tokenization.WORDS);
        assertEquals(text, String.join("\n", words.sequences().stream().map(words::decode).toList()),
                "single spaces come back unchanged");
        String line = "to suffer the question.";
        assertEquals(line, words.decode(words.encode(line)));
    }

    @Test
    void vocabularyDoesNotDependOnTheOrderOfTheText() {
        assertEquals(TokenCorpus.fromText("b a\nc", Tokenization.WORDS).vocabulary(),
                TokenCorpus.fromText("c a\nb", Tokenization.WORDS).vocabulary());
    }

    @Test
    void aLeadingByteOrderMarkIsDropped() {
        TokenCorpus corpus = TokenCorpus.fromText("\uFEFFab", Tokenization.CHARACTERS);
        assertEquals(List.of("a", "b"), corpus.vocabulary());
    }

    @Test
    void readsAUtf8File() throws IOException {
        Path file = folder.resolve("corpus.txt");
        Files.writeString(file, "gr\u00fc\u00dfe\n", StandardCharsets.UTF_8);
        TokenCorpus corpus = TokenCorpus.read(file, Tokenization.CHARACTERS);
        assertEquals("gr\u00fc\u00dfe", corpus.decode(corpus.sequences().get(0)));
        assertEquals(TokenCorpus.fromText("gr\u00fc\u00dfe", Tokenization.CHARACTERS), corpus);
    }

    @Test
    void malformedInputIsNamed() throws IOException {
        Path missing = folder.resolve("missing.txt");
        assertMessage(() -> TokenCorpus.read(missing, Tokenization.WORDS), "missing.txt", "does not exist");
        assertMessage(() -> TokenCorpus.read(folder, Tokenization.WORDS), "is a directory");

        Path empty = folder.resolve("empty.txt");
        Files.writeString(empty, "");
        assertMessage(() -> TokenCorpus.read(empty, Tokenization.CHARACTERS), "empty.txt", "holds no token when cut into chars");
        Path blank = folder.resolve("blank.txt");
        Files.writeString(blank, " \n\t\n");
        assertMessage(() -> TokenCorpus.read(blank, Tokenization.WORDS), "blank.txt", "holds no token when cut into words");

        Path latin1 = folder.resolve("latin1.txt");
        Files.write(latin1, "ab\u00e9c".getBytes(StandardCharsets.ISO_8859_1)); // é is the lone byte 0xE9 at offset 2
        assertMessage(() -> TokenCorpus.read(latin1, Tokenization.CHARACTERS), "latin1.txt", "not UTF-8", "0xE9", "offset 2");
        Path truncated = folder.resolve("truncated.txt");
        Files.write(truncated, new byte[] {'a', (byte) 0xC3}); // the first byte of a two-byte character, then the end
        assertMessage(() -> TokenCorpus.read(truncated, Tokenization.CHARACTERS), "truncated.txt", "not UTF-8");

        assertMessage(() -> Tokenization.parse("bytes"), "bytes", "chars or words");
        TokenCorpus corpus = TokenCorpus.fromText("a b", Tokenization.WORDS);
        assertMessage(() -> corpus.encode("a z"), "'z'", "not in the vocabulary");
        assertMessage(() -> corpus.token(2), "token id 2");
    }

    @Test
    void tokenizationNamesParse() {
        assertEquals(Tokenization.CHARACTERS, Tokenization.parse("chars"));
        assertEquals(Tokenization.CHARACTERS, Tokenization.parse("Characters"));
        assertEquals(Tokenization.WORDS, Tokenization.parse("words"));
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable action, String... fragments) {
        InvalidInputException error = assertThrows(InvalidInputException.class, action);
        for (String fragment : fragments) {
            assertTrue(error.getMessage().contains(fragment), "'" + error.getMessage() + "' should contain '" + fragment + "'");
        }
    }
}
