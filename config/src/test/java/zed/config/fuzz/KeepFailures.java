package zed.config.fuzz;

import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

import java.nio.file.Path;

/**
 * Keeps the shrunk input of a failing Zedfile property in {@link Regressions}, so that it is replayed on every build
 * from then on, on every machine.
 */
public final class KeepFailures implements AroundPropertyHook {
    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
        PropertyExecutionResult r = property.execute();
        if (r.status() == PropertyExecutionResult.Status.FAILED) {
            r.falsifiedParameters().ifPresent(ps -> ps.stream().filter(ZedChain.class::isInstance).forEach(p -> {
                Path kept = Regressions.save(Regressions.dir(), (ZedChain) p);
                System.err.println("kept the failing input as " + kept.toAbsolutePath() + ": commit it");
            }));
        }
        return r;
    }
}
