package dev.switchboard.bench;

import static io.gatling.javaapi.core.CoreDsl.constantConcurrentUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import java.util.Map;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

/**
 * The gateway's ceiling for a signed request: the same edge work as a ticket (signature verified, tenant looked
 * up, routed to ticket-service), answered by ticket-service at once with its 404 envelope, no database.
 */
public class TrivialRouteSimulation extends Simulation {

    private static final Target TARGET = Target.fromSystemProperties();
    private static final String PATH = TARGET.path("bench/ping.json");

    private final ScenarioBuilder ping = scenario("trivial route")
            .exec(session -> {
                String timestamp = Long.toString(System.currentTimeMillis());
                return session.setAll(Map.of("timestamp", timestamp,
                        "signature", TARGET.sign(PATH, Map.of(), null, timestamp)));
            })
            .exec(http("trivial route").get(PATH)
                    .header("Authorization", "#{signature}")
                    .header("X-TC-Timestamp", "#{timestamp}")
                    .check(status().is(404)));

    {
        setUp(ping.injectClosed(constantConcurrentUsers(TARGET.users()).during(TARGET.seconds())))
                .protocols(http.baseUrl(TARGET.baseUrl()).shareConnections());
    }
}
