package dev.octet.frontend.onnx;

import dev.octet.ir.IrException;

/** A model file that cannot be imported; the message names the file and the node or tensor at fault. */
public class OnnxException extends IrException {
    public OnnxException(String message) {
        super(null, message);
    }

    public OnnxException(String message, Throwable cause) {
        super(null, message, cause);
    }
}
