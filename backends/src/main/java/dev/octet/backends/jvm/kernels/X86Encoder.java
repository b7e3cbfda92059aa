package dev.octet.backends.jvm.kernels;

/**
 * The x86-64 instructions of the run-time int8 micro-kernels ({@link Avx2Gemm}, {@link VnniGemm}), encoded into
 * a byte array: each method writes one instruction at {@code pos} and returns the position after it. Encodings
 * follow the Intel SDM and are checked byte for byte against llvm-mc (X86EncoderTest); the shortest form is chosen
 * where llvm-mc does (two-byte VEX, disp8). A kernel template: static methods only, no static initializer, no lambdas.
 *
 * <p>Registers are numbered as in the ModRM encoding: general 0 = rax, 1 = rcx, 2 = rdx, 3 = rbx, 5 = rbp,
 * 6 = rsi, 7 = rdi, 8-15 = r8-r15; vector 0-15 = xmm/ymm0-15, 0-31 = zmm0-31 (EVEX). Memory operands are
 * [base + disp], and [base + index*scale + disp] where an instruction takes an index (SIB); rsp, rbp, r12 and r13
 * as a base and rsp as an index need forms the kernels do not use and are rejected. EVEX forms scale an 8-bit
 * displacement by the operand's size, as the SDM's disp8*N.
 */
public final class X86Encoder {
    public static final int RAX = 0;
    public static final int RCX = 1;
    public static final int RDX = 2;
    public static final int RBX = 3;
    public static final int RBP = 5;
    public static final int RSI = 6;
    public static final int RDI = 7;
    public static final int R8 = 8;
    public static final int R9 = 9;
    public static final int R10 = 10;
    public static final int R11 = 11;
    public static final int R12 = 12;
    public static final int R13 = 13;
    public static final int R14 = 14;
    public static final int R15 = 15;

    /** VEX opcode maps and implied prefixes. */
    private static final int MAP_0F = 1;
    private static final int MAP_0F38 = 2;
    private static final int PP_66 = 1;
    private static final int PP_F3 = 2;

    private X86Encoder() {
    }

    /** {@code vmovdqu ymm, [base + disp]}. */
    public static int vmovdquLoad(byte[] code, int pos, int ymm, int base, int disp) {
        pos = vex(code, pos, MAP_0F, PP_F3, true, ymm, 0, base);
        code[pos++] = 0x6F;
        return memory(code, pos, ymm, base, disp);
    }

    /** {@code vmovdqu xmm, [base + disp]}. */
    public static int vmovdquLoadXmm(byte[] code, int pos, int xmm, int base, int disp) {
        pos = vex(code, pos, MAP_0F, PP_F3, false, xmm, 0, base);
        code[pos++] = 0x6F;
        return memory(code, pos, xmm, base, disp);
    }

    /** {@code vmovdqu [base + disp], ymm}. */
    public static int vmovdquStore(byte[] code, int pos, int base, int disp, int ymm) {
        pos = vex(code, pos, MAP_0F, PP_F3, true, ymm, 0, base);
        code[pos++] = 0x7F;
        return memory(code, pos, ymm, base, disp);
    }

    /** {@code vpbroadcastd ymm, dword [base + disp]}. */
    public static int vpbroadcastd(byte[] code, int pos, int ymm, int base, int disp) {
        pos = vex(code, pos, MAP_0F38, PP_66, true, ymm, 0, base);
        code[pos++] = 0x58;
        return memory(code, pos, ymm, base, disp);
    }

    /** {@code vpbroadcastd ymm, dword [base + index*scale + disp]} (scale 1, 2, 4 or 8). */
    public static int vpbroadcastd(byte[] code, int pos, int ymm, int base, int index, int scale, int disp) {
        pos = vex(code, pos, MAP_0F38, PP_66, true, ymm, 0, base, index);
        code[pos++] = 0x58;
        return memory(code, pos, ymm, base, index, scale, disp);
    }

    /** {@code vpmovsxbw ymm, xmm}: 16 signed bytes to 16 words. */
    public static int vpmovsxbw(byte[] code, int pos, int ymm, int xmm) {
        pos = vex(code, pos, MAP_0F38, PP_66, true, ymm, 0, xmm);
        code[pos++] = 0x20;
        return registers(code, pos, ymm, xmm);
    }

    /** {@code vpmovzxbw ymm, xmm}: 16 unsigned bytes to 16 words. */
    public static int vpmovzxbw(byte[] code, int pos, int ymm, int xmm) {
        pos = vex(code, pos, MAP_0F38, PP_66, true, ymm, 0, xmm);
        code[pos++] = 0x30;
        return registers(code, pos, ymm, xmm);
    }

    /** {@code vpunpcklbw dst, a, xmmword [base + disp]}: the low 8 bytes of a and of memory, interleaved. */
    public static int vpunpcklbw(byte[] code, int pos, int dst, int a, int base, int disp) {
        pos = vex(code, pos, MAP_0F, PP_66, false, dst, a, base);
        code[pos++] = 0x60;
        return memory(code, pos, dst, base, disp);
    }

    /** {@code vpunpckhbw dst, a, xmmword [base + disp]}: the high 8 bytes of a and of memory, interleaved. */
    public static int vpunpckhbw(byte[] code, int pos, int dst, int a, int base, int disp) {
        pos = vex(code, pos, MAP_0F, PP_66, false, dst, a, base);
        code[pos++] = 0x68;
        return memory(code, pos, dst, base, disp);
    }

    /** {@code vpmaddwd dst, a, b}: per int32 lane, the sum of the two products of its signed 16-bit halves. */
    public static int vpmaddwd(byte[] code, int pos, int dst, int a, int b) {
        return vexRegisters(code, pos, 0xF5, dst, a, b);
    }

    /** {@code vpaddd dst, a, b}. */
    public static int vpaddd(byte[] code, int pos, int dst, int a, int b) {
        return vexRegisters(code, pos, 0xFE, dst, a, b);
    }

    /** {@code vpxor dst, a, b}. */
    public static int vpxor(byte[] code, int pos, int dst, int a, int b) {
        return vexRegisters(code, pos, 0xEF, dst, a, b);
    }

    /** {@code vpunpcklwd xmm dst, a, b}: the low four words of a and b, interleaved. */
    public static int vpunpcklwd(byte[] code, int pos, int dst, int a, int b) {
        pos = vex(code, pos, MAP_0F, PP_66, false, dst, a, b);
        code[pos++] = 0x61;
        return registers(code, pos, dst, b);
    }

    /** {@code vpunpckhwd xmm dst, a, b}: the high four words of a and b, interleaved. */
    public static int vpunpckhwd(byte[] code, int pos, int dst, int a, int b) {
        pos = vex(code, pos, MAP_0F, PP_66, false, dst, a, b);
        code[pos++] = 0x69;
        return registers(code, pos, dst, b);
    }

    /** {@code vpxor xmm dst, a, b}. */
    public static int vpxorXmm(byte[] code, int pos, int dst, int a, int b) {
        pos = vex(code, pos, MAP_0F, PP_66, false, dst, a, b);
        code[pos++] = (byte) 0xEF;
        return registers(code, pos, dst, b);
    }

    /** {@code vmovdqu [base + disp], xmm}. */
    public static int vmovdquStoreXmm(byte[] code, int pos, int base, int disp, int xmm) {
        pos = vex(code, pos, MAP_0F, PP_F3, false, xmm, 0, base);
        code[pos++] = 0x7F;
        return memory(code, pos, xmm, base, disp);
    }

    /** {@code vmovdqu32 zmm, [base + disp]} (AVX-512). */
    public static int vmovdqu32Load(byte[] code, int pos, int zmm, int base, int disp) {
        return vmovdqu32Load(code, pos, zmm, base, -1, disp);
    }

    /** {@code vmovdqu32 zmm, [base + index + disp]} (AVX-512; index -1: none). */
    public static int vmovdqu32Load(byte[] code, int pos, int zmm, int base, int index, int disp) {
        pos = evex(code, pos, MAP_0F, PP_F3, zmm, 0, base, Math.max(index, 0), false);
        code[pos++] = 0x6F;
        return evexMemory(code, pos, zmm, base, index, 1, disp, 64);
    }

    /** {@code vpsubd dst, a, b} on zmm registers. */
    public static int vpsubdZmm(byte[] code, int pos, int dst, int a, int b) {
        return evexRegisters(code, pos, MAP_0F, 0xFA, dst, a, b);
    }

    /** {@code vpmaxsd dst, a, b} on zmm registers: the signed int32 maximum per lane. */
    public static int vpmaxsd(byte[] code, int pos, int dst, int a, int b) {
        return evexRegisters(code, pos, MAP_0F38, 0x3D, dst, a, b);
    }

    /** {@code vpshufd dst, src, imm} on zmm registers: int32 lanes permuted within each 128-bit block. */
    public static int vpshufdZmm(byte[] code, int pos, int dst, int src, int imm) {
        pos = evex(code, pos, MAP_0F, PP_66, dst, 0, src, src >> 4 << 3, false);
        code[pos++] = 0x70;
        pos = registers(code, pos, dst, src);
        code[pos++] = (byte) imm;
        return pos;
    }

    /**
     * {@code vpmovqd [base + disp] {k}, zmm}: the low int32 of each of zmm's eight int64 lanes, stored where opmask
     * register k (1-7) has its bit set.
     */
    public static int vpmovqdStore(byte[] code, int pos, int base, int disp, int zmm, int k) {
        pos = evex(code, pos, MAP_0F38, PP_F3, zmm, 0, base, 0, false);
        code[pos - 1] |= (byte) k;
        code[pos++] = 0x35;
        return evexMemory(code, pos, zmm, base, -1, 1, disp, 32);
    }

    /** {@code kmovw k, word [base + disp]}: opmask register k from memory. */
    public static int kmovwLoad(byte[] code, int pos, int k, int base, int disp) {
        pos = vex(code, pos, MAP_0F, 0, false, k, 0, base);
        code[pos++] = (byte) 0x90;
        return memory(code, pos, k, base, disp);
    }

    /** {@code vmovdqu32 [base + disp], zmm} (AVX-512). */
    public static int vmovdqu32Store(byte[] code, int pos, int base, int disp, int zmm) {
        pos = evex(code, pos, MAP_0F, PP_F3, zmm, 0, base, 0, false);
        code[pos++] = 0x7F;
        return evexMemory(code, pos, zmm, base, -1, 1, disp, 64);
    }

    /** {@code vpbroadcastd zmm, dword [base + index*scale + disp]} (AVX-512; index -1: none). */
    public static int vpbroadcastdZmm(byte[] code, int pos, int zmm, int base, int index, int scale, int disp) {
        pos = evex(code, pos, MAP_0F38, PP_66, zmm, 0, base, Math.max(index, 0), false);
        code[pos++] = 0x58;
        return evexMemory(code, pos, zmm, base, index, scale, disp, 4);
    }

    /**
     * {@code vpdpbusd acc, u, s} (AVX512_VNNI): per int32 lane of acc, plus the four products of u's unsigned bytes
     * and s's signed bytes in that lane, wrapping.
     */
    public static int vpdpbusd(byte[] code, int pos, int acc, int u, int s) {
        return evexRegisters(code, pos, MAP_0F38, 0x50, acc, u, s);
    }

    /**
     * {@code vpdpbusd acc, u, dword [base + index*scale + disp]{1to16}} (index -1: none): the signed operand as one
     * dword of memory broadcast to every lane (EVEX.b), the form for a signed broadcast row against unsigned
     * vectors in registers.
     */
    public static int vpdpbusdBroadcast(byte[] code, int pos, int acc, int u, int base, int index, int scale,
            int disp) {
        pos = evex(code, pos, MAP_0F38, PP_66, acc, u, base, Math.max(index, 0), true);
        code[pos++] = 0x50;
        return evexMemory(code, pos, acc, base, index, scale, disp, 4);
    }

    /** {@code vpxord dst, a, b} on zmm registers. */
    public static int vpxord(byte[] code, int pos, int dst, int a, int b) {
        return evexRegisters(code, pos, MAP_0F, 0xEF, dst, a, b);
    }

    /** {@code vpaddd dst, a, b} on zmm registers. */
    public static int vpadddZmm(byte[] code, int pos, int dst, int a, int b) {
        return evexRegisters(code, pos, MAP_0F, 0xFE, dst, a, b);
    }

    /** {@code add reg, imm32} (64-bit, sign-extended). */
    public static int addImm32(byte[] code, int pos, int reg, int imm) {
        code[pos++] = (byte) (0x48 | (reg >> 3));
        code[pos++] = (byte) 0x81;
        code[pos++] = (byte) (0xC0 | (reg & 7));
        return int32(code, pos, imm);
    }

    /** {@code push reg} (64-bit). */
    public static int push(byte[] code, int pos, int reg) {
        if (reg >= 8) {
            code[pos++] = 0x41;
        }
        code[pos++] = (byte) (0x50 | (reg & 7));
        return pos;
    }

    /** {@code pop reg} (64-bit). */
    public static int pop(byte[] code, int pos, int reg) {
        if (reg >= 8) {
            code[pos++] = 0x41;
        }
        code[pos++] = (byte) (0x58 | (reg & 7));
        return pos;
    }

    /** {@code add reg, imm8}. */
    public static int addImm8(byte[] code, int pos, int reg, int imm) {
        if (imm < -128 || imm > 127) {
            throw new IllegalArgumentException("immediate " + imm + " does not fit a byte");
        }
        code[pos++] = (byte) (0x48 | (reg >> 3));
        code[pos++] = (byte) 0x83;
        code[pos++] = (byte) (0xC0 | (reg & 7));
        code[pos++] = (byte) imm;
        return pos;
    }

    /** {@code add dst, src} (64-bit). */
    public static int add(byte[] code, int pos, int dst, int src) {
        return rexRegisters(code, pos, 0x01, dst, src);
    }

    /** {@code mov dst, src} (64-bit). */
    public static int mov(byte[] code, int pos, int dst, int src) {
        return rexRegisters(code, pos, 0x89, dst, src);
    }

    /** {@code mov dst, qword [base + disp]}. */
    public static int movLoad(byte[] code, int pos, int dst, int base, int disp) {
        code[pos++] = (byte) (0x48 | (dst >> 3) << 2 | (base >> 3));
        code[pos++] = (byte) 0x8B;
        return memory(code, pos, dst, base, disp);
    }

    /** {@code dec reg} (64-bit). */
    public static int dec(byte[] code, int pos, int reg) {
        code[pos++] = (byte) (0x48 | (reg >> 3));
        code[pos++] = (byte) 0xFF;
        code[pos++] = (byte) (0xC8 | (reg & 7));
        return pos;
    }

    /** {@code jnz target} with a 32-bit displacement (target: a position in the same code). */
    public static int jnz(byte[] code, int pos, int target) {
        code[pos++] = 0x0F;
        code[pos++] = (byte) 0x85;
        return int32(code, pos, target - (pos + 4));
    }

    /** {@code test reg, reg} (64-bit): sets ZF when reg is 0. */
    public static int test(byte[] code, int pos, int reg) {
        return rexRegisters(code, pos, 0x85, reg, reg);
    }

    /** {@code jz target} with a 32-bit displacement (a forward target may be patched by writing it again). */
    public static int jz(byte[] code, int pos, int target) {
        code[pos++] = 0x0F;
        code[pos++] = (byte) 0x84;
        return int32(code, pos, target - (pos + 4));
    }

    public static int vzeroupper(byte[] code, int pos) {
        code[pos++] = (byte) 0xC5;
        code[pos++] = (byte) 0xF8;
        code[pos++] = 0x77;
        return pos;
    }

    public static int ret(byte[] code, int pos) {
        code[pos++] = (byte) 0xC3;
        return pos;
    }

    /** A 256-bit VEX instruction {@code op dst, a, b} of map 0F with prefix 66 on three vector registers. */
    private static int vexRegisters(byte[] code, int pos, int opcode, int dst, int a, int b) {
        pos = vex(code, pos, MAP_0F, PP_66, true, dst, a, b);
        code[pos++] = (byte) opcode;
        return registers(code, pos, dst, b);
    }

    /** ModRM of two registers (register-direct). */
    private static int registers(byte[] code, int pos, int reg, int rm) {
        code[pos++] = (byte) (0xC0 | (reg & 7) << 3 | (rm & 7));
        return pos;
    }

    /** REX.W, opcode, ModRM (register direct): {@code op dst, src} with src in the reg field. */
    private static int rexRegisters(byte[] code, int pos, int opcode, int dst, int src) {
        code[pos++] = (byte) (0x48 | (src >> 3) << 2 | (dst >> 3));
        code[pos++] = (byte) opcode;
        return registers(code, pos, src, dst);
    }

    /**
     * A VEX prefix (W0; 256-bit if {@code wide}, else 128): {@code reg} in ModRM.reg, {@code vvvv} the extra source,
     * {@code rm} the ModRM.rm register or memory base. The two-byte form when no field needs the three-byte one.
     */
    private static int vex(byte[] code, int pos, int map, int pp, boolean wide, int reg, int vvvv, int rm) {
        return vex(code, pos, map, pp, wide, reg, vvvv, rm, 0);
    }

    /** {@link #vex} with a memory operand's SIB index register (extended by VEX.X). */
    private static int vex(byte[] code, int pos, int map, int pp, boolean wide, int reg, int vvvv, int rm,
            int index) {
        int notR = (~reg >> 3 & 1) << 7;
        int tail = (~vvvv & 15) << 3 | (wide ? 1 << 2 : 0) | pp;
        if (map == MAP_0F && rm < 8 && index < 8) {
            code[pos++] = (byte) 0xC5;
            code[pos++] = (byte) (notR | tail);
        } else {
            code[pos++] = (byte) 0xC4;
            code[pos++] = (byte) (notR | (~index >> 3 & 1) << 6 | (~rm >> 3 & 1) << 5 | map);
            code[pos++] = (byte) tail;
        }
        return pos;
    }

    /** A 512-bit EVEX instruction {@code op dst, a, b} (prefix 66, W0) on three zmm registers (0-31). */
    private static int evexRegisters(byte[] code, int pos, int map, int opcode, int dst, int a, int b) {
        pos = evex(code, pos, map, PP_66, dst, a, b, b >> 4 << 3, false);
        code[pos++] = (byte) opcode;
        return registers(code, pos, dst, b);
    }

    /**
     * A 512-bit EVEX prefix (W0, no opmask): {@code reg} (0-31) in ModRM.reg, {@code vvvv} (0-31) the extra
     * source, {@code rm} the ModRM.rm register or memory base; {@code x}: bit 3 of a SIB index, or bit 4 of a
     * register rm (EVEX.X extends both).
     */
    private static int evex(byte[] code, int pos, int map, int pp, int reg, int vvvv, int rm, int x,
            boolean broadcast) {
        code[pos++] = 0x62;
        code[pos++] = (byte) ((~reg >> 3 & 1) << 7 | (~x >> 3 & 1) << 6 | (~rm >> 3 & 1) << 5 | (~reg >> 4 & 1) << 4
                | map);
        code[pos++] = (byte) ((~vvvv & 15) << 3 | 1 << 2 | pp);
        code[pos++] = (byte) (2 << 5 | (broadcast ? 1 << 4 : 0) | (~vvvv >> 4 & 1) << 3);
        return pos;
    }

    /**
     * ModRM, SIB (index >= 0) and displacement of an EVEX memory operand: an 8-bit displacement counts units of
     * {@code n} bytes (the operand's size), so disp8 where disp is such a multiple in range, else disp32.
     */
    private static int evexMemory(byte[] code, int pos, int reg, int base, int index, int scale, int disp, int n) {
        if ((base & 7) == 4 || (base & 7) == 5 || index == 4) {
            throw new IllegalArgumentException("base " + base + " or index " + index + " needs forms not encoded here");
        }
        int log = Integer.numberOfTrailingZeros(scale);
        if (scale != 1 << log || log > 3) {
            throw new IllegalArgumentException("scale " + scale + " is not 1, 2, 4 or 8");
        }
        boolean short8 = disp % n == 0 && disp / n >= -128 && disp / n <= 127;
        int mod = disp == 0 ? 0 : short8 ? 0x40 : 0x80;
        code[pos++] = (byte) (mod | (reg & 7) << 3 | (index >= 0 ? 4 : base & 7));
        if (index >= 0) {
            code[pos++] = (byte) (log << 6 | (index & 7) << 3 | (base & 7));
        }
        if (mod == 0x40) {
            code[pos++] = (byte) (disp / n);
        } else if (mod == 0x80) {
            pos = int32(code, pos, disp);
        }
        return pos;
    }

    /** ModRM (and displacement) of [base + disp] with {@code reg} in the reg field. */
    private static int memory(byte[] code, int pos, int reg, int base, int disp) {
        if ((base & 7) == 4 || (base & 7) == 5) {
            throw new IllegalArgumentException("base register " + base + " needs SIB or disp forms not encoded here");
        }
        return modRm(code, pos, (reg & 7) << 3 | (base & 7), -1, disp);
    }

    /** ModRM, SIB and displacement of [base + index*scale + disp] with {@code reg} in the reg field. */
    private static int memory(byte[] code, int pos, int reg, int base, int index, int scale, int disp) {
        if ((base & 7) == 4 || (base & 7) == 5 || index == 4) {
            throw new IllegalArgumentException("base " + base + " or index " + index + " needs forms not encoded here");
        }
        int log = Integer.numberOfTrailingZeros(scale);
        if (scale != 1 << log || log > 3) {
            throw new IllegalArgumentException("scale " + scale + " is not 1, 2, 4 or 8");
        }
        return modRm(code, pos, (reg & 7) << 3 | 4, log << 6 | (index & 7) << 3 | (base & 7), disp);
    }

    /** ModRM (mod chosen by the displacement's size), the SIB byte unless negative, then the displacement. */
    private static int modRm(byte[] code, int pos, int fields, int sib, int disp) {
        int mod = disp == 0 ? 0 : disp >= -128 && disp <= 127 ? 0x40 : 0x80;
        code[pos++] = (byte) (mod | fields);
        if (sib >= 0) {
            code[pos++] = (byte) sib;
        }
        if (mod == 0x40) {
            code[pos++] = (byte) disp;
        } else if (mod == 0x80) {
            pos = int32(code, pos, disp);
        }
        return pos;
    }

    private static int int32(byte[] code, int pos, int v) {
        code[pos++] = (byte) v;
        code[pos++] = (byte) (v >> 8);
        code[pos++] = (byte) (v >> 16);
        code[pos++] = (byte) (v >> 24);
        return pos;
    }
}
