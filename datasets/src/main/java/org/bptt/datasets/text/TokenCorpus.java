package org.bptt.datasets.text;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.bptt.api.InvalidInputException;

/**
 * A text cut into tokens and numbered: the vocabulary, and each line of the text as a sequence of token ids.
 *
 * <ul>
 *   <li><b>Sequences are lines.</b> The text is split at line ends ({@code \n}, {@code \r\n} or {@code \r}); every
 *       line with at least one token becomes one sequence, in the order of the text. Lines with no token (empty,
 *       or only whitespace under {@link Tokenization#WORDS}) are skipped. Line ends are never tokens.</li>
 *   <li><b>The vocabulary is sorted</b> in {@link String#compareTo} order (UTF-16 code units), so token ids depend
 *       only on the set of tokens, not on where they first appear. Token id i is {@code vocabulary().get(i)}.</li>
 *   <li>A leading byte-order mark (U+FEFF) is dropped.</li>
 * </ul>
 *
 * @param vocabulary   the distinct tokens, sorted; unmodifiable
 * @param sequences    one array of token ids per non-empty line; unmodifiable list, arrays are copies (Not modified
 *                     by anything here; callers should not modify them either)
 * @param tokenization how the lines were cut
 */
public record TokenCorpus(List<String> vocabulary, List<int[]> sequences, Tokenization tokenization) {

    public TokenCorpus {
        InvalidInputException.require(vocabulary != null && !vocabulary.isEmpty(), "a token corpus needs a non-empty vocabulary");
        InvalidInputException.require(sequences != null && !sequences.isEmpty(), "a token corpus needs at least one sequence");
        InvalidInputException.require(tokenization != null, "a token corpus needs a tokenization");
        vocabulary = List.copyOf(vocabulary);
        List<int[]> copies = new ArrayList<>(sequences.size());
        for (int index = 0; index < sequences.size(); index++) {
            int[] sequence = sequences.get(index);
            InvalidInputException.require(sequence != null && sequence.length >= 1, "sequence %d is empty", index);
            for (int id : sequence) {
                InvalidInputException.require(id >= 0 && id < vocabulary.size(),
                        "sequence %d holds token id %d, outside the vocabulary of %d tokens", index, id, vocabulary.size());
            }
            copies.add(sequence.clone());
        }
        sequences = Collections.unmodifiableList(copies);
    }

    /**
     * Tokenizes {@code text}: lines become sequences, the distinct tokens the sorted vocabulary.
     *
     * @throws InvalidInputException when the text is null or holds no token
     */
    public static TokenCorpus fromText(String text, Tokenization tokenization) {
        InvalidInputException.require(text != null, "text must be given");
        InvalidInputException.require(tokenization != null, "tokenization must be given");
        String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
        List<List<String>> lines = new ArrayList<>();
        TreeSet<String> distinct = new TreeSet<>();
        for (String line : body.split("\r\n|\r|\n", -1)) {
            List<String> tokens = tokenization.split(line);
            if (!tokens.isEmpty()) {
                lines.add(tokens);
                distinct.addAll(tokens);
            }
        }
        InvalidInputException.require(!lines.isEmpty(),
                "the text holds no token when cut into %s (it is empty%s)", tokenization.cliName(),
                tokenization == Tokenization.WORDS ? " or only whitespace" : "");
        List<String> vocabulary = List.copyOf(distinct);
        Map<String, Integer> ids = index(vocabulary);
        List<int[]> sequences = new ArrayList<>(lines.size());
        for (List<String> tokens : lines) {
            sequences.add(tokens.stream().mapToInt(ids::get).toArray());
        }
        return new TokenCorpus(vocabulary, sequences, tokenization);
    }

    /**
     * Reads a UTF-8 text file and tokenizes it as {@link #fromText} does.
     *
     * @throws InvalidInputException naming the file when it does not exist, is a directory, cannot be read, is not
     *                               valid UTF-8 (with the byte offset of the first bad byte) or holds no token
     */
    public static TokenCorpus read(Path file, Tokenization tokenization) {
        InvalidInputException.require(file != null, "a text file must be given");
        InvalidInputException.require(!Files.isDirectory(file), "text file %s is a directory, not a file", file);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException missing) {
            throw new InvalidInputException("text file " + file + " does not exist");
        } catch (IOException failure) {
            throw new InvalidInputException("cannot read text file " + file + ": " + failure.getMessage());
        }
        String text = decodeUtf8(bytes, file);
        try {
            return fromText(text, tokenization);
        } catch (InvalidInputException empty) {
            throw new InvalidInputException("text file " + file + ": " + empty.getMessage());
        }
    }

    /** Strict UTF-8 decoding that names the offset of the first malformed or unmappable byte. */
    private static String decodeUtf8(byte[] bytes, Path file) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate((int) Math.ceil(bytes.length * (double) decoder.maxCharsPerByte()) + 1);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            throw new InvalidInputException(String.format(java.util.Locale.ROOT,
                    "text file %s is not UTF-8: invalid byte 0x%02X at byte offset %d", file,
                    bytes[in.position()] & 0xFF, in.position()));
        }
        try {
            result = decoder.flush(out);
            if (result.isError()) {
                result.throwException();
            }
        } catch (CharacterCodingException truncated) {
            throw new InvalidInputException("text file " + file + " is not UTF-8: it ends inside a multi-byte character");
        }
        out.flip();
        return out.toString();
    }

    private static Map<String, Integer> index(List<String> vocabulary) {
        Map<String, Integer> ids = new HashMap<>();
        for (int id = 0; id < vocabulary.size(); id++) {
            ids.put(vocabulary.get(id), id);
        }
        return ids;
    }

    /** V, the number of distinct tokens. */
    public int vocabularySize() {
        return vocabulary.size();
    }

    /** The number of tokens in all sequences together. */
    public int tokenCount() {
        return sequences.stream().mapToInt(sequence -> sequence.length).sum();
    }

    /** The number of tokens in the longest sequence. */
    public int longestSequence() {
        return sequences.stream().mapToInt(sequence -> sequence.length).max().orElse(0);
    }

    /** The token with id {@code id}. */
    public String token(int id) {
        InvalidInputException.require(id >= 0 && id < vocabulary.size(),
                "token id %d is outside the vocabulary of %d tokens", id, vocabulary.size());
        return vocabulary.get(id);
    }

    /** The id of {@code token}, found by binary search in the sorted vocabulary. */
    public int id(String token) {
        int id = Collections.binarySearch(vocabulary, token);
        InvalidInputException.require(id >= 0, "token '%s' is not in the vocabulary", token);
        return id;
    }

    /**
     * The ids of the tokens of {@code line}, cut by this corpus's tokenization.
     *
     * @throws InvalidInputException naming the first token not in the vocabulary
     */
    public int[] encode(String line) {
        return tokenization.split(line).stream().mapToInt(this::id).toArray();
    }

    /** The tokens of {@code ids} joined by the tokenization's separator: the line back (see {@link Tokenization}). */
    public String decode(int[] ids) {
        StringBuilder text = new StringBuilder();
        for (int index = 0; index < ids.length; index++) {
            if (index > 0) {
                text.append(tokenization.separator());
            }
            text.append(token(ids[index]));
        }
        return text.toString();
    }

    /** Equal when the vocabularies, the tokenizations and every sequence's ids are equal (arrays by content). */
    @Override
    public boolean equals(Object other) {
        if (!(other instanceof TokenCorpus that)) {
            return false;
        }
        if (!vocabulary.equals(that.vocabulary) || tokenization != that.tokenization || sequences.size() != that.sequences.size()) {
            return false;
        }
        for (int index = 0; index < sequences.size(); index++) {
            if (!Arrays.equals(sequences.get(index), that.sequences.get(index))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int hash = vocabulary.hashCode() * 31 + tokenization.hashCode();
        for (int[] sequence : sequences) {
            hash = hash * 31 + Arrays.hashCode(sequence);
        }
        return hash;
    }

    @Override
    public String toString() {
        return "TokenCorpus[" + tokenization.cliName() + ", V=" + vocabulary.size() + ", " + sequences.size()
                + " sequences, " + tokenCount() + " tokens]";
    }
}
