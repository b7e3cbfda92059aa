package dev.octet.backends.jvm;

import java.util.List;

/** One statement of a generated forward method: a kernel call, or a loop over the images of the batch. */
public sealed interface Step permits Step.Call, Step.Loop {
    /**
     * A call of kernel {@code kernel} with arguments {@link Buffer} (array and offset), {@link IntExpr} (int),
     * Float or Boolean; {@code origin} names the node for error messages and comments.
     */
    record Call(String kernel, List<Object> args, String origin) implements Step {
        public Call {
            args = List.copyOf(args);
        }
    }

    /** {@code body} run {@code count} times; IntExprs in it may use the loop index. */
    record Loop(IntExpr count, List<Step> body) implements Step {
        public Loop {
            body = List.copyOf(body);
        }
    }
}
