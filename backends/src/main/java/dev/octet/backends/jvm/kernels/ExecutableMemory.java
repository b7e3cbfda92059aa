package dev.octet.backends.jvm.kernels;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Machine code installed at run time and called through the FFM API (shared/notes/vnni-jit.md): pages from
 * {@code mmap}, written while read-write, then made read-execute with {@code mprotect} (never both at once). A
 * kernel template: static methods only, no static initializer, no lambdas.
 *
 * <p>Executing an instruction the CPU lacks kills the JVM, so {@link #usable} is strict: x86-64 Linux, the CPU
 * flag reported by the kernel (which clears AVX flags when the OS does not save the YMM state), native access
 * granted to the caller's module (without it the JDK would print a warning or refuse; we stay on the Java
 * kernels instead), and the system property {@code octet.native} not {@code false}.
 */
public final class ExecutableMemory {
    private static final int PROT_READ = 1;
    private static final int PROT_WRITE = 2;
    private static final int PROT_EXEC = 4;
    private static final int MAP_PRIVATE = 0x02;
    private static final int MAP_ANONYMOUS = 0x20;
    private static final long PAGE = 4096;

    private ExecutableMemory() {
    }

    /** Whether machine code using the CPU features {@code flags} (as /proc/cpuinfo names them) may run here. */
    public static boolean usable(String... flags) {
        return unusableBecause(flags) == null;
    }

    /**
     * Null where machine code using the CPU features {@code flags} may run here; else why not, in a few words. One
     * read of /proc/cpuinfo for all of them.
     */
    public static String unusableBecause(String... flags) {
        if ("false".equals(System.getProperty("octet.native"))) {
            return "-Doctet.native=false";
        }
        String arch = System.getProperty("os.arch", "");
        if (!System.getProperty("os.name", "").startsWith("Linux") || !(arch.equals("amd64")
                || arch.equals("x86_64"))) {
            return "not x86-64 Linux";
        }
        if (!MethodHandles.lookup().lookupClass().getModule().isNativeAccessEnabled()) {
            return "native access not enabled: run java with --enable-native-access=ALL-UNNAMED";
        }
        try {
            String info = new String(Files.readAllBytes(Path.of("/proc/cpuinfo")), StandardCharsets.US_ASCII);
            for (String line : info.split("\n")) {
                if (line.startsWith("flags")) {
                    String[] reported = line.substring(line.indexOf(':') + 1).trim().split("\\s+");
                    for (String flag : flags) {
                        if (!Arrays.asList(reported).contains(flag)) {
                            return "the CPU does not report " + flag;
                        }
                    }
                    return null;
                }
            }
            return "/proc/cpuinfo lists no CPU flags";
        } catch (java.io.IOException | SecurityException e) {
            return "/proc/cpuinfo is not readable";
        }
    }

    /** Writes {@code kernel} into {@code code} at {@code at}, in a slot of {@code slotBytes} it must fit. */
    public static void place(byte[] code, int at, int slotBytes, byte[] kernel) {
        if (kernel.length > slotBytes) {
            throw new IllegalStateException("a kernel of " + kernel.length + " bytes overflows its slot");
        }
        System.arraycopy(kernel, 0, code, at, kernel.length);
    }

    /** Copies {@code code} into new executable pages and returns them (never freed: one per generated class). */
    public static MemorySegment install(byte[] code) throws Throwable {
        long size = (code.length + PAGE - 1) / PAGE * PAGE;
        long address = map(size);
        MemorySegment pages = MemorySegment.ofAddress(address).reinterpret(size);
        MemorySegment.copy(code, 0, pages, ValueLayout.JAVA_BYTE, 0, code.length);
        // Fails (EACCES) under MemoryDenyWriteExecute policies: the caller falls back to Java kernels.
        protect(address, size, PROT_READ | PROT_EXEC);
        return pages;
    }

    /** New private anonymous read-write pages of {@code size} bytes (a multiple of the page size). */
    public static long map(long size) throws Throwable {
        Linker linker = Linker.nativeLinker();
        MethodHandle mmap = linker.downcallHandle(linker.defaultLookup().find("mmap").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                        ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
        long address = (long) mmap.invokeExact(0L, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0L);
        if (address == -1L || address == 0L) {
            throw new IllegalStateException("mmap of " + size + " bytes failed");
        }
        return address;
    }

    /** Sets the protection of pages ({@code prot}: PROT_* bits; 0 makes them inaccessible). */
    public static void protect(long address, long size, int prot) throws Throwable {
        Linker linker = Linker.nativeLinker();
        MethodHandle mprotect = linker.downcallHandle(linker.defaultLookup().find("mprotect").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                        ValueLayout.JAVA_INT));
        if ((int) mprotect.invokeExact(address, size, prot) != 0) {
            throw new IllegalStateException("mprotect to " + prot + " failed");
        }
    }

    /**
     * A handle calling code at an address (its first argument, a MemorySegment) with {@code longs} integer
     * arguments and no result; critical: no thread-state transition, for calls of microseconds on native memory.
     */
    public static MethodHandle downcall(int longs) {
        ValueLayout[] args = new ValueLayout[longs];
        for (int i = 0; i < longs; i++) {
            args[i] = ValueLayout.JAVA_LONG;
        }
        return Linker.nativeLinker().downcallHandle(FunctionDescriptor.ofVoid(args), Linker.Option.critical(false));
    }
}
