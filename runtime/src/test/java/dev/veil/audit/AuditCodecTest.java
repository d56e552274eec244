package dev.veil.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hand-written record serializer against a Jackson generator writing the same fields: byte for byte. */
class AuditCodecTest {
    private static final JsonFactory JACKSON = new JsonFactory();

    @Test
    void serializationIsJacksonsByteForByte() throws Exception {
        Random random = new Random(20261205);
        for (int i = 0; i < 20_000; i++) {
            AuditEvent e = new AuditEvent(text(random), 1 + random.nextInt(Integer.MAX_VALUE) * (long) (1 + random.nextInt(1000)),
                    text(random), random.nextBoolean() ? 1 : Long.MAX_VALUE - random.nextInt(1000), text(random), text(random),
                    text(random), text(random), text(random), text(random), text(random), text(random));
            for (boolean withHash : new boolean[] {false, true}) {
                String jackson = jackson(e, withHash);
                String mine = AuditCodec.json(e, withHash);
                assertArrayEquals(jackson.getBytes(StandardCharsets.UTF_8), mine.getBytes(StandardCharsets.UTF_8), jackson);
            }
        }
    }

    @Test
    void everyCharacterIsEscapedAsJacksonDoes() throws Exception {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 0x800; c++) all.append(c);
        all.append("\ud83d\ude00 \ud800 lone \udfff end \u2028\u2029\ufffe\uffff");
        AuditEvent e = new AuditEvent("t", 1, all.toString(), 2, "inject", null, "", all.reverse().toString(), null, "r", "p", "h");
        assertEquals(jackson(e, true), AuditCodec.json(e, true));
        assertArrayEquals(jackson(e, true).getBytes(StandardCharsets.UTF_8), AuditCodec.json(e, true).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theLineIsTheRecordWithItsHashAppended() throws Exception {
        Random random = new Random(5);
        for (int i = 0; i < 2_000; i++) {
            AuditEvent unsealed = new AuditEvent(text(random), 1 + i, text(random), 7, "deny", text(random), text(random),
                    text(random), text(random), text(random), AuditCodec.GENESIS, null);
            byte[] line = AuditCodec.sealedLine(AuditCodec.sha256(), AuditCodec.json(unsealed, false));
            String hash = AuditCodec.hashOf(line);
            assertEquals(AuditCodec.hash(unsealed), hash);
            assertArrayEquals((jackson(unsealed.sealed(hash), true) + "\n").getBytes(StandardCharsets.UTF_8), line);
        }
    }

    /** Null, empty, ASCII, escapes, controls, non-ASCII, emoji and lone surrogates, mixed. */
    private static String text(Random random) {
        int kind = random.nextInt(10);
        if (kind == 0) return null;
        if (kind == 1) return "";
        StringBuilder b = new StringBuilder();
        int n = random.nextInt(40);
        for (int i = 0; i < n; i++) {
            switch (random.nextInt(8)) {
                case 0: b.append((char) random.nextInt(0x20)); break;
                case 1: b.append("\"\\/\u007f".charAt(random.nextInt(4))); break;
                case 2: b.append((char) (0x80 + random.nextInt(0x780))); break;
                case 3: b.append("\ud83d\ude00"); break;
                case 4: b.append((char) (0xd800 + random.nextInt(0x800))); break;
                case 5: b.append((char) random.nextInt(0x10000)); break;
                default: b.append((char) (0x20 + random.nextInt(0x5f)));
            }
        }
        return b.toString();
    }

    /** The serializer this codec used before: Jackson's generator with default settings. */
    private static String jackson(AuditEvent e, boolean withHash) throws Exception {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JACKSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("ts", e.ts());
            g.writeNumberField("seq", e.seq());
            g.writeStringField("agent", e.agent());
            g.writeNumberField("pid", e.pid());
            g.writeStringField("event", e.event());
            g.writeStringField("credential", e.credential());
            g.writeStringField("destination", e.destination());
            g.writeStringField("method", e.method());
            g.writeStringField("rule", e.rule());
            g.writeStringField("reason", e.reason());
            g.writeStringField("prev", e.prev());
            if (withHash) g.writeStringField("hash", e.hash());
            g.writeEndObject();
        }
        return out.toString();
    }
}
