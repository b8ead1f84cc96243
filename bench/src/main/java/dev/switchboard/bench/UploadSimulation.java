package dev.switchboard.bench;

import static io.gatling.javaapi.http.HttpDsl.ByteArrayBodyPart;
import static io.gatling.javaapi.core.CoreDsl.constantConcurrentUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.Random;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

/**
 * Signed attachment uploads of {@code bench.size} bytes by a fixed number of concurrent clients ({@code bench.users}),
 * while the benchmark samples the heap of the gateway and attachment-service.
 */
public class UploadSimulation extends Simulation {

    private static final Target TARGET = Target.fromSystemProperties();
    private static final String PATH = TARGET.path("ticket/attachments/upload.json");
    private static final byte[] CONTENT = new byte[Integer.getInteger("bench.size", 1 << 20)];
    private static final byte[] MD5;

    static {
        // a PDF by its magic bytes (the service checks the content against the name), then random bytes that
        // nothing along the way can compress
        new Random(42).nextBytes(CONTENT);
        byte[] magic = "%PDF-1.7\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(magic, 0, CONTENT, 0, magic.length);
        try {
            MD5 = MessageDigest.getInstance("MD5").digest(CONTENT);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private final ScenarioBuilder upload = scenario("upload")
            .exec(session -> {
                String timestamp = Long.toString(System.currentTimeMillis());
                return session.setAll(Map.of("timestamp", timestamp,
                        "signature", TARGET.signUpload(PATH, MD5, timestamp)));
            })
            .exec(http("upload " + CONTENT.length + " bytes").post(PATH)
                    .header("Authorization", "#{signature}")
                    .header("X-TC-Timestamp", "#{timestamp}")
                    .bodyPart(ByteArrayBodyPart("file", CONTENT).fileName("bench.pdf")
                            .contentType("application/pdf"))
                    .asMultipartForm()
                    .check(status().is(200)));

    {
        setUp(upload.injectClosed(constantConcurrentUsers(TARGET.users()).during(TARGET.seconds())))
                .protocols(http.baseUrl(TARGET.baseUrl()).shareConnections());
    }
}
