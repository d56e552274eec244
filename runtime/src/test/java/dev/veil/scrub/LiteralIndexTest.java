package dev.veil.scrub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The index against a naive search: same occurrences, in chars and in UTF-8 bytes. */
class LiteralIndexTest {
    @Test
    void findsExactlyWhatANaiveSearchFinds() {
        Random rnd = new Random(11);
        for (int round = 0; round < 200; round++) {
            List<String> literals = new ArrayList<>();
            String shared = "veil:cred-";
            for (int i = 0, n = 1 + rnd.nextInt(40); i < n; i++) {
                String body = DetectorsTest.r("abcAB-:é", 1 + rnd.nextInt(12));
                literals.add(rnd.nextBoolean() ? shared + body : body + (i % 3 == 0 ? shared : ""));
            }
            LiteralIndex.Builder b = new LiteralIndex.Builder();
            literals.forEach(l -> b.add(l, false));
            LiteralIndex index = b.build();
            StringBuilder text = new StringBuilder();
            while (text.length() < 300) {
                text.append(rnd.nextInt(4) == 0 ? literals.get(rnd.nextInt(literals.size())) : DetectorsTest.r("abcAB-:é veil", 1 + rnd.nextInt(9)));
            }
            String t = text.toString();
            TreeSet<String> expected = new TreeSet<>();
            for (int id = 0; id < literals.size(); id++) {
                for (int at = t.indexOf(literals.get(id)); at >= 0; at = t.indexOf(literals.get(id), at + 1)) {
                    expected.add(id + "@" + at);
                }
            }
            assertEquals(expected, spans(index.findAll(t, 0, t.length(), null), null), "round " + round);
            byte[] utf8 = t.getBytes(StandardCharsets.UTF_8);
            assertEquals(expected, spans(index.findAll(utf8, 0, utf8.length, null), t), "bytes, round " + round);
        }
    }

    @Test
    void ignoringCaseFindsExactlyWhatANaiveSearchFinds() {
        Random rnd = new Random(12);
        for (int round = 0; round < 200; round++) {
            List<String> literals = new ArrayList<>();
            List<Boolean> folds = new ArrayList<>();
            for (int i = 0, n = 1 + rnd.nextInt(30); i < n; i++) {
                literals.add(DetectorsTest.r("abcAB-:_é", 2 + rnd.nextInt(10)));
                folds.add(rnd.nextBoolean());
            }
            LiteralIndex.Builder b = new LiteralIndex.Builder();
            for (int i = 0; i < literals.size(); i++) {
                b.add(literals.get(i), folds.get(i));
            }
            LiteralIndex index = b.build();
            StringBuilder text = new StringBuilder();
            while (text.length() < 300) {
                String piece = rnd.nextInt(3) == 0 ? literals.get(rnd.nextInt(literals.size())) : DetectorsTest.r("abcABC-:_é ", 1 + rnd.nextInt(9));
                text.append(rnd.nextBoolean() ? piece.toUpperCase(java.util.Locale.ROOT).replace('É', 'é') : piece);
            }
            String t = text.toString();
            TreeSet<String> expected = new TreeSet<>();
            for (int id = 0; id < literals.size(); id++) {
                String l = literals.get(id);
                for (int at = 0; at + l.length() <= t.length(); at++) {
                    if (t.regionMatches(folds.get(id), at, l, 0, l.length())) {
                        expected.add(id + "@" + at);
                    }
                }
            }
            assertEquals(expected, spans(index.findAll(t, 0, t.length(), null), null), "round " + round);
            byte[] utf8 = t.getBytes(StandardCharsets.UTF_8);
            assertEquals(expected, spans(index.findAll(utf8, 0, utf8.length, null), t), "bytes, round " + round);
        }
    }

    /** Detector-like keywords (3+ chars, some ignoring case) in regions of a text: matches never cross a region's ends. */
    @Test
    void regionsFindExactlyWhatANaiveSearchFinds() {
        Random rnd = new Random(13);
        for (int round = 0; round < 300; round++) {
            List<String> literals = new ArrayList<>();
            List<Boolean> folds = new ArrayList<>();
            for (int i = 0, n = 1 + rnd.nextInt(20); i < n; i++) {
                literals.add(DetectorsTest.r("abkrAB-:_.", 3 + rnd.nextInt(6)));
                folds.add(rnd.nextInt(3) == 0);
            }
            LiteralIndex.Builder b = new LiteralIndex.Builder();
            for (int i = 0; i < literals.size(); i++) {
                b.add(literals.get(i), folds.get(i));
            }
            LiteralIndex index = b.build();
            StringBuilder text = new StringBuilder();
            while (text.length() < 200) {
                text.append(rnd.nextInt(4) == 0 ? literals.get(rnd.nextInt(literals.size())) : DetectorsTest.r("abkrABK-:_. ", 1 + rnd.nextInt(20)));
            }
            String t = text.toString();
            int from = rnd.nextInt(t.length());
            int to = from + rnd.nextInt(t.length() - from + 1);
            TreeSet<String> expected = new TreeSet<>();
            for (int id = 0; id < literals.size(); id++) {
                String l = literals.get(id);
                for (int at = from; at + l.length() <= to; at++) {
                    if (t.regionMatches(folds.get(id), at, l, 0, l.length())) {
                        expected.add(id + "@" + at);
                    }
                }
            }
            assertEquals(expected, spans(index.findAll(t, from, to, null), null), "round " + round);
            byte[] ascii = t.getBytes(StandardCharsets.UTF_8);
            assertEquals(expected, spans(index.findAll(ascii, from, to, null), null), "bytes, round " + round);
        }
    }

    @Test
    void ignoreCaseAndEmptyIndex() {
        LiteralIndex.Builder b = new LiteralIndex.Builder();
        b.add("secret_access", true);
        LiteralIndex index = b.build();
        Matches m = index.findAll("AWS_SECRET_ACCESS_KEY", 0, 21, null);
        assertEquals(1, m.size());
        assertEquals(4, m.start(0));
        assertNull(new LiteralIndex.Builder().build().findAll("anything", 0, 8, null));
    }

    /** "id@charOffset"; byte offsets are mapped back to char offsets when {@code text} is given. */
    private static TreeSet<String> spans(Matches m, String text) {
        TreeSet<String> out = new TreeSet<>();
        for (int i = 0; m != null && i < m.size(); i++) {
            int start = m.start(i);
            if (text != null) {
                byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
                start = new String(utf8, 0, start, StandardCharsets.UTF_8).length();
            }
            out.add(m.id(i) + "@" + start);
        }
        return out;
    }
}
