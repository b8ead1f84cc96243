package dev.switchboard.bench;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.csv;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import java.util.List;
import java.util.Map;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

/** Agents' answers at a fixed arrival rate: each solves one ticket of the feed ({@code ticketId} per line). */
public class AnswerSimulation extends Simulation {

    private static final Target TARGET = Target.fromSystemProperties();
    private static final String PATH = TARGET.path("ticket/solve.json");
    private static final String BODY = "{\"comment\":\"Your order left our warehouse today.\\nThank you for waiting.\"}";

    private final ScenarioBuilder answer = scenario("solve")
            .feed(csv(TARGET.feed()).queue())
            .exec(session -> {
                String timestamp = Long.toString(System.currentTimeMillis());
                return session.setAll(Map.of("timestamp", timestamp, "signature",
                        TARGET.sign(PATH, Map.of("id", List.of(session.getString("ticketId"))), BODY, timestamp)));
            })
            .exec(http("solve").post(PATH + "?id=#{ticketId}")
                    .header("Content-Type", "application/json")
                    .header("Authorization", "#{signature}")
                    .header("X-TC-Timestamp", "#{timestamp}")
                    .body(StringBody(BODY))
                    .check(status().is(200)));

    {
        setUp(answer.injectOpen(constantUsersPerSec(TARGET.rate()).during(TARGET.seconds())))
                .protocols(http.baseUrl(TARGET.baseUrl()).shareConnections());
    }
}
