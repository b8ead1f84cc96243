package dev.switchboard.platform.outbox;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Reports every {@link PeriodicTask} bean: health is DOWN while one has not succeeded for longer than it
 * allows, and each task's last success and round counts are metrics ({@code switchboard.task.*}).
 */
public final class PeriodicTaskHealth implements HealthIndicator, MeterBinder {

    private final ObjectProvider<PeriodicTask> tasks;

    public PeriodicTaskHealth(ObjectProvider<PeriodicTask> tasks) {
        this.tasks = tasks;
    }

    @Override
    public Health health() {
        Map<String, Object> details = new LinkedHashMap<>();
        boolean up = true;
        for (PeriodicTask task : tasks.orderedStream().toList()) {
            boolean healthy = task.healthy();
            up &= healthy;
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("status", healthy ? "UP" : "DOWN");
            detail.put("lastSuccess", task.lastSuccess() == null ? "never" : task.lastSuccess().toString());
            detail.put("failedRounds", task.failedRounds());
            details.put(task.name(), detail);
        }
        return (up ? Health.up() : Health.down()).withDetails(details).build();
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        List<PeriodicTask> all = tasks.orderedStream().toList();
        for (PeriodicTask task : all) {
            Gauge.builder("switchboard.task.last.success", task,
                            t -> t.lastSuccess() == null ? 0 : t.lastSuccess().toEpochMilli() / 1000.0)
                    .tag("task", task.name()).baseUnit("seconds")
                    .description("Epoch time of the task's last successful round").register(registry);
            FunctionCounter.builder("switchboard.task.rounds", task, PeriodicTask::successfulRounds)
                    .tag("task", task.name()).tag("outcome", "success").register(registry);
            FunctionCounter.builder("switchboard.task.rounds", task, PeriodicTask::failedRounds)
                    .tag("task", task.name()).tag("outcome", "failure").register(registry);
        }
    }
}
