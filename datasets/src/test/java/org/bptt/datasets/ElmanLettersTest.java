package org.bptt.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bptt.api.Batch;
import org.junit.jupiter.api.Test;

class ElmanLettersTest {

    private final ElmanLetters dataset = new ElmanLetters();

    /** The input's letter, found by matching its six features against the table, which must hold distinct rows. */
    private static int letterOf(Batch batch, int b, int step) {
        int found = -1;
        for (int letter = 0; letter < ElmanLetters.LETTERS.size(); letter++) {
            boolean same = true;
            for (int feature = 0; feature < 6; feature++) {
                same &= batch.inputs().get(b, step, feature) == ElmanLetters.features(letter)[feature];
            }
            if (same) {
                assertEquals(-1, found, "two letters share the features at [" + b + ", " + step + "]");
                found = letter;
            }
        }
        assertTrue(found >= 0, "no letter has the features at [" + b + ", " + step + "]");
        return found;
    }

    @Test
    void everyConsonantIsFollowedByExactlyItsVowels() {
        Batch batch = dataset.batch(30, 24, 5L);
        Set<Character> consonants = new HashSet<>();
        for (int b = 0; b < batch.batchSize(); b++) {
            StringBuilder text = new StringBuilder();
            for (int letter : DatasetAssertions.stream(batch, b, (sequence, step) -> letterOf(batch, sequence, step))) {
                text.append(ElmanLetters.LETTERS.get(letter));
            }
            // b is followed by exactly one a, d by exactly ii, g by exactly uuu; the stream may stop inside a syllable.
            assertTrue(text.toString().matches("(ba|dii|guuu)*(b|d|di|g|gu|guu)?"), "not a stream of ba/dii/guuu: " + text);
            for (char c : text.toString().toCharArray()) {
                if ("bdg".indexOf(c) >= 0) {
                    consonants.add(c);
                }
            }
        }
        assertEquals(Set.of('b', 'd', 'g'), consonants, "all three consonants are drawn");
    }

    @Test
    void theFeaturesSayWhatEachLetterIs() {
        // Columns: consonant, vowel, interrupted, high, back, voiced. Phonetics: b, d, g are voiced stops
        // (consonant, interrupted); a, i, u are voiced vowels; i and u are high, a is not; a and u are back, i is
        // front; g is velar (back), b and d are not.
        for (String consonant : List.of("b", "d", "g")) {
            double[] features = ElmanLetters.features(ElmanLetters.LETTERS.indexOf(consonant));
            assertEquals(List.of(1.0, 0.0, 1.0, 1.0), List.of(features[0], features[1], features[2], features[5]), consonant);
            assertEquals(consonant.equals("g") ? 1.0 : 0.0, features[4], consonant + " back");
        }
        for (String vowel : List.of("a", "i", "u")) {
            double[] features = ElmanLetters.features(ElmanLetters.LETTERS.indexOf(vowel));
            assertEquals(List.of(0.0, 1.0, 0.0, 1.0), List.of(features[0], features[1], features[2], features[5]), vowel);
            assertEquals(vowel.equals("a") ? 0.0 : 1.0, features[3], vowel + " high");
            assertEquals(vowel.equals("i") ? 0.0 : 1.0, features[4], vowel + " back");
        }
    }

    @Test
    void onlyConsonantTargetsAreUnpredictable() {
        // A target is determined by the letters so far unless a syllable has just ended: then any consonant may come.
        for (Example example : dataset.examples(20, 24, 8L)) {
            String seen = "";
            for (int step = 0; step < example.length(); step++) {
                seen += example.inputTokens().get(step);
                String target = example.targetTokens().get(step);
                boolean syllableComplete = seen.matches("(ba|dii|guuu)*");
                assertEquals(syllableComplete, "bdg".contains(target),
                        "after '" + seen + "' the target is " + target);
            }
        }
    }

    @Test
    void theSameSeedGivesTheSameLettersAndAnotherSeedOthers() {
        assertEquals(dataset.batch(3, 10, 1L), dataset.batch(3, 10, 1L));
        assertNotEquals(dataset.batch(3, 10, 1L), dataset.batch(3, 10, 2L));
    }
}
