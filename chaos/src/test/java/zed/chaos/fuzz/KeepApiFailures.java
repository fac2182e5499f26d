package zed.chaos.fuzz;

import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/** Keeps the shrunk request of a failing API property in {@link ApiRegressions}, replayed on every build from then on. */
public final class KeepApiFailures implements AroundPropertyHook {
    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
        PropertyExecutionResult r = property.execute();
        if (r.status() == PropertyExecutionResult.Status.FAILED) {
            r.falsifiedParameters().ifPresent(ps -> ps.stream().filter(ApiRequests.Mutant.class::isInstance).forEach(p ->
                    System.err.println("kept the failing request as " + ApiRegressions.save(ApiRegressions.dir(), ((ApiRequests.Mutant) p).request()).toAbsolutePath()
                            + ": commit it")));
        }
        return r;
    }
}
