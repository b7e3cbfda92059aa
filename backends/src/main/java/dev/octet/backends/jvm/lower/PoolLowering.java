package dev.octet.backends.jvm.lower;

import dev.octet.backends.jvm.IntExpr;
import dev.octet.backends.jvm.LoweringContext;
import dev.octet.ir.ElementType;
import dev.octet.ir.Node;
import dev.octet.ir.Value;

/** 2-d MaxPool, AveragePool and their global forms on float planes; MaxPool also on (u)int8 and int32. */
final class PoolLowering {
    private PoolLowering() {
    }

    static void pool(Node node, LoweringContext cx) {
        if (node.outputs().size() > 1) {
            throw cx.error("the Indices result of MaxPool is not supported");
        }
        Value x = node.input(0);
        Value y = node.output(0);
        IntExpr[] xd = cx.dims(x);
        IntExpr[] yd = cx.dims(y);
        if (xd.length != 4) {
            throw cx.error("only 2-d pooling (NCHW) is supported");
        }
        ElementType et = x.type().elementType();
        int h = cx.fixed(xd[2], "height");
        int w = cx.fixed(xd[3], "width");
        int oh = cx.fixed(yd[2], "output height");
        int ow = cx.fixed(yd[3], "output width");
        boolean global = node.op().startsWith("Global");
        boolean max = node.op().endsWith("MaxPool");
        ConvLowering.Window win = global ? new ConvLowering.Window(h, w, 1, 1, 0, 0, 1, 1)
                : ConvLowering.Window.of(node.attributes(), node.attributes().getInts("kernel_shape"), h, w, oh, ow,
                        cx);
        if (!max && et != ElementType.F32) {
            throw cx.error("average pooling of quantized tensors is not supported");
        }
        if (max && !(et == ElementType.F32 || et == ElementType.U8 || et == ElementType.I8 || et == ElementType.I32)) {
            throw cx.error("max pooling of " + et + " tensors is not supported");
        }
        if (max && win.ph() == 0 && win.pw() == 0 && win.dh() == 1 && win.dw() == 1
                && (oh - 1) * win.sh() + win.kh() <= h && (ow - 1) * win.sw() + win.kw() <= w) {
            // Every window inside the image: no bounds tests per tap.
            cx.call("maxPool2d", cx.in(x), et == ElementType.U8, cx.out(y), xd[0].times(xd[1]), h, w, win.kh(),
                    win.kw(), win.sh(), win.sw(), oh, ow);
            return;
        }
        int mode = max ? 0 : node.attributes().getInt("count_include_pad", 0) != 0 ? 2 : 1;
        cx.call("pool2d", cx.in(x), et == ElementType.U8, cx.out(y), mode, xd[0].times(xd[1]), h, w, win.kh(),
                win.kw(), win.sh(), win.sw(), win.ph(), win.pw(), win.dh(), win.dw(), oh, ow);
    }
}
