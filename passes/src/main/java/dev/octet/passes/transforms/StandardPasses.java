package dev.octet.passes.transforms;

import dev.octet.passes.PassInfo;
import dev.octet.passes.PassProvider;
import java.util.List;

/** The passes built into Octet. */
public final class StandardPasses implements PassProvider {
    @Override
    public List<PassInfo> passes() {
        return List.of(FoldConstantsPass.INFO, DeadCodeEliminationPass.INFO,
                CommonSubexpressionEliminationPass.INFO, RemoveIdentityPass.INFO,
                dev.octet.passes.fusion.FoldBatchNormPass.INFO, dev.octet.passes.fusion.FuseActivationPass.INFO,
                dev.octet.passes.fusion.FuseMatMulAddPass.INFO, dev.octet.passes.fusion.FuseGeluPass.INFO,
                dev.octet.passes.fusion.FuseLayerNormPass.INFO, dev.octet.passes.quant.LowerQdqPass.INFO,
                dev.octet.passes.quant.QuantizeDynamicPass.INFO, dev.octet.passes.quant.SignedWeightsPass.INFO,
                dev.octet.passes.quant.PoolBeforeRequantizePass.INFO);
    }
}
