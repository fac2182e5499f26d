package zed.reconciler.service;

/**
 * Preparing a service failed. The message starts with the service as the operator writes it
 * ({@code service.release.app: ...}) and says what was wrong, so that it can be shown as it is.
 */
public final class ServiceError extends RuntimeException {
    private final String service;
    private final String problem;

    public ServiceError(String service, String problem) {
        this(service, problem, null);
    }

    public ServiceError(String service, String problem, Throwable cause) {
        super(service + ": " + problem, cause);
        this.service = service;
        this.problem = problem;
    }

    /** The service's reference, e.g. {@code service.go.web}. */
    public String service() {
        return service;
    }

    /** The message without the service in front. */
    public String problem() {
        return problem;
    }
}
