package dev.veil.policy;

import dev.veil.rules.Rate;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A token bucket of {@code permits} tokens refilled continuously at permits per period, kept as a
 * single "theoretical arrival time" (GCRA) in one AtomicLong: lock-free and allocation-free.
 * The per-token interval is period/permits rounded down to whole nanoseconds, so the bucket may
 * refill less than a nanosecond per token early, never late.
 */
final class TokenBucket {
    private final long interval;
    private final long capacity;
    private final AtomicLong tat = new AtomicLong(Long.MIN_VALUE);

    TokenBucket(Rate rate) {
        this.interval = Math.max(1, rate.period().toNanos() / rate.permits());
        this.capacity = interval * rate.permits();
    }

    /** Takes one token if one is available at {@code nowNanos}. */
    boolean tryAcquire(long nowNanos) {
        for (;;) {
            long t = tat.get();
            long next = Math.max(t, nowNanos) + interval;
            if (next - nowNanos > capacity) return false;
            if (tat.compareAndSet(t, next)) return true;
        }
    }
}
