package dev.octet.ir.ops;

/** Base of the built-in ops: holds the signature, so each op class is only its inference and semantics. */
abstract class AbstractOp implements OpSchema {
    private final Signature signature;

    AbstractOp(Signature signature) {
        this.signature = signature;
    }

    @Override
    public final Signature signature() {
        return signature;
    }
}
