package dev.veil.store;

import java.nio.file.Path;

/** Child-process main for the cross-process test: puts {@code count} entries named {@code prefix-i}. */
public final class VaultWriter {
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int count = Integer.parseInt(args[2]);
        try (Vault v = Vault.open(file, VaultTestSupport.KEY.toCharArray())) {
            for (int i = 0; i < count; i++) v.put(args[1] + "-" + i, ("v" + i).toCharArray());
        }
    }
}
