package dev.switchboard.bench;

import static io.gatling.javaapi.core.CoreDsl.constantConcurrentUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

/**
 * The help center's public reads, as many as a fixed number of concurrent clients get through: the category list
 * and the form fields of the seed's category.
 */
public class ReadSimulation extends Simulation {

    private static final Target TARGET = Target.fromSystemProperties();

    private final ScenarioBuilder read = scenario("public reads")
            .exec(http("categories").get("/" + TARGET.serviceId() + "/api/v2/ticket/categories.json")
                    .check(status().is(200)))
            .exec(http("fields").get("/" + TARGET.serviceId() + "/api/v2/ticket/field/user/2542.json")
                    .check(status().is(200)));

    {
        setUp(read.injectClosed(constantConcurrentUsers(TARGET.users()).during(TARGET.seconds())))
                .protocols(http.baseUrl(TARGET.baseUrl()).shareConnections());
    }
}
