package dev.veil.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import dev.veil.rules.PlainTree;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Set;

/**
 * The sidecar {@code <log>.checkpoint}: the seq and hash of the last record known to be durable.
 * A log whose records end before the checkpoint, or whose record at that seq has another hash,
 * was truncated or rewritten. Replaced atomically (temp file, force, rename); a checkpoint older than the
 * one on disk may replace it when processes share the log, which is never wrong, only less telling.
 */
final class Checkpoint {
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final String TMP = ".tmp";
    private static final Set<OpenOption> REPLACE =
            Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);

    final long seq;
    final String hash;

    Checkpoint(long seq, String hash) {
        this.seq = seq;
        this.hash = hash;
    }

    static Path of(Path log) { return log.resolveSibling(log.getFileName() + ".checkpoint"); }

    /** A process's temporary checkpoint is this, its pid and {@value #TMP}. */
    private static String tempPrefix(Path log) { return of(log).getFileName() + "."; }

    /**
     * Removes the temporary checkpoints ({@code <log>.checkpoint.<pid>.tmp}) of processes that no longer run: a process
     * killed between writing one and renaming it leaves it behind. A live process's file is its write in progress.
     * Best effort: a file left behind is only clutter, so failing here must not keep the log from opening.
     */
    static void removeAbandoned(Path log) {
        String prefix = tempPrefix(log);
        // Compared by hand, not by glob: the log's own name may hold glob characters.
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(log.toAbsolutePath().getParent())) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (!name.startsWith(prefix) || !name.endsWith(TMP)) continue;
                String pid = name.substring(prefix.length(), name.length() - TMP.length());
                if (pid.matches("[0-9]{1,18}") && ProcessHandle.of(Long.parseLong(pid)).isEmpty()) Files.deleteIfExists(entry);
            }
        } catch (IOException | RuntimeException ignored) {
            // left for the next opening
        }
    }

    /** Null when there is no checkpoint file. */
    static Checkpoint read(Path log) throws IOException {
        Path file = of(log);
        if (!Files.exists(file)) return null;
        try (JsonParser p = FACTORY.createParser(Files.readAllBytes(file))) {
            Object n = PlainTree.read(p);
            Object seq = n instanceof Map ? ((Map<?, ?>) n).get("seq") : null;
            Object hash = n instanceof Map ? ((Map<?, ?>) n).get("hash") : null;
            if (!(seq instanceof Long) || (Long) seq < 0 || !(hash instanceof String)) {
                throw new IOException("checkpoint " + file + " is unreadable: expected {\"seq\":N,\"hash\":\"...\"}");
            }
            return new Checkpoint((Long) seq, (String) hash);
        } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
            throw new IOException("checkpoint " + file + " is not JSON: " + ex.getOriginalMessage(), ex);
        }
    }

    static void write(Path log, long seq, String hash) throws IOException {
        Path file = of(log);
        // Per process: processes sharing the log write checkpoints without a common lock.
        Path tmp = file.resolveSibling(tempPrefix(log) + ProcessHandle.current().pid() + TMP);
        byte[] bytes = ("{\"seq\":" + seq + ",\"hash\":\"" + hash + "\"}\n").getBytes(StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(tmp, REPLACE, AuditLog.ownerOnly(tmp, false))) {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) ch.write(buf);
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
