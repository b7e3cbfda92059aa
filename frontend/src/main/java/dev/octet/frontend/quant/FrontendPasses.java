package dev.octet.frontend.quant;

import dev.octet.passes.PassInfo;
import dev.octet.passes.PassProvider;
import java.util.List;

/** Passes that need the frontend's file readers. */
public final class FrontendPasses implements PassProvider {
    @Override
    public List<PassInfo> passes() {
        return List.of(QuantizeStaticPass.INFO, SmoothQuantPass.INFO, BiasCorrectionPass.INFO);
    }
}
