package dev.octet.frontend.onnx;

/**
 * Caps checked while reading a model, before anything of that size is allocated. The defaults let real models
 * through (a 2 GiB protobuf is ONNX's own ceiling) and stop hostile ones.
 */
public record ImportLimits(long maxFileBytes, long maxTensorElements, long maxTotalTensorBytes, int maxNodes) {
    public static final ImportLimits DEFAULT =
            new ImportLimits(Integer.MAX_VALUE - 8, 1L << 30, 8L << 30, 1_000_000);
}
