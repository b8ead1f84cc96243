package dev.switchboard.devstack;

import static dev.switchboard.devstack.EdgeAuthenticationIT.assertEnvelopeError;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import tools.jackson.databind.JsonNode;

/** The vendor's ticket list: the tenant's tickets only, newest first, paged, filtered. */
@ExtendWith(StackExtension.class)
class TicketListIT {

    @Test
    void pagesFiltersAndKeepsToTheTenant(LocalStack stack) {
        var tenant = TestTenants.create(stack, "list");
        for (int id : new int[] {7, 8, 9}) {
            assertThat(tenant.nhn().send("POST", tenant.path("ticket/categories.json"),
                    "{\"categoryId\":" + id + ",\"name\":\"c" + id + "\"}").statusCode()).isEqualTo(200);
        }
        List<String> ids = new ArrayList<>();
        for (String extra : new String[] {"\"usercode\":\"u1\",", "", "\"usercode\":\"u2\","}) {
            String category = ids.size() == 1 ? "\"categoryId\":\"7\"," : "\"categoryId\":9,";
            var created = tenant.nhn().send("POST", tenant.path("ticket.json"), "{" + category
                    + "\"subject\":\"s" + ids.size() + "\",\"content\":\"c\",\"endUser\":{" + extra
                    + "\"email\":\"l@example.com\",\"username\":\"L\"}}");
            ids.add(LocalStack.JSON.readTree(created.body()).path("result").path("content").path("ticketId").asString());
        }

        JsonNode first = result(tenant.nhn().send("GET", tenant.path("ticket/list.json?page=1&pageSize=2"), null));
        assertThat(first.path("total").asLong()).isEqualTo(3);
        assertThat(first.path("pages").asInt()).isEqualTo(2);
        assertThat(first.path("pageNum").asInt()).isEqualTo(1);
        assertThat(first.path("pageSize").asInt()).isEqualTo(2);
        assertThat(first.path("contents").findValuesAsString("ticketId")).containsExactly(ids.get(2), ids.get(1));
        JsonNode second = result(tenant.nhn().send("GET", tenant.path("ticket/list.json?page=2&pageSize=2"), null));
        assertThat(second.path("contents").findValuesAsString("ticketId")).containsExactly(ids.get(0));
        // past the last page: no contents, the same totals
        JsonNode beyond = result(tenant.nhn().send("GET", tenant.path("ticket/list.json?page=3&pageSize=2"), null));
        assertThat(beyond.path("contents").size()).isZero();
        assertThat(beyond.path("total").asLong()).isEqualTo(3);
        assertThat(beyond.path("pages").asInt()).isEqualTo(2);
        // the largest page holds everything; a page of exactly the total is one page
        assertThat(result(tenant.nhn().send("GET", tenant.path("ticket/list.json?pageSize=200"), null))
                .path("contents").size()).isEqualTo(3);
        assertThat(result(tenant.nhn().send("GET", tenant.path("ticket/list.json?pageSize=3"), null))
                .path("pages").asInt()).isEqualTo(1);
        JsonNode oldestFirst = result(tenant.nhn().send("GET", tenant.path("ticket/list.json?sort=createdDt:asc"), null));
        assertThat(oldestFirst.path("contents").findValuesAsString("ticketId")).containsExactlyElementsOf(ids);

        assertThat(result(tenant.nhn().send("GET", tenant.path("ticket/list.json?usercode=u1"), null))
                .path("contents").findValuesAsString("ticketId")).containsExactly(ids.get(0));
        assertThat(result(tenant.nhn().send("GET", tenant.path("ticket/list.json?categoryId=7&categoryId=8"), null))
                .path("contents").findValuesAsString("ticketId")).containsExactly(ids.get(1));
        assertThat(result(tenant.nhn().send("GET", tenant.path("ticket/list.json?status=closed"), null))
                .path("total").asLong()).isZero();
        assertThat(result(tenant.nhn().send("GET", tenant.path("ticket/list.json?startDt=20990101000000"), null))
                .path("total").asLong()).isZero();

        var other = TestTenants.create(stack, "nolist");
        assertThat(result(other.nhn().send("GET", other.path("ticket/list.json"), null)).path("total").asLong()).isZero();
    }

    @Test
    void refusesBadPagingAndFilters(LocalStack stack) {
        assertEnvelopeError(stack.nhnClient().send("GET", "/demo/openapi/v1/ticket/list.json?pageSize=201", null), 400, "pageSize");
        assertEnvelopeError(stack.nhnClient().send("GET", "/demo/openapi/v1/ticket/list.json?page=0", null), 400, "page");
        assertEnvelopeError(stack.nhnClient().send("GET", "/demo/openapi/v1/ticket/list.json?pageSize=0", null), 400, "pageSize");
        assertEnvelopeError(stack.nhnClient().send("GET", "/demo/openapi/v1/ticket/list.json?page=-1", null), 400, "page");
        assertEnvelopeError(stack.nhnClient().send("GET", "/demo/openapi/v1/ticket/list.json?page=99999999999", null), 400, "page");
        assertEnvelopeError(stack.nhnClient().send("GET", "/demo/openapi/v1/ticket/list.json?startDt=2022-07-01", null), 400, "yyyyMMddHHmmss");
        assertEnvelopeError(stack.nhnClient().send("GET", "/demo/openapi/v1/ticket/list.json?status=lost", null), 400, "status");
        assertEnvelopeError(stack.nhnClient().send("GET", "/demo/openapi/v1/ticket/list.json?sort=subject", null), 400, "sort");
        assertEnvelopeError(stack.nhnClient().send("GET", "/demo/openapi/v1/ticket/list.json?categoryId=x", null), 400, "categoryId");
    }

    private static JsonNode result(java.net.http.HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return LocalStack.JSON.readTree(response.body()).path("result");
    }
}
