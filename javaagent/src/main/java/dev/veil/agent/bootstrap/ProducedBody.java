package dev.veil.agent.bootstrap;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;

/**
 * Behind a proxy of an async client's data channel ({@code DataStreamChannel}): keeps what an entity producer
 * writes, so that a repeatable in-memory request body can be read, searched and replaced before it is sent.
 */
public final class ProducedBody implements InvocationHandler {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private boolean ended;

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) {
        switch (method.getName()) {
            case "write":
                ByteBuffer src = (ByteBuffer) args[0];
                int n = src.remaining();
                byte[] chunk = new byte[n];
                src.get(chunk);
                bytes.write(chunk, 0, n);
                if (bytes.size() > HttpParts.MAX_BODY) ended = true;
                return n;
            case "endStream":
                ended = true;
                return null;
            case "hashCode":
                return System.identityHashCode(proxy);
            case "equals":
                return proxy == args[0];
            case "toString":
                return "veil request body reader";
            default: // requestOutput: the producer is called again until it ends
                return null;
        }
    }

    public boolean ended() {
        return ended;
    }

    /** What was written; null when it grew past {@link HttpParts#MAX_BODY}. */
    public byte[] bytes() {
        return bytes.size() > HttpParts.MAX_BODY ? null : bytes.toByteArray();
    }
}
