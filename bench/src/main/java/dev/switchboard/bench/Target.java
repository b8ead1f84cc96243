package dev.switchboard.bench;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import dev.switchboard.platform.edge.NhnSignature;

/**
 * What a simulation runs against and how hard, handed from the benchmark to the Gatling process as system
 * properties ({@code bench.*}).
 */
record Target(String baseUrl, String serviceId, String organizationId, String serviceKey, double rate, int seconds,
              int users, String runId, String feed) {

    static Target fromSystemProperties() {
        return new Target(System.getProperty("bench.baseUrl"), System.getProperty("bench.serviceId"),
                System.getProperty("bench.organizationId"), System.getProperty("bench.serviceKey"),
                Double.parseDouble(System.getProperty("bench.rate", "0")),
                Integer.parseInt(System.getProperty("bench.seconds", "10")),
                Integer.parseInt(System.getProperty("bench.users", "8")), System.getProperty("bench.runId", "run"),
                System.getProperty("bench.feed"));
    }

    /** The same target under another load. */
    Target load(double rate, int seconds, int users, String runId, String feed) {
        return new Target(baseUrl, serviceId, organizationId, serviceKey, rate, seconds, users, runId, feed);
    }

    /** As system properties for the Gatling JVM. */
    List<String> asJvmArguments() {
        return Map.of("baseUrl", baseUrl, "serviceId", serviceId, "organizationId", organizationId, "serviceKey",
                        serviceKey, "rate", Double.toString(rate), "seconds", Integer.toString(seconds), "users",
                        Integer.toString(users), "runId", runId, "feed", feed == null ? "" : feed)
                .entrySet().stream().map(entry -> "-Dbench." + entry.getKey() + "=" + entry.getValue()).toList();
    }

    /** {@code /{serviceId}/openapi/v1/} + the rest. */
    String path(String rest) {
        return "/" + serviceId + "/openapi/v1/" + rest;
    }

    /** The NHN signature of a JSON request without query parameters. */
    String sign(String rawPath, Map<String, List<String>> query, String body, String timestamp) {
        return NhnSignature.sign(serviceKey, organizationId, rawPath, query,
                body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8), timestamp);
    }

    /** The NHN signature of an upload, over the file's MD5. */
    String signUpload(String rawPath, byte[] md5, String timestamp) {
        return NhnSignature.signUpload(serviceKey, organizationId, rawPath, md5, timestamp);
    }
}
