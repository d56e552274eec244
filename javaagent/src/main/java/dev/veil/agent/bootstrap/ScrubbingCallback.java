package dev.veil.agent.bootstrap;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.util.function.Function;

/**
 * Behind proxies of an async client's response callback ({@code AsyncExecCallback}) and of the data consumer
 * its {@code handleResponse(response, entityDetails)} returns: text bodies reach the consumer scrubbed of real
 * values, chunk by chunk (values split across chunks included); binary and content-encoded bodies pass as they
 * are. Everything else goes to the wrapped object unchanged. Only JDK types and reflection on the library's
 * interfaces, so it works on every version that keeps these method names.
 */
public final class ScrubbingCallback implements InvocationHandler {
    private final Object delegate;
    private final Function<ByteBuffer, ByteBuffer> chunks;

    private ScrubbingCallback(Object delegate, Function<ByteBuffer, ByteBuffer> chunks) {
        this.delegate = delegate;
        this.chunks = chunks;
    }

    /** {@code callback} behind a proxy of {@code type} that scrubs the bodies it is handed. */
    public static Object wrap(Class<?> type, Object callback) {
        return Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, new ScrubbingCallback(callback, null));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        String name = method.getName();
        if (name.equals("equals")) return proxy == args[0];
        if (name.equals("hashCode")) return System.identityHashCode(proxy);
        if (chunks == null) {
            Object result = call(method, delegate, args);
            return name.equals("handleResponse") && args != null && args.length == 2 ? consumer(method, result, args[1]) : result;
        }
        if (name.equals("consume") && args != null && args.length == 1 && args[0] instanceof ByteBuffer) {
            ByteBuffer out = chunks.apply((ByteBuffer) args[0]);
            return out.hasRemaining() ? call(method, delegate, new Object[] {out}) : null;
        }
        if (name.equals("streamEnd")) {
            ByteBuffer tail = chunks.apply(null);
            if (tail.hasRemaining()) call(method.getDeclaringClass().getMethod("consume", ByteBuffer.class), delegate, new Object[] {tail});
        }
        return call(method, delegate, args);
    }

    /** The data consumer for one response, wrapped when its body is plain text. */
    private static Object consumer(Method handleResponse, Object consumer, Object entityDetails) {
        if (consumer == null || entityDetails == null) return consumer;
        try {
            Class<?> details = handleResponse.getParameterTypes()[1];
            String encoding = (String) details.getMethod("getContentEncoding").invoke(entityDetails);
            if (encoding != null && !encoding.trim().isEmpty() && !encoding.trim().equalsIgnoreCase("identity")) return consumer;
            Function<ByteBuffer, ByteBuffer> chunks = Bridge.responseChunks((String) details.getMethod("getContentType").invoke(entityDetails));
            if (chunks == null) return consumer;
            Class<?> type = handleResponse.getReturnType();
            return Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, new ScrubbingCallback(consumer, chunks));
        } catch (ReflectiveOperationException | RuntimeException e) {
            Bridge.failed("async response body", e);
            return consumer;
        }
    }

    private static Object call(Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
