package dev.octet.backends.jvm.kernels;

/**
 * The strided copies of layout ops, shared by the model class and the SIMD class (the latter's
 * {@link VectorKernels#copyStrided} moves short float rows in vectors and leaves the rest to these loops). A kernel
 * template: static methods only, no static initializer, no lambdas.
 */
public final class StridedCopies {
    private StridedCopies() {
    }

    /**
     * Copies a strided 4-d region (Transpose, Split, Slice, Concat): dst[i0,i1,i2,i3] at dst strides from src at
     * src strides; float, int or byte arrays. The element type is resolved once, outside the loops: an arraycopy of
     * statically typed arrays skips the per-call type checks, which dominate the short rows of attention heads.
     */
    static void stridedCopy(Object src, int so, Object dst, int doff, int d0, int d1, int d2, int d3,
            int ss0, int ss1, int ss2, int ss3, int ds0, int ds1, int ds2, int ds3) {
        if (src instanceof float[] sf) {
            stridedCopyF32(sf, so, (float[]) dst, doff, d0, d1, d2, d3, ss0, ss1, ss2, ss3, ds0, ds1, ds2, ds3);
        } else if (src instanceof int[] si) {
            stridedCopyI32(si, so, (int[]) dst, doff, d0, d1, d2, d3, ss0, ss1, ss2, ss3, ds0, ds1, ds2, ds3);
        } else {
            stridedCopyBytes((byte[]) src, so, (byte[]) dst, doff, d0, d1, d2, d3, ss0, ss1, ss2, ss3, ds0, ds1, ds2,
                    ds3);
        }
    }

    static void stridedCopyF32(float[] src, int so, float[] dst, int doff, int d0, int d1, int d2, int d3,
            int ss0, int ss1, int ss2, int ss3, int ds0, int ds1, int ds2, int ds3) {
        for (int i0 = 0; i0 < d0; i0++) {
            for (int i1 = 0; i1 < d1; i1++) {
                for (int i2 = 0; i2 < d2; i2++) {
                    int s = so + i0 * ss0 + i1 * ss1 + i2 * ss2;
                    int d = doff + i0 * ds0 + i1 * ds1 + i2 * ds2;
                    if (ss3 == 1 && ds3 == 1) {
                        System.arraycopy(src, s, dst, d, d3);
                    } else {
                        for (int j = 0; j < d3; j++) {
                            dst[d + j * ds3] = src[s + j * ss3];
                        }
                    }
                }
            }
        }
    }

    /** {@link #stridedCopyF32} for ints. */
    static void stridedCopyI32(int[] src, int so, int[] dst, int doff, int d0, int d1, int d2, int d3,
            int ss0, int ss1, int ss2, int ss3, int ds0, int ds1, int ds2, int ds3) {
        for (int i0 = 0; i0 < d0; i0++) {
            for (int i1 = 0; i1 < d1; i1++) {
                for (int i2 = 0; i2 < d2; i2++) {
                    int s = so + i0 * ss0 + i1 * ss1 + i2 * ss2;
                    int d = doff + i0 * ds0 + i1 * ds1 + i2 * ds2;
                    if (ss3 == 1 && ds3 == 1) {
                        System.arraycopy(src, s, dst, d, d3);
                    } else {
                        for (int j = 0; j < d3; j++) {
                            dst[d + j * ds3] = src[s + j * ss3];
                        }
                    }
                }
            }
        }
    }

    /** {@link #stridedCopyF32} for bytes. */
    static void stridedCopyBytes(byte[] src, int so, byte[] dst, int doff, int d0, int d1, int d2, int d3,
            int ss0, int ss1, int ss2, int ss3, int ds0, int ds1, int ds2, int ds3) {
        for (int i0 = 0; i0 < d0; i0++) {
            for (int i1 = 0; i1 < d1; i1++) {
                for (int i2 = 0; i2 < d2; i2++) {
                    int s = so + i0 * ss0 + i1 * ss1 + i2 * ss2;
                    int d = doff + i0 * ds0 + i1 * ds1 + i2 * ds2;
                    if (ss3 == 1 && ds3 == 1) {
                        System.arraycopy(src, s, dst, d, d3);
                    } else {
                        for (int j = 0; j < d3; j++) {
                            dst[d + j * ds3] = src[s + j * ss3];
                        }
                    }
                }
            }
        }
    }
}
