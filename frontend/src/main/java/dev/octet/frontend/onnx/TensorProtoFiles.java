package dev.octet.frontend.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.octet.frontend.onnx.proto.Onnx.TensorProto;
import dev.octet.ir.Tensor;
import dev.octet.ir.TensorBytes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Single tensors stored as serialized ONNX {@code TensorProto} ({@code .pb}), as in the ONNX test suite. */
public final class TensorProtoFiles {
    private TensorProtoFiles() {
    }

    public static Tensor read(Path file) {
        return read(file, ImportLimits.DEFAULT);
    }

    public static Tensor read(Path file, ImportLimits limits) {
        try {
            long size = Files.size(file);
            if (size > limits.maxFileBytes()) {
                throw new OnnxException(file + ": " + size + " bytes, more than the limit " + limits.maxFileBytes());
            }
            TensorProto t = TensorProto.parseFrom(Files.readAllBytes(file));
            return new TensorDecoder(file.toAbsolutePath().getParent(), limits).decode(t, file + ": tensor");
        } catch (InvalidProtocolBufferException e) {
            throw new OnnxException(file + ": not a valid TensorProto (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new OnnxException(file + ": cannot read: " + e.getMessage());
        }
    }

    public static void write(Tensor t, String name, Path file) {
        try {
            Files.write(file, toProto(t, name).toByteArray());
        } catch (IOException e) {
            throw new OnnxException(file + ": cannot write: " + e.getMessage());
        }
    }

    static TensorProto toProto(Tensor t, String name) {
        TensorProto.Builder b = TensorProto.newBuilder().setName(name).setDataType(t.elementType().onnxCode())
                .setRawData(ByteString.copyFrom(TensorBytes.write(t)));
        for (long d : t.shape().sizes()) {
            b.addDims(d);
        }
        return b.build();
    }
}
