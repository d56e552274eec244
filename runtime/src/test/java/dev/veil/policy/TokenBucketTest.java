package dev.veil.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.rules.Rate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TokenBucketTest {
    @Test void manyThreadsGetExactlyTheCapacity() throws Exception {
        TokenBucket bucket = new TokenBucket(Rate.parse("1000/h"));
        long now = 5_000_000_000L;
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            results.add(pool.submit(() -> {
                start.await();
                int got = 0;
                for (int i = 0; i < 1000; i++) if (bucket.tryAcquire(now)) got++;
                return got;
            }));
        }
        start.countDown();
        int total = 0;
        for (Future<Integer> f : results) total += f.get(30, TimeUnit.SECONDS);
        pool.shutdown();
        assertEquals(1000, total);
        assertFalse(bucket.tryAcquire(now));
        assertTrue(bucket.tryAcquire(now + 3_600_000_000_000L / 1000));
    }

    @Test void ratesThatDoNotDivideEvenlyNeverRefillLate() {
        TokenBucket bucket = new TokenBucket(Rate.parse("7/min"));
        long t = 0;
        for (int i = 0; i < 7; i++) assertTrue(bucket.tryAcquire(t));
        assertFalse(bucket.tryAcquire(t));
        t += 60_000_000_000L; // one period later the whole bucket is back
        for (int i = 0; i < 7; i++) assertTrue(bucket.tryAcquire(t));
        assertFalse(bucket.tryAcquire(t));
    }

    @Test void fastRatesStayPositive() {
        TokenBucket bucket = new TokenBucket(Rate.parse("999999999/s"));
        assertTrue(bucket.tryAcquire(Long.MAX_VALUE / 4));
    }
}
