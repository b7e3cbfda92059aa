package dev.octet.ir.ops;

import dev.octet.ir.Attributes;
import dev.octet.ir.Dim;
import dev.octet.ir.OpException;
import dev.octet.ir.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * Sliding-window geometry shared by Conv, ConvInteger, QLinearConv and the pools: kernel, strides, dilations and
 * pads (explicit or from auto_pad), the output shape, and, for evaluation, a table giving for every output position
 * and kernel offset the input position it reads.
 *
 * <p>Note on the table: entry {@code [p * kernelSize + k]} is the flat spatial index into one input plane, or
 * {@link #PAD} when the window reads padding, or {@link #OUTSIDE} when (with ceil_mode) it reaches past the padded
 * input. Average pooling counts PAD entries only with count_include_pad, and never OUTSIDE ones.
 */
final class ConvGeometry {
    static final int PAD = -1;
    static final int OUTSIDE = -2;

    final int spatialRank;
    final long[] kernel;
    final long[] strides;
    final long[] dilations;
    final long[] padBegin;
    private final long[] padEnd;
    final long[] outSpatial;
    private final List<Dim> inSpatial;

    /**
     * @param inShape   input shape [N, C, spatial...]
     * @param kernel    kernel size per spatial dimension
     * @param ceilMode  pools only: round the output size up
     */
    ConvGeometry(Shape inShape, long[] kernel, Attributes attrs, boolean ceilMode) {
        if (inShape.rank() < 3) {
            throw new OpException("input must be [N, C, spatial...], got " + inShape);
        }
        spatialRank = inShape.rank() - 2;
        if (kernel.length != spatialRank) {
            throw new OpException("kernel has " + kernel.length + " dimensions for " + spatialRank + " spatial ones");
        }
        this.kernel = kernel;
        this.strides = orOnes(attrs.getInts("strides"), "strides");
        this.dilations = orOnes(attrs.getInts("dilations"), "dilations");
        this.inSpatial = inShape.dims().subList(2, inShape.rank());
        long[] pads = attrs.getInts("pads");
        if (pads != null && pads.length != 2 * spatialRank) {
            throw new OpException("pads needs " + 2 * spatialRank + " entries, got " + pads.length);
        }
        String autoPad = attrs.getString("auto_pad", "NOTSET");
        padBegin = new long[spatialRank];
        padEnd = new long[spatialRank];
        outSpatial = new long[spatialRank];
        for (int i = 0; i < spatialRank; i++) {
            if (kernel[i] <= 0 || strides[i] <= 0 || dilations[i] <= 0) {
                throw new OpException("kernel, strides and dilations must be positive");
            }
            Dim in = inSpatial.get(i);
            if (!in.isFixed()) {
                throw new OpException("spatial dimension " + in + " must be static");
            }
            long size = in.size();
            long span = dilations[i] * (kernel[i] - 1) + 1;
            switch (autoPad) {
                case "NOTSET" -> {
                    long pb = pads == null ? 0 : pads[i];
                    long pe = pads == null ? 0 : pads[i + spatialRank];
                    if (pb < 0 || pe < 0) {
                        throw new OpException("negative pads are not supported");
                    }
                    padBegin[i] = pb;
                    padEnd[i] = pe;
                    long room = size + pb + pe - span;
                    if (room < 0) {
                        throw new OpException("kernel extent " + span + " exceeds the padded input " + (size + pb + pe));
                    }
                    long out = (ceilMode ? Math.ceilDiv(room, strides[i]) : room / strides[i]) + 1;
                    // A window must start inside the input or its leading padding.
                    if (ceilMode && (out - 1) * strides[i] >= size + pb) {
                        out--;
                    }
                    outSpatial[i] = out;
                }
                case "VALID" -> {
                    if (size < span) {
                        throw new OpException("kernel extent " + span + " exceeds the input " + size);
                    }
                    outSpatial[i] = (size - span) / strides[i] + 1;
                }
                case "SAME_UPPER", "SAME_LOWER" -> {
                    long out = Math.ceilDiv(size, strides[i]);
                    long total = Math.max(0, (out - 1) * strides[i] + span - size);
                    padBegin[i] = autoPad.equals("SAME_UPPER") ? total / 2 : total - total / 2;
                    padEnd[i] = total - padBegin[i];
                    outSpatial[i] = out;
                }
                default -> throw new OpException("unknown auto_pad '" + autoPad + "'");
            }
        }
    }

    private long[] orOnes(long[] given, String what) {
        if (given == null) {
            long[] ones = new long[spatialRank];
            java.util.Arrays.fill(ones, 1);
            return ones;
        }
        if (given.length != spatialRank) {
            throw new OpException(what + " needs " + spatialRank + " entries, got " + given.length);
        }
        return given;
    }

    /** The output shape: [N, channels, out spatial...]. */
    Shape outputShape(Dim batch, Dim channels) {
        List<Dim> dims = new ArrayList<>();
        dims.add(batch);
        dims.add(channels);
        for (long o : outSpatial) {
            dims.add(Dim.of(o));
        }
        return new Shape(dims);
    }

    int kernelSize() {
        long n = 1;
        for (long k : kernel) {
            n *= k;
        }
        return Math.toIntExact(n);
    }

    int outputPositions() {
        long n = 1;
        for (long o : outSpatial) {
            n *= o;
        }
        return Math.toIntExact(n);
    }

    int inputPositions() {
        long n = 1;
        for (Dim d : inSpatial) {
            n *= d.size();
        }
        return Math.toIntExact(n);
    }

    /** See the class comment. */
    int[] indexTable() {
        int positions = outputPositions();
        int ks = kernelSize();
        int[] table = new int[positions * ks];
        int[] out = new int[spatialRank];
        int[] k = new int[spatialRank];
        for (int p = 0; p < positions; p++) {
            unflatten(p, outSpatial, out);
            for (int q = 0; q < ks; q++) {
                unflatten(q, kernel, k);
                int index = 0;
                int state = 0; // 0 inside, PAD, or OUTSIDE
                for (int d = 0; d < spatialRank; d++) {
                    long size = inSpatial.get(d).size();
                    long pos = out[d] * strides[d] - padBegin[d] + k[d] * dilations[d];
                    if (pos >= size + padEnd[d] || pos < -padBegin[d]) {
                        state = OUTSIDE;
                    } else if ((pos < 0 || pos >= size) && state == 0) {
                        state = PAD;
                    }
                    index = (int) (index * size + Math.max(0, Math.min(size - 1, pos)));
                }
                table[p * ks + q] = state == 0 ? index : state;
            }
        }
        return table;
    }

    private static void unflatten(int flat, long[] sizes, int[] into) {
        for (int d = sizes.length - 1; d >= 0; d--) {
            into[d] = (int) (flat % sizes[d]);
            flat /= (int) sizes[d];
        }
    }
}
