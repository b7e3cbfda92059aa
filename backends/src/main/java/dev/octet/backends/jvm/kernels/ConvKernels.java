package dev.octet.backends.jvm.kernels;

/**
 * Convolution and integer-GEMM pieces shared by the model class and the SIMD class: im2col for float and byte
 * images, the integer convolution's band loop over exact float GEMMs, and the zero-point subtraction of the
 * integer kernels' Java paths. The code generator copies this template into both;
 * in the SIMD class its calls to {@link ScalarKernels} kernels land on the {@link VectorKernels} ones of the same
 * signature (KernelTemplates), so one loop serves both. A kernel template: static methods only, no static
 * initializer, no lambdas.
 */
public final class ConvKernels {
    private ConvKernels() {
    }

    /**
     * Lays the windows of output rows [y0, y1) of one CHW image (float[] or byte[]) out as the columns of a
     * [c*kh*kw, (y1-y0)*ow] matrix of the same type (im2col) with row stride {@code ldcol}, padding with
     * {@code pad} (as a byte for bytes).
     */
    public static void im2col(Object x, int xo, Object col, int colo, int ldcol, int channels, int h, int w, int kh,
            int kw, int sh, int sw, int ph, int pw, int dh, int dw, int y0, int y1, int ow, float pad) {
        int oh = y1 - y0;           // rows of this band; y below counts from y0
        // Taps outside, channels inside: a tap's geometry (two divisions) once for all channels.
        for (int u = 0; u < kh; u++) {
            for (int v = 0; v < kw; v++) {
                // Output columns xx in [lo, hi) read inside the image; the rest are padding.
                int off = v * dw - pw;
                int lo = Math.min(ow, off >= 0 ? 0 : (-off + sw - 1) / sw);
                int hi = Math.max(lo, Math.min(ow, off >= w ? 0 : (w - off + sw - 1) / sw));
                int ylo = Math.min(oh, Math.max(0, ph - u * dh - y0));
                int yhi = Math.max(ylo, Math.min(oh, h + ph - u * dh - y0));
                for (int c = 0; c < channels; c++) {
                    int row = colo + ((c * kh + u) * kw + v) * ldcol;
                    if (sh == 1 && sw == 1 && ow == w && lo < hi) {
                        // Output rows as long as input rows: the in-image rows are one contiguous copy, then the
                        // padding columns are written over it.
                        fillPad(col, row, row + ylo * ow, pad);
                        fillPad(col, row + yhi * ow, row + oh * ow, pad);
                        if (ylo < yhi) {
                            int src = xo + (c * h + y0 + ylo - ph + u * dh) * w + off;
                            int dst = row + ylo * ow;
                            copy(x, src + lo, col, dst + lo, (yhi - ylo - 1) * w + hi - lo);
                            if (lo > 0 || hi < ow) {
                                fillEdges(col, dst, ow, yhi - ylo, lo, hi, pad);
                            }
                        }
                        continue;
                    }
                    for (int y = 0; y < oh; y++) {
                        int iy = (y0 + y) * sh - ph + u * dh;
                        int dst = row + y * ow;
                        if (iy < 0 || iy >= h) {
                            fillPad(col, dst, dst + ow, pad);
                            continue;
                        }
                        int src = xo + (c * h + iy) * w + off;
                        fillPad(col, dst, dst + lo, pad);
                        if (sw == 1) {
                            copy(x, src + lo, col, dst + lo, hi - lo);
                        } else if (x instanceof float[] xf) {
                            float[] cf = (float[]) col;
                            for (int xx = lo; xx < hi; xx++) {
                                cf[dst + xx] = xf[src + xx * sw];
                            }
                        } else {
                            byte[] xb = (byte[]) x;
                            byte[] cb = (byte[]) col;
                            for (int xx = lo; xx < hi; xx++) {
                                cb[dst + xx] = xb[src + xx * sw];
                            }
                        }
                        fillPad(col, dst + hi, dst + ow, pad);
                    }
                }
            }
        }
    }

    /**
     * System.arraycopy between arrays of one primitive type, typed: an arraycopy of Objects is a generic stub with
     * type checks, which cost as much as the copy at im2col's sizes (tens of bytes).
     */
    private static void copy(Object from, int fo, Object to, int to0, int n) {
        if (from instanceof byte[] b) {
            System.arraycopy(b, fo, (byte[]) to, to0, n);
        } else {
            System.arraycopy((float[]) from, fo, (float[]) to, to0, n);
        }
    }

    /**
     * Columns [0, lo) and [hi, width) of {@code rows} rows of {@code width} from {@code from} = pad: the padding
     * columns of a band, one call per kernel tap rather than two per row (a stride-1 3x3 convolution's im2col is
     * mostly these calls otherwise).
     */
    private static void fillEdges(Object a, int from, int width, int rows, int lo, int hi, float pad) {
        if (a instanceof float[] f) {
            for (int r = from; r < from + rows * width; r += width) {
                for (int i = 0; i < lo; i++) {
                    f[r + i] = pad;
                }
                for (int i = hi; i < width; i++) {
                    f[r + i] = pad;
                }
            }
        } else {
            byte[] b = (byte[]) a;
            byte v = (byte) pad;
            for (int r = from; r < from + rows * width; r += width) {
                for (int i = 0; i < lo; i++) {
                    b[r + i] = v;
                }
                for (int i = hi; i < width; i++) {
                    b[r + i] = v;
                }
            }
        }
    }

    /** a[from, to) = pad; plain loops: most runs are the one or two padding columns of a row. */
    private static void fillPad(Object a, int from, int to, float pad) {
        if (a instanceof float[] f) {
            for (int i = from; i < to; i++) {
                f[i] = pad;
            }
        } else {
            byte[] b = (byte[]) a;
            byte v = (byte) pad;
            for (int i = from; i < to; i++) {
                b[i] = v;
            }
        }
    }

    /**
     * The integer convolution of {@link ScalarKernels#convInteger} with exact float GEMMs: weights widened once,
     * each image widened once, im2col per band of {@code bandRows} output rows. Float scratch from {@code fo}:
     * oc*k (weights), c*h*w (image), k*band (columns), ocg*band + GEMM_SCRATCH_FLOATS (GEMM), where band =
     * bandRows*ow and k = (c/groups)*kh*kw. With {@code correct}, {@code corr[ko + channel]} is subtracted.
     */
    public static void convIntegerWidened(byte[] x, int xo, boolean unsigned, byte[] w, int wo, int[] y, int yo,
            int batch, int groups, int c, int h, int wd, int kh, int kw, int sh, int sw, int ph, int pw, int dh,
            int dw, int oc, int oh, int ow, int zx, int bandRows, float[] fs, int fo, int[] corr, int ko,
            boolean correct) {
        int cg = c / groups;
        int ocg = oc / groups;
        int k = cg * kh * kw;
        int image = c * h * wd;
        int fw = fo;
        int fx = fw + oc * k;
        int fc = fx + image;
        int fg = fc + k * bandRows * ow;
        ScalarKernels.bytesToFloats(w, wo, false, fs, fw, oc * k);
        for (int b = 0; b < batch; b++) {
            ScalarKernels.bytesToFloats(x, xo + b * image, unsigned, fs, fx, image);
            for (int g = 0; g < groups; g++) {
                int yg = yo + (b * oc + g * ocg) * oh * ow;
                for (int y0 = 0; y0 < oh; y0 += bandRows) {
                    int y1 = Math.min(oh, y0 + bandRows);
                    int n = (y1 - y0) * ow;
                    im2col(fs, fx + g * cg * h * wd, fs, fc, n, cg, h, wd, kh, kw, sh, sw, ph, pw, dh, dw, y0, y1, ow,
                            zx);
                    ScalarKernels.gemmExactI32(fs, fw + g * ocg * k, k, fs, fc, n, y, yg + y0 * ow, oh * ow, ocg, n,
                            k, fs, fg);
                }
                if (correct) {
                    subtractI32(y, yg, oh * ow, ocg, oh * ow, corr, ko + g * ocg, 2);
                }
            }
        }
    }

    /**
     * Max pooling of int32 accumulators (pooled before their requantization) without padding or dilation, [planes,
     * h, w] into [planes, oh, ow]; ScalarKernels.maxPool2d's int32 form, here so that both classes have it.
     */
    static void maxPoolI32(int[] x, int xo, int[] y, int yo, int planes, int h, int w, int kh, int kw,
            int sh, int sw, int oh, int ow) {
        int out = yo;
        for (int p = 0; p < planes; p++) {
            for (int oy = 0; oy < oh; oy++, out += ow) {
                int r0 = xo + p * h * w + oy * sh * w;
                if (kh == 2 && kw == 2 && sw == 2) {
                    // Two input rows side by side with a constant stride: C2 compiles this 1.3x faster than a
                    // window per output.
                    int r1 = r0 + w;
                    for (int ox = 0; ox < ow; ox++) {
                        int b = 2 * ox;
                        int a = Math.max(x[r0 + b], x[r1 + b]);
                        int c = Math.max(x[r0 + b + 1], x[r1 + b + 1]);
                        y[out + ox] = Math.max(a, c);
                    }
                    continue;
                }
                for (int ox = 0; ox < ow; ox++) {
                    int b = r0 + ox * sw;
                    int m = x[b];
                    for (int u = 0; u < kh; u++) {
                        for (int v = 0; v < kw; v++) {
                            m = Math.max(m, x[b + u * w + v]);
                        }
                    }
                    y[out + ox] = m;
                }
            }
        }
    }

    /**
     * {@link ScalarKernels#convIntegerMaxPool} one image at a time: the convolution into {@code acc}, pooled from
     * there, plus the bias. In the SIMD class the convolution is the SIMD one.
     */
    static void convIntegerMaxPoolPerImage(byte[] x, int xo, boolean unsigned, byte[] w, int wo, int[] y, int yo,
            int batch, int groups, int c, int h, int wd, int kh, int kw, int sh, int sw, int ph, int pw, int dh,
            int dw, int oc, int oh, int ow, int zx, int bandRows, float[] fs, int fo, byte[] bs, int bo, int[] is,
            int io, int[] corr, int ko, boolean correct, int pkh, int pkw, int psh, int psw, int poh, int pow,
            int[] bias, int bio, boolean hasBias, int[] acc, int ao) {
        int image = c * h * wd;
        int pooled = oc * poh * pow;
        for (int b = 0; b < batch; b++) {
            ScalarKernels.convInteger(x, xo + b * image, unsigned, w, wo, acc, ao, 1, groups, c, h, wd, kh, kw, sh, sw,
                    ph, pw, dh, dw, oc, oh, ow, zx, bandRows, fs, fo, bs, bo, is, io, corr, ko, correct);
            maxPoolI32(acc, ao, y, yo + b * pooled, oc, oh, ow, pkh, pkw, psh, psw, poh, pow);
            if (hasBias) {
                addPerPlane(y, yo + b * pooled, oc, poh * pow, bias, bio);
            }
        }
    }

    /** y[p, :] += bias[bo + p] for each of {@code planes} planes of {@code plane} int32 values (wrapping). */
    static void addPerPlane(int[] y, int yo, int planes, int plane, int[] bias, int bo) {
        for (int p = 0; p < planes; p++) {
            int v = bias[bo + p];
            int from = yo + p * plane;
            for (int i = from; i < from + plane; i++) {
                y[i] += v;
            }
        }
    }

    /** Subtracts a per-column (mode 1) or per-row (mode 2) correction from int32 C[m,n]: zero points. */
    public static void subtractI32(int[] c, int co, int ldc, int m, int n, int[] corr, int ko, int mode) {
        // One loop per mode: C2 vectorizes each, not a loop choosing the operand per element.
        for (int i = 0; i < m; i++) {
            int ci = co + i * ldc;
            if (mode == 1) {
                for (int j = 0; j < n; j++) {
                    c[ci + j] -= corr[ko + j];
                }
            } else {
                int r = corr[ko + i];
                for (int j = 0; j < n; j++) {
                    c[ci + j] -= r;
                }
            }
        }
    }
}
