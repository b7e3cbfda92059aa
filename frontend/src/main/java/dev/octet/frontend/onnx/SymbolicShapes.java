package dev.octet.frontend.onnx;

import dev.octet.ir.Attributes;
import dev.octet.ir.Dim;
import dev.octet.ir.Tensor;
import dev.octet.ir.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Evaluates the integer ops of shape arithmetic (Shape, Gather, Unsqueeze, Squeeze, Concat, Slice, Cast, and
 * Add/Sub/Mul/Div element-wise)
 * on {@link ShapeValue}s, so that a dimension such as the symbolic batch keeps its identity through them.
 * Returns null whenever the result is not a list of dimensions the importer can follow.
 */
final class SymbolicShapes {
    private SymbolicShapes() {
    }

    static ShapeValue evaluate(String op, List<Value> in, Attributes attrs, Function<Value, ShapeValue> shapeOf,
                               Function<Value, Tensor> constantOf) {
        ShapeValue first = in.isEmpty() ? null : shapeOf.apply(in.getFirst());
        return switch (op) {
            case "Shape" -> {
                List<Dim> dims = in.getFirst().type().shape().dims();
                int rank = dims.size();
                long start = attrs.getInt("start", 0);
                long end = attrs.getInt("end", rank);
                int s = (int) Math.max(0, Math.min(rank, start < 0 ? start + rank : start));
                int e = (int) Math.max(s, Math.min(rank, end < 0 ? end + rank : end));
                yield new ShapeValue(dims.subList(s, e), false);
            }
            case "Identity", "Cast" -> first;
            case "Gather" -> {
                Tensor idx = constantOf.apply(in.get(1));
                if (first == null || first.scalar() || idx == null || attrs.getInt("axis", 0) != 0) {
                    yield null;
                }
                List<Dim> picked = new ArrayList<>();
                for (long i : idx.toLongs()) {
                    int k = (int) (i < 0 ? i + first.dims().size() : i);
                    if (k < 0 || k >= first.dims().size()) {
                        yield null;
                    }
                    picked.add(first.dims().get(k));
                }
                yield new ShapeValue(picked, idx.shape().rank() == 0);
            }
            case "Unsqueeze" -> first != null && first.scalar() ? new ShapeValue(first.dims(), false) : null;
            case "Squeeze" -> first != null && !first.scalar() && first.dims().size() == 1
                    ? new ShapeValue(first.dims(), true) : null;
            case "Concat" -> {
                List<Dim> dims = new ArrayList<>();
                for (Value v : in) {
                    ShapeValue sv = shapeOf.apply(v);
                    if (sv == null || sv.scalar()) {
                        yield null;
                    }
                    dims.addAll(sv.dims());
                }
                yield new ShapeValue(dims, false);
            }
            case "Slice" -> slice(first, in, constantOf);
            case "Add", "Sub", "Mul", "Div" -> arithmetic(op, first, in.size() > 1 ? shapeOf.apply(in.get(1)) : null);
            default -> null;
        };
    }

    private static ShapeValue slice(ShapeValue sv, List<Value> in, Function<Value, Tensor> constantOf) {
        if (sv == null || sv.scalar()) {
            return null;
        }
        Tensor starts = constantOf.apply(in.get(1));
        Tensor ends = constantOf.apply(in.get(2));
        Tensor axes = in.size() > 3 ? constantOf.apply(in.get(3)) : null;
        Tensor steps = in.size() > 4 ? constantOf.apply(in.get(4)) : null;
        if (starts == null || ends == null || starts.size() != 1 || (axes != null && axes.getLong(0) != 0)
                || (steps != null && steps.getLong(0) != 1)) {
            return null;
        }
        int n = sv.dims().size();
        long s = starts.getLong(0) < 0 ? starts.getLong(0) + n : starts.getLong(0);
        long e = ends.getLong(0) < 0 ? ends.getLong(0) + n : ends.getLong(0);
        int from = (int) Math.max(0, Math.min(n, s));
        int to = (int) Math.max(from, Math.min(n, e));
        return new ShapeValue(sv.dims().subList(from, to), false);
    }

    /**
     * Element-wise integer arithmetic; a scalar operand broadcasts. Fixed entries compute (Div truncates, as ONNX
     * integer Div does); a symbol survives only the identities x*1, x/1, x+0 and x-0.
     */
    private static ShapeValue arithmetic(String op, ShapeValue a, ShapeValue b) {
        if (a == null || b == null) {
            return null;
        }
        int n = Math.max(a.dims().size(), b.dims().size());
        if ((a.dims().size() != n && !a.scalar()) || (b.dims().size() != n && !b.scalar())) {
            return null;
        }
        List<Dim> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Dim x = a.dims().get(a.scalar() ? 0 : i);
            Dim y = b.dims().get(b.scalar() ? 0 : i);
            if (x.isFixed() && y.isFixed()) {
                long r = switch (op) {
                    case "Add" -> x.size() + y.size();
                    case "Sub" -> x.size() - y.size();
                    case "Mul" -> x.size() * y.size();
                    default -> y.size() == 0 ? -1 : x.size() / y.size();
                };
                if (r < 0) {
                    return null;
                }
                out.add(Dim.of(r));
            } else if (!x.isFixed() && y.isFixed() && y.size() == (op.equals("Mul") || op.equals("Div") ? 1 : 0)) {
                out.add(x);
            } else if (op.equals("Mul") && x.isFixed() && x.size() == 1) {
                out.add(y);
            } else {
                return null;
            }
        }
        return new ShapeValue(out, a.scalar() && b.scalar());
    }
}
