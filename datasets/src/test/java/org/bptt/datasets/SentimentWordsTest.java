package org.bptt.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bptt.api.Batch;
import org.junit.jupiter.api.Test;

class SentimentWordsTest {

    private final SentimentWords dataset = new SentimentWords();

    @Test
    void theAlphabetIsTheSeventeenLettersOfTheWords() {
        // cat mat rat hat sat bat fun joy win sad bad mad, letters counted by hand.
        assertEquals(List.of("a", "b", "c", "d", "f", "h", "i", "j", "m", "n", "o", "r", "s", "t", "u", "w", "y"),
                SentimentWords.LETTERS);
    }

    @Test
    void labelsFollowTheRule() {
        Set<String> positive = Set.of("fun", "joy", "win");
        Set<String> negative = Set.of("sad", "bad", "mad");
        Set<String> neutral = Set.of("cat", "mat", "rat", "hat", "sat", "bat");
        Batch batch = dataset.batch(60, 9, 21L);
        assertNotNull(batch.mask(), "phrases of 1 to 3 words differ in length");
        Set<Integer> lengths = new HashSet<>();
        Set<Double> labels = new HashSet<>();
        for (int b = 0; b < batch.batchSize(); b++) {
            int length = batch.length(b);
            lengths.add(length);
            assertEquals(0, length % 3, "a phrase is whole three-letter words");
            StringBuilder letters = new StringBuilder();
            for (int step = 0; step < length; step++) {
                letters.append(SentimentWords.LETTERS.get(DatasetAssertions.oneHotAt(batch.inputs(), b, step)));
            }
            List<String> words = new ArrayList<>();
            for (int start = 0; start < length; start += 3) {
                words.add(letters.substring(start, start + 3));
            }
            long positives = words.stream().filter(positive::contains).count();
            long negatives = words.stream().filter(negative::contains).count();
            assertEquals(1, positives + negatives, "exactly one sentiment word in " + words);
            assertTrue(words.stream().allMatch(word -> positive.contains(word) || negative.contains(word) || neutral.contains(word)), words::toString);
            double label = batch.targets().get(b, 0);
            assertEquals(positives == 1 ? 1.0 : 0.0, label, "label of " + words);
            labels.add(label);
        }
        assertEquals(Set.of(3, 6, 9), lengths);
        assertEquals(Set.of(0.0, 1.0), labels);
    }

    @Test
    void tokensAreLettersAndTheLabelIsNamed() {
        Example example = SentimentWords.encode(List.of("cat", "fun"));
        assertEquals(List.of("c", "a", "t", "f", "u", "n"), example.inputTokens());
        assertEquals(List.of("positive"), example.targetTokens());
        assertEquals(List.of("negative"), SentimentWords.encode(List.of("bad")).targetTokens());
    }

    @Test
    void theSameSeedGivesTheSamePhrasesAndAnotherSeedOthers() {
        assertEquals(dataset.batch(5, 9, 2L), dataset.batch(5, 9, 2L));
        assertNotEquals(dataset.batch(5, 9, 2L), dataset.batch(5, 9, 3L));
    }

    @Test
    void fewerThanThreeStepsIsNamed() {
        DatasetAssertions.assertMessage(() -> dataset.examples(2, 2, 1L), "sentiment", "at least 3 steps, got 2");
    }
}
