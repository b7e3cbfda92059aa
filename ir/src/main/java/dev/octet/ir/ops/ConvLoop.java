package dev.octet.ir.ops;

import dev.octet.ir.Shape;

/**
 * The outer loops of a grouped convolution: for every output element, which batch and output channel it is,
 * where its input channels and its filter start, and its spatial position. The float and integer convolutions
 * supply only the inner product.
 */
final class ConvLoop {
    /** Computes one output element. */
    @FunctionalInterface
    interface Body {
        void apply(int out, int n, int m, int xBase, int wBase, int position);
    }

    final int batch;
    final int inChannels;
    final int outChannels;
    final int channelsPerGroup;
    final int outPerGroup;
    final int inPlane;
    final int kernelSize;
    final int positions;

    ConvLoop(Shape x, Shape w, int group, ConvGeometry g) {
        batch = (int) x.size(0);
        inChannels = (int) x.size(1);
        outChannels = (int) w.size(0);
        channelsPerGroup = inChannels / group;
        outPerGroup = outChannels / group;
        inPlane = g.inputPositions();
        kernelSize = g.kernelSize();
        positions = g.outputPositions();
    }

    int outputSize() {
        return batch * outChannels * positions;
    }

    void forEachOutput(Body body) {
        int out = 0;
        for (int n = 0; n < batch; n++) {
            for (int m = 0; m < outChannels; m++) {
                int group = m / outPerGroup;
                int xBase = (n * inChannels + group * channelsPerGroup) * inPlane;
                int wBase = m * channelsPerGroup * kernelSize;
                for (int p = 0; p < positions; p++) {
                    body.apply(out++, n, m, xBase, wBase, p);
                }
            }
        }
    }
}
