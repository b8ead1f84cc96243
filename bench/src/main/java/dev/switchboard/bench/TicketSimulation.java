package dev.switchboard.bench;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

/**
 * Signed ticket creation at a fixed arrival rate (an open model: a slow answer never holds back the next
 * request), with the seed's body and its userFields (scripts/seed-ticket.json, without the attachment), a unique subject per ticket and 1000 rotating customers.
 */
public class TicketSimulation extends Simulation {

    private static final Target TARGET = Target.fromSystemProperties();
    private static final String PATH = TARGET.path("ticket.json");
    private static final AtomicLong SEQUENCE = new AtomicLong();

    static String body(long n, String runId) {
        return """
                {"categoryId":"2542","subject":"Bench %s #%d","content":"문의내용 — where is order %d?",\
                "endUser":{"usercode":"st%d","email":"customer%d@customers.example","username":"이름 %d",\
                "phone":"13333333333"},"typeOne":"구분1","typeTwo":"구분2","language":"ko","source":"web",\
                "userFields":[{"code":"textbox","value":"텍스트 박스 이름"},{"code":"checkbox","value":["옵션1","옵션2"]},\
                {"code":"dropdown","value":"옵션1"},{"code":"radiobutton","value":"옵션1"},\
                {"code":"date","value":"2022-07-11"},{"code":"datetime","value":"2022-07-11 00:00"},\
                {"code":"dateperiod","value":"2022-07-01 ~ 2022-07-31"},\
                {"code":"datetimeperiod","value":"2022-07-01 00:00 ~ 2022-07-31 23:59"},\
                {"code":"agreetotheterms","value":"true"},{"code":"personalAgree","value":"true"}]}"""
                .formatted(runId, n, n, n % 1000, n % 1000, n % 1000);
    }

    private final ScenarioBuilder create = scenario("create ticket")
            .exec(session -> {
                long n = SEQUENCE.incrementAndGet();
                String body = body(n, TARGET.runId());
                String timestamp = Long.toString(System.currentTimeMillis());
                return session.setAll(Map.of("body", body, "timestamp", timestamp,
                        "signature", TARGET.sign(PATH, Map.of(), body, timestamp)));
            })
            .exec(http("create ticket").post(PATH)
                    .header("Content-Type", "application/json")
                    .header("Authorization", "#{signature}")
                    .header("X-TC-Timestamp", "#{timestamp}")
                    .body(StringBody("#{body}"))
                    .check(status().is(200), jsonPath("$.header.isSuccessful").is("true")));

    {
        setUp(create.injectOpen(constantUsersPerSec(TARGET.rate()).during(TARGET.seconds())))
                .protocols(http.baseUrl(TARGET.baseUrl()).shareConnections());
    }
}
