package dev.octet.backends.jvm.kernels;

import java.lang.foreign.MemorySegment;

/** Native memory for kernel tests whose last byte is followed by an inaccessible page: an overrun crashes. */
final class GuardedMemory {
    private GuardedMemory() {
    }

    /** {@code bytes} of native memory that end where a PROT_NONE page begins. */
    static MemorySegment of(long bytes) throws Throwable {
        long size = (bytes + 4095) / 4096 * 4096 + 4096;
        long address = ExecutableMemory.map(size);
        ExecutableMemory.protect(address + size - 4096, 4096, 0);
        return MemorySegment.ofAddress(address + size - 4096 - bytes).reinterpret(bytes);
    }
}
