package dev.octet.backends.jvm.kernels;

import static dev.octet.backends.jvm.kernels.X86Encoder.R10;
import static dev.octet.backends.jvm.kernels.X86Encoder.R11;
import static dev.octet.backends.jvm.kernels.X86Encoder.R8;
import static dev.octet.backends.jvm.kernels.X86Encoder.R9;
import static dev.octet.backends.jvm.kernels.X86Encoder.RAX;
import static dev.octet.backends.jvm.kernels.X86Encoder.RCX;
import static dev.octet.backends.jvm.kernels.X86Encoder.RDI;
import static dev.octet.backends.jvm.kernels.X86Encoder.RDX;
import static dev.octet.backends.jvm.kernels.X86Encoder.RSI;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every instruction form the micro-kernels use, byte for byte against an independent assembler: the expected
 * bytes are llvm-mc 14's ({@code llvm-mc --x86-asm-syntax=intel -show-encoding}) for the Intel syntax shown,
 * with registers chosen to exercise the REX/VEX/EVEX extension bits (zmm16-31 too) and the disp8/disp32 forms
 * (EVEX's disp8 counted in operand-size units).
 */
class X86EncoderTest {
    /** An encoder call writing one instruction into a buffer at a position, returning the end. */
    interface Emit {
        int at(byte[] code, int pos);
    }

    static Stream<Arguments> instructions() {
        return Stream.of(
                of("vmovdqu ymm12, ymmword ptr [rsi]", "c57e6f26", (c, p) -> X86Encoder.vmovdquLoad(c, p, 12, RSI, 0)),
                of("vmovdqu ymm3, ymmword ptr [r9 + 200]", "c4c17e6f99c8000000",
                        (c, p) -> X86Encoder.vmovdquLoad(c, p, 3, R9, 200)),
                of("vmovdqu xmm14, xmmword ptr [rsi]", "c57a6f36", (c, p) -> X86Encoder.vmovdquLoadXmm(c, p, 14, RSI, 0)),
                of("vmovdqu xmm2, xmmword ptr [r10 + 16]", "c4c17a6f5210",
                        (c, p) -> X86Encoder.vmovdquLoadXmm(c, p, 2, R10, 16)),
                of("vmovdqu ymmword ptr [rax + 32], ymm11", "c57e7f5820",
                        (c, p) -> X86Encoder.vmovdquStore(c, p, RAX, 32, 11)),
                of("vmovdqu ymmword ptr [rdx], ymm1", "c5fe7f0a", (c, p) -> X86Encoder.vmovdquStore(c, p, RDX, 0, 1)),
                of("vmovdqu ymmword ptr [r9 - 64], ymm9", "c4417e7f49c0",
                        (c, p) -> X86Encoder.vmovdquStore(c, p, R9, -64, 9)),
                of("vpbroadcastd ymm14, dword ptr [rdi + 20]", "c4627d587714",
                        (c, p) -> X86Encoder.vpbroadcastd(c, p, 14, RDI, 20)),
                of("vpbroadcastd ymm0, dword ptr [rdi]", "c4e27d5807", (c, p) -> X86Encoder.vpbroadcastd(c, p, 0, RDI, 0)),
                of("vpbroadcastd ymm5, dword ptr [r8 + 4]", "c4c27d586804",
                        (c, p) -> X86Encoder.vpbroadcastd(c, p, 5, R8, 4)),
                of("vpbroadcastd ymm14, dword ptr [rdi + rax]", "c4627d583407",
                        (c, p) -> X86Encoder.vpbroadcastd(c, p, 14, RDI, RAX, 1, 0)),
                of("vpbroadcastd ymm14, dword ptr [rdi + 2*rax]", "c4627d583447",
                        (c, p) -> X86Encoder.vpbroadcastd(c, p, 14, RDI, RAX, 2, 0)),
                of("vpbroadcastd ymm14, dword ptr [r11 + 2*rax]", "c4427d583443",
                        (c, p) -> X86Encoder.vpbroadcastd(c, p, 14, R11, RAX, 2, 0)),
                of("vpbroadcastd ymm3, dword ptr [rdi + 4*r9 + 8]", "c4a27d585c8f08",
                        (c, p) -> X86Encoder.vpbroadcastd(c, p, 3, RDI, R9, 4, 8)),
                of("vpbroadcastd ymm9, dword ptr [rsi + 8*r10 - 4]", "c4227d584cd6fc",
                        (c, p) -> X86Encoder.vpbroadcastd(c, p, 9, RSI, R10, 8, -4)),
                of("vpbroadcastd ymm0, dword ptr [r8 + rax + 200]", "c4c27d588400c8000000",
                        (c, p) -> X86Encoder.vpbroadcastd(c, p, 0, R8, RAX, 1, 200)),
                of("vpmovsxbw ymm12, xmm14", "c4427d20e6", (c, p) -> X86Encoder.vpmovsxbw(c, p, 12, 14)),
                of("vpmovsxbw ymm1, xmm2", "c4e27d20ca", (c, p) -> X86Encoder.vpmovsxbw(c, p, 1, 2)),
                of("vpmovsxbw ymm9, xmm3", "c4627d20cb", (c, p) -> X86Encoder.vpmovsxbw(c, p, 9, 3)),
                of("vpmovzxbw ymm12, xmm14", "c4427d30e6", (c, p) -> X86Encoder.vpmovzxbw(c, p, 12, 14)),
                of("vpmovzxbw ymm1, xmm2", "c4e27d30ca", (c, p) -> X86Encoder.vpmovzxbw(c, p, 1, 2)),
                of("mov r10, qword ptr [rdi]", "4c8b17", (c, p) -> X86Encoder.movLoad(c, p, R10, RDI, 0)),
                of("mov r11, qword ptr [rdi + 8]", "4c8b5f08", (c, p) -> X86Encoder.movLoad(c, p, R11, RDI, 8)),
                of("mov rax, qword ptr [r9 + 200]", "498b81c8000000", (c, p) -> X86Encoder.movLoad(c, p, RAX, R9, 200)),
                of("mov rcx, qword ptr [rsi - 8]", "488b4ef8", (c, p) -> X86Encoder.movLoad(c, p, RCX, RSI, -8)),
                of("vpunpcklbw xmm14, xmm14, xmmword ptr [r10]", "c441096032",
                        (c, p) -> X86Encoder.vpunpcklbw(c, p, 14, 14, R10, 0)),
                of("vpunpckhbw xmm15, xmm14, xmmword ptr [r10]", "c44109683a",
                        (c, p) -> X86Encoder.vpunpckhbw(c, p, 15, 14, R10, 0)),
                of("vpunpcklbw xmm1, xmm2, xmmword ptr [rsi + 48]", "c5e9604e30",
                        (c, p) -> X86Encoder.vpunpcklbw(c, p, 1, 2, RSI, 48)),
                of("vpmaddwd ymm15, ymm14, ymm12", "c4410df5fc", (c, p) -> X86Encoder.vpmaddwd(c, p, 15, 14, 12)),
                of("vpmaddwd ymm1, ymm2, ymm3", "c5edf5cb", (c, p) -> X86Encoder.vpmaddwd(c, p, 1, 2, 3)),
                of("vpmaddwd ymm8, ymm2, ymm3", "c56df5c3", (c, p) -> X86Encoder.vpmaddwd(c, p, 8, 2, 3)),
                of("vpaddd ymm11, ymm11, ymm15", "c44125fedf", (c, p) -> X86Encoder.vpaddd(c, p, 11, 11, 15)),
                of("vpaddd ymm3, ymm3, ymm15", "c4c165fedf", (c, p) -> X86Encoder.vpaddd(c, p, 3, 3, 15)),
                of("vpaddd ymm0, ymm0, ymm1", "c5fdfec1", (c, p) -> X86Encoder.vpaddd(c, p, 0, 0, 1)),
                of("vpxor ymm9, ymm9, ymm9", "c44135efc9", (c, p) -> X86Encoder.vpxor(c, p, 9, 9, 9)),
                of("vpxor ymm2, ymm2, ymm2", "c5edefd2", (c, p) -> X86Encoder.vpxor(c, p, 2, 2, 2)),
                of("add rdi, 24", "4883c718", (c, p) -> X86Encoder.addImm8(c, p, RDI, 24)),
                of("add r10, -8", "4983c2f8", (c, p) -> X86Encoder.addImm8(c, p, R10, -8)),
                of("add rsi, r11", "4c01de", (c, p) -> X86Encoder.add(c, p, RSI, R11)),
                of("add r10, r11", "4d01da", (c, p) -> X86Encoder.add(c, p, R10, R11)),
                of("add rax, r8", "4c01c0", (c, p) -> X86Encoder.add(c, p, RAX, R8)),
                of("add rdx, rcx", "4801ca", (c, p) -> X86Encoder.add(c, p, RDX, RCX)),
                of("mov r10, rsi", "4989f2", (c, p) -> X86Encoder.mov(c, p, R10, RSI)),
                of("mov rax, rdx", "4889d0", (c, p) -> X86Encoder.mov(c, p, RAX, RDX)),
                of("mov r11, r9", "4d89cb", (c, p) -> X86Encoder.mov(c, p, R11, R9)),
                of("dec rcx", "48ffc9", (c, p) -> X86Encoder.dec(c, p, RCX)),
                of("dec r8", "49ffc8", (c, p) -> X86Encoder.dec(c, p, R8)),
                of("vmovdqu32 zmm24, zmmword ptr [rsi]", "62617e486f06",
                        (c, p) -> X86Encoder.vmovdqu32Load(c, p, 24, RSI, 0)),
                of("vmovdqu32 zmm27, zmmword ptr [rsi + 192]", "62617e486f5e03",
                        (c, p) -> X86Encoder.vmovdqu32Load(c, p, 27, RSI, 192)),
                of("vmovdqu32 zmm3, zmmword ptr [r9 + 100]", "62d17e486f9964000000",
                        (c, p) -> X86Encoder.vmovdqu32Load(c, p, 3, R9, 100)),
                of("vmovdqu32 zmmword ptr [rcx], zmm0", "62f17e487f01",
                        (c, p) -> X86Encoder.vmovdqu32Store(c, p, RCX, 0, 0)),
                of("vmovdqu32 zmmword ptr [rcx + 128], zmm23", "62e17e487f7902",
                        (c, p) -> X86Encoder.vmovdqu32Store(c, p, RCX, 128, 23)),
                of("vmovdqu32 zmmword ptr [r10 - 64], zmm9", "62517e487f4aff",
                        (c, p) -> X86Encoder.vmovdqu32Store(c, p, R10, -64, 9)),
                of("vpbroadcastd zmm28, dword ptr [rdi]", "62627d485827",
                        (c, p) -> X86Encoder.vpbroadcastdZmm(c, p, 28, RDI, -1, 1, 0)),
                of("vpbroadcastd zmm28, dword ptr [rdi + rax]", "62627d48582407",
                        (c, p) -> X86Encoder.vpbroadcastdZmm(c, p, 28, RDI, RAX, 1, 0)),
                of("vpbroadcastd zmm28, dword ptr [r11 + 2*rax]", "62427d48582443",
                        (c, p) -> X86Encoder.vpbroadcastdZmm(c, p, 28, R11, RAX, 2, 0)),
                of("vpbroadcastd zmm2, dword ptr [r8 + 4*r9 + 8]", "62927d4858548802",
                        (c, p) -> X86Encoder.vpbroadcastdZmm(c, p, 2, R8, R9, 4, 8)),
                of("vpbroadcastd zmm17, dword ptr [rdi + 1000]", "62e27d48588fe8030000",
                        (c, p) -> X86Encoder.vpbroadcastdZmm(c, p, 17, RDI, -1, 1, 1000)),
                of("vpdpbusd zmm0, zmm1, zmm2", "62f2754850c2",
                        (c, p) -> X86Encoder.vpdpbusd(c, p, 0, 1, 2)),
                of("vpdpbusd zmm23, zmm28, zmm27", "62821d4050fb",
                        (c, p) -> X86Encoder.vpdpbusd(c, p, 23, 28, 27)),
                of("vpdpbusd zmm5, zmm24, zmm28", "62923d4050ec",
                        (c, p) -> X86Encoder.vpdpbusd(c, p, 5, 24, 28)),
                of("vpdpbusd zmm12, zmm9, zmm17", "6232354850e1",
                        (c, p) -> X86Encoder.vpdpbusd(c, p, 12, 9, 17)),
                of("vpxord zmm0, zmm0, zmm0", "62f17d48efc0",
                        (c, p) -> X86Encoder.vpxord(c, p, 0, 0, 0)),
                of("vpxord zmm21, zmm21, zmm21", "62a15540efed",
                        (c, p) -> X86Encoder.vpxord(c, p, 21, 21, 21)),
                of("vpaddd zmm0, zmm0, zmm16", "62b17d48fec0",
                        (c, p) -> X86Encoder.vpadddZmm(c, p, 0, 0, 16)),
                of("vpaddd zmm9, zmm18, zmm3", "62716d40fecb",
                        (c, p) -> X86Encoder.vpadddZmm(c, p, 9, 18, 3)),
                of("add rsi, 256", "4881c600010000",
                        (c, p) -> X86Encoder.addImm32(c, p, RSI, 256)),
                of("add r10, -1024", "4981c200fcffff",
                        (c, p) -> X86Encoder.addImm32(c, p, R10, -1024)),
                of("vpunpcklwd xmm6, xmm2, xmm4", "c5e961f4",
                        (c, p) -> X86Encoder.vpunpcklwd(c, p, 6, 2, 4)),
                of("vpunpckhwd xmm9, xmm3, xmm5", "c56169cd",
                        (c, p) -> X86Encoder.vpunpckhwd(c, p, 9, 3, 5)),
                of("vpunpcklwd xmm1, xmm12, xmm13", "c4c11961cd",
                        (c, p) -> X86Encoder.vpunpcklwd(c, p, 1, 12, 13)),
                of("vpxor xmm6, xmm6, xmm15", "c4c149eff7",
                        (c, p) -> X86Encoder.vpxorXmm(c, p, 6, 6, 15)),
                of("vpxor xmm10, xmm3, xmm2", "c561efd2",
                        (c, p) -> X86Encoder.vpxorXmm(c, p, 10, 3, 2)),
                of("vmovdqu xmmword ptr [r9 + 48], xmm6", "c4c17a7f7130",
                        (c, p) -> X86Encoder.vmovdquStoreXmm(c, p, R9, 48, 6)),
                of("vmovdqu xmmword ptr [rsi], xmm10", "c57a7f16",
                        (c, p) -> X86Encoder.vmovdquStoreXmm(c, p, RSI, 0, 10)),
                of("push rbx", "53", (c, p) -> X86Encoder.push(c, p, X86Encoder.RBX)),
                of("push rbp", "55", (c, p) -> X86Encoder.push(c, p, X86Encoder.RBP)),
                of("pop rbp", "5d", (c, p) -> X86Encoder.pop(c, p, X86Encoder.RBP)),
                of("pop r11", "415b", (c, p) -> X86Encoder.pop(c, p, R11)),
                of("mov rbx, rsi", "4889f3", (c, p) -> X86Encoder.mov(c, p, X86Encoder.RBX, RSI)),
                of("vmovdqu xmm0, xmmword ptr [rbx + 16]", "c5fa6f4310",
                        (c, p) -> X86Encoder.vmovdquLoadXmm(c, p, 0, X86Encoder.RBX, 16)),
                of("vpsubd zmm0, zmm0, zmm30", "62917d48fac6",
                        (c, p) -> X86Encoder.vpsubdZmm(c, p, 0, 0, 30)),
                of("vpsubd zmm1, zmm17, zmm2", "62f17540faca",
                        (c, p) -> X86Encoder.vpsubdZmm(c, p, 1, 17, 2)),
                of("vpmaxsd zmm0, zmm0, zmm1", "62f27d483dc1",
                        (c, p) -> X86Encoder.vpmaxsd(c, p, 0, 0, 1)),
                of("vpmaxsd zmm20, zmm3, zmm29", "628265483de5",
                        (c, p) -> X86Encoder.vpmaxsd(c, p, 20, 3, 29)),
                of("vpshufd zmm1, zmm0, 177", "62f17d4870c8b1",
                        (c, p) -> X86Encoder.vpshufdZmm(c, p, 1, 0, 0xB1)),
                of("vpshufd zmm21, zmm9, 177", "62c17d4870e9b1",
                        (c, p) -> X86Encoder.vpshufdZmm(c, p, 21, 9, 0xB1)),
                of("vpmovqd ymmword ptr [rbx] {k1}, zmm0", "62f27e493503",
                        (c, p) -> X86Encoder.vpmovqdStore(c, p, X86Encoder.RBX, 0, 0, 1)),
                of("vpmovqd ymmword ptr [rbx + 32] {k2}, zmm17", "62e27e4a354b01",
                        (c, p) -> X86Encoder.vpmovqdStore(c, p, X86Encoder.RBX, 32, 17, 2)),
                of("vpmovqd ymmword ptr [r11 + 100] {k1}, zmm3", "62d27e49359b64000000",
                        (c, p) -> X86Encoder.vpmovqdStore(c, p, R11, 100, 3, 1)),
                of("kmovw k1, word ptr [rdi + 52]", "c5f8904f34",
                        (c, p) -> X86Encoder.kmovwLoad(c, p, 1, RDI, 52)),
                of("kmovw k2, word ptr [r15 + 48]", "c4c178905730",
                        (c, p) -> X86Encoder.kmovwLoad(c, p, 2, X86Encoder.R15, 48)),
                of("vmovdqu32 zmm1, zmmword ptr [rax + r8]", "62b17e486f0c00",
                        (c, p) -> X86Encoder.vmovdqu32Load(c, p, 1, RAX, R8, 0)),
                of("vmovdqu32 zmm0, zmmword ptr [rax + r8 + 64]", "62b17e486f440001",
                        (c, p) -> X86Encoder.vmovdqu32Load(c, p, 0, RAX, R8, 64)),
                of("vpbroadcastd zmm31, dword ptr [r15 + 4]", "62427d48587f01",
                        (c, p) -> X86Encoder.vpbroadcastdZmm(c, p, 31, X86Encoder.R15, -1, 1, 4)),
                of("mov r10, qword ptr [r15 + 8]", "4d8b5708",
                        (c, p) -> X86Encoder.movLoad(c, p, R10, X86Encoder.R15, 8)),
                of("push r12", "4154",
                        (c, p) -> X86Encoder.push(c, p, X86Encoder.R12)),
                of("pop r14", "415e",
                        (c, p) -> X86Encoder.pop(c, p, X86Encoder.R14)),
                of("mov rbp, r13", "4c89ed",
                        (c, p) -> X86Encoder.mov(c, p, X86Encoder.RBP, X86Encoder.R13)),
                of("mov r13, qword ptr [rdi + 8]", "4c8b6f08",
                        (c, p) -> X86Encoder.movLoad(c, p, X86Encoder.R13, RDI, 8)),
                of("add r15, 16", "4983c710",
                        (c, p) -> X86Encoder.addImm8(c, p, X86Encoder.R15, 16)),
                of("test rcx, rcx", "4885c9", (c, p) -> X86Encoder.test(c, p, RCX)),
                of("test r12, r12", "4d85e4", (c, p) -> X86Encoder.test(c, p, X86Encoder.R12)),
                of("vpdpbusd zmm5, zmm24, dword ptr [rsi + 64]{1to16}", "62f23d50506e10",
                        (c, p) -> X86Encoder.vpdpbusdBroadcast(c, p, 5, 24, RSI, -1, 1, 64)),
                of("vpdpbusd zmm0, zmm1, dword ptr [rdi]{1to16}", "62f275585007",
                        (c, p) -> X86Encoder.vpdpbusdBroadcast(c, p, 0, 1, RDI, -1, 1, 0)),
                of("vpdpbusd zmm17, zmm2, dword ptr [r11 + 2*rax + 4]{1to16}", "62c26d58504c4301",
                        (c, p) -> X86Encoder.vpdpbusdBroadcast(c, p, 17, 2, R11, RAX, 2, 4)),
                of("vpdpbusd zmm3, zmm4, dword ptr [rdi + 1000]{1to16}", "62f25d58509fe8030000",
                        (c, p) -> X86Encoder.vpdpbusdBroadcast(c, p, 3, 4, RDI, -1, 1, 1000)),
                of("vzeroupper", "c5f877", X86Encoder::vzeroupper),
                of("ret", "c3", X86Encoder::ret));
    }

    private static Arguments of(String asm, String hex, Emit emit) {
        return Arguments.of(asm, hex, emit);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("instructions")
    void encodesAsLlvmMcDoes(String asm, String hex, Emit emit) {
        byte[] code = new byte[32];
        code[2] = 0x55; // the instruction lands at 3 and must not touch what precedes it
        int end = emit.at(code, 3);
        assertEquals(hex, HexFormat.of().formatHex(code, 3, end), asm);
        assertEquals(0x55, code[2]);
    }

    @Test
    void jumpsBackwardsWithA32BitDisplacement() {
        byte[] code = new byte[16];
        int end = X86Encoder.jnz(code, 10, 4);
        // 0F 85 rel32: rel = 4 - 16 = -12.
        assertEquals("0f85f4ffffff", HexFormat.of().formatHex(code, 10, end));
    }

    @Test
    void jumpsForwardWhenZero() {
        byte[] code = new byte[32];
        int end = X86Encoder.jz(code, 2, 20);
        // 0F 84 rel32: rel = 20 - 8 = 12.
        assertEquals("0f840c000000", HexFormat.of().formatHex(code, 2, end));
    }

    @Test
    void rejectsBasesThatNeedOtherForms() {
        byte[] code = new byte[16];
        assertThrows(IllegalArgumentException.class, () -> X86Encoder.vmovdquLoad(code, 0, 1, 4, 0)); // rsp
        assertThrows(IllegalArgumentException.class, () -> X86Encoder.vmovdquLoad(code, 0, 1, 13, 8)); // r13
        assertThrows(IllegalArgumentException.class, () -> X86Encoder.addImm8(code, 0, RDI, 200));
    }
}
