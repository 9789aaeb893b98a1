package org.bptt.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bptt.api.Batch;
import org.junit.jupiter.api.Test;

class ElmanSentencesTest {

    private final ElmanSentences dataset = new ElmanSentences();

    @Test
    void theGrammarHasElmansSizes() {
        assertEquals(29, ElmanSentences.VOCABULARY.size(), "the paper's 29 lexical items");
        assertEquals(16, ElmanSentences.TEMPLATES.size(), "the paper's 16 templates");
        assertEquals(12, ElmanSentences.CATEGORIES.size());
        for (List<String> template : ElmanSentences.TEMPLATES) {
            for (String category : template) {
                assertTrue(ElmanSentences.CATEGORIES.containsKey(category), category + " is not a category");
            }
        }
    }

    /** Whether {@code words} from {@code position} on split into whole template instances, the last maybe cut short. */
    private static boolean parses(List<String> words, int position) {
        if (position == words.size()) {
            return true;
        }
        for (List<String> template : ElmanSentences.TEMPLATES) {
            int matched = 0;
            while (matched < template.size() && position + matched < words.size()
                    && ElmanSentences.CATEGORIES.get(template.get(matched)).contains(words.get(position + matched))) {
                matched++;
            }
            boolean whole = matched == template.size();
            boolean cutAtTheEnd = position + matched == words.size() && matched > 0;
            if ((whole && parses(words, position + matched)) || cutAtTheEnd) {
                return true;
            }
        }
        return false;
    }

    @Test
    void everyStreamParsesAsSentencesOfTheTemplates() {
        Batch batch = dataset.batch(40, 18, 11L);
        Set<String> seen = new HashSet<>();
        for (int b = 0; b < batch.batchSize(); b++) {
            List<String> words = new ArrayList<>();
            for (int word : DatasetAssertions.stream(batch, b, (sequence, step) -> DatasetAssertions.oneHotAt(batch.inputs(), sequence, step))) {
                words.add(ElmanSentences.VOCABULARY.get(word));
            }
            assertEquals(19, words.size());
            assertTrue(parses(words, 0), "does not parse by the templates: " + words);
            seen.addAll(words);
        }
        assertTrue(seen.size() > 20, "most words occur in 40 × 19 words, got " + seen);
    }

    @Test
    void theParserRejectsWhatTheGrammarForbids() {
        // A check on the test's parser: a food cannot start a sentence and "sleep" takes no object.
        assertTrue(!parses(List.of("bread", "eat", "man"), 0));
        assertTrue(!parses(List.of("man", "sleep", "bread", "man"), 0));
        assertTrue(parses(List.of("man", "sleep", "dragon", "eat"), 0));
    }

    @Test
    void theSameSeedGivesTheSameWordsAndAnotherSeedOthers() {
        assertEquals(dataset.batch(3, 6, 4L), dataset.batch(3, 6, 4L));
        assertNotEquals(dataset.batch(3, 6, 4L), dataset.batch(3, 6, 5L));
    }
}
