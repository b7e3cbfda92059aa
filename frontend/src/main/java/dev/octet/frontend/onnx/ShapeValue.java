package dev.octet.frontend.onnx;

import dev.octet.ir.Dim;
import java.util.List;

/**
 * What the importer knows about an integer tensor that holds dimensions (the result of Shape, Gather on it,
 * Concat, ...): its entries as dimensions, fixed or symbolic. PyTorch exports reshapes as
 * {@code Shape -> Gather -> Unsqueeze -> Concat -> Reshape}; tracking these lets the importer give Reshape a
 * constant target even when the batch dimension is symbolic.
 *
 * @param scalar whether the tensor is rank 0 (then {@code dims} has one entry)
 */
record ShapeValue(List<Dim> dims, boolean scalar) {
    ShapeValue {
        dims = List.copyOf(dims);
    }

    boolean isFixed() {
        return dims.stream().allMatch(Dim::isFixed);
    }
}
