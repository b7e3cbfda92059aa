package dev.octet.ir.ops;

import dev.octet.ir.Attribute;
import com.google.common.collect.ImmutableMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an op accepts: operand and result counts and its attributes (kind and whether required).
 * The verifier checks nodes against it before type inference runs.
 */
public record Signature(String op, int minInputs, int maxInputs, int minOutputs, int maxOutputs,
                        Map<String, AttrSpec> attributes) {

    public record AttrSpec(String name, Attribute.Kind kind, boolean required) {
    }

    public static Builder of(String op) {
        return new Builder(op);
    }

    public static final class Builder {
        private final String op;
        private int minInputs;
        private int maxInputs;
        private int minOutputs = 1;
        private int maxOutputs = 1;
        private final Map<String, AttrSpec> attributes = new LinkedHashMap<>();

        private Builder(String op) {
            this.op = op;
        }

        public Builder inputs(int exactly) {
            return inputs(exactly, exactly);
        }

        /** Operands beyond {@code min} are optional. */
        public Builder inputs(int min, int max) {
            minInputs = min;
            maxInputs = max;
            return this;
        }

        public Builder outputs(int min, int max) {
            minOutputs = min;
            maxOutputs = max;
            return this;
        }

        public Builder attr(String name, Attribute.Kind kind) {
            attributes.put(name, new AttrSpec(name, kind, false));
            return this;
        }

        public Builder requiredAttr(String name, Attribute.Kind kind) {
            attributes.put(name, new AttrSpec(name, kind, true));
            return this;
        }

        public Signature build() {
            return new Signature(op, minInputs, maxInputs, minOutputs, maxOutputs, ImmutableMap.copyOf(attributes));
        }
    }
}
