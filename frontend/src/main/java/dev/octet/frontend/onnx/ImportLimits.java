package dev.octet.frontend.onnx;

/**
 * Caps checked while reading a model, before anything of that size is allocated. The defaults let real models
 * through (a 2 GiB protobuf is ONNX's own ceiling) and stop hostile ones.
 */
public record ImportLimits(long maxFileBytes, long maxTensorElements, long maxTotalTensorBytes, int maxNodes,
                           int maxAttributeElements) {
    /**
     * Defaults: a 2 GiB file, 2^30 elements in one tensor (also the cap on the product of a declared input,
     * output or value shape), 8 GiB of tensor data in all, a million nodes, a million values in one attribute.
     * Subgraphs (control flow) are not read at all, so there is no nesting depth to bound.
     */
    public static final ImportLimits DEFAULT =
            new ImportLimits(Integer.MAX_VALUE - 8, 1L << 30, 8L << 30, 1_000_000, 1_000_000);

    public ImportLimits withMaxTensorElements(long n) {
        return new ImportLimits(maxFileBytes, n, maxTotalTensorBytes, maxNodes, maxAttributeElements);
    }

    public ImportLimits withMaxTotalTensorBytes(long n) {
        return new ImportLimits(maxFileBytes, maxTensorElements, n, maxNodes, maxAttributeElements);
    }

    public ImportLimits withMaxNodes(int n) {
        return new ImportLimits(maxFileBytes, maxTensorElements, maxTotalTensorBytes, n, maxAttributeElements);
    }

    public ImportLimits withMaxAttributeElements(int n) {
        return new ImportLimits(maxFileBytes, maxTensorElements, maxTotalTensorBytes, maxNodes, n);
    }
}
