package zed.reconciler.health;

import java.time.Instant;
import java.util.Objects;

/** What the supervisor tells a {@link HealthGate}, each with the instant it happened. */
public sealed interface GateEvent {
    Instant at();

    /** The service's process started (first start, restart, or an adopted process seen for the first time). */
    record ProcessStarted(Instant at) implements GateEvent {
        public ProcessStarted {
            Objects.requireNonNull(at, "at");
        }
    }

    /** The process exited, with its exit code (128 + signal for a killed one, as a shell reports it). */
    record ProcessExited(Instant at, int code) implements GateEvent {
        public ProcessExited {
            Objects.requireNonNull(at, "at");
        }
    }

    /** One probe's result for the check of that name ({@link Probes#name}). */
    record ProbeReported(String check, ProbeResult result) implements GateEvent {
        public ProbeReported {
            Objects.requireNonNull(check, "check");
            Objects.requireNonNull(result, "result");
        }

        @Override
        public Instant at() {
            return result.at();
        }
    }

    /** The supervisor used up the service's restart budget ({@code restart.attempts} within its interval). */
    record RestartBudgetSpent(Instant at) implements GateEvent {
        public RestartBudgetSpent {
            Objects.requireNonNull(at, "at");
        }
    }
}
