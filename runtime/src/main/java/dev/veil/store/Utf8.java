package dev.veil.store;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Strict UTF-8 between char[] and byte[] without passing through String; scratch buffers are zeroed. */
final class Utf8 {
    private Utf8() {}

    static byte[] encode(char[] chars) throws CharacterCodingException {
        CharsetEncoder enc = StandardCharsets.UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        // 3 bytes per char covers everything: a surrogate pair is 2 chars and 4 bytes.
        ByteBuffer out = ByteBuffer.allocate(Math.multiplyExact(chars.length, 3));
        try {
            CoderResult r = enc.encode(CharBuffer.wrap(chars), out, true);
            if (r.isError()) r.throwException();
            r = enc.flush(out);
            if (r.isError()) r.throwException();
            return Arrays.copyOf(out.array(), out.position());
        } finally {
            Arrays.fill(out.array(), (byte) 0);
        }
    }

    static char[] decode(byte[] bytes, int off, int len) throws CharacterCodingException {
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        CharBuffer out = CharBuffer.allocate(len); // never more chars than bytes
        try {
            CoderResult r = dec.decode(ByteBuffer.wrap(bytes, off, len), out, true);
            if (r.isError()) r.throwException();
            r = dec.flush(out);
            if (r.isError()) r.throwException();
            return Arrays.copyOf(out.array(), out.position());
        } finally {
            Arrays.fill(out.array(), '\0');
        }
    }
}
