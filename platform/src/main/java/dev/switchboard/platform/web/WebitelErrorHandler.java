package dev.switchboard.platform.web;

import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;

import com.fasterxml.jackson.annotation.JsonProperty;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Webitel dialect's error mapping, for everything under {@code /api/v2/email/}: {@code {"status":"error",
 * "Info":"<message>"}}, the shape of the document's one non-entity answer ({@code {"status":"OK","Info":"Removed
 * 1 record."}}) with the outcome turned to {@code error}, and a proper HTTP status. What a failure means is
 * decided once, by {@link NhnErrorHandler#map}; only the rendering differs. Runs before the NHN mapping and
 * passes every other path on to it.
 */
public class WebitelErrorHandler implements WebExceptionHandler, Ordered {

    /** Where the Webitel dialect lives (the NHN dialect's paths all start with a serviceId, never with {@code api}). */
    public static final String PREFIX = "/api/v2/email/";

    /** The Webitel answer that is not an entity; {@code status} is {@code error} for every failure. */
    public record WebitelStatus(String status, @JsonProperty("Info") String info) {

        static WebitelStatus error(String info) {
            return new WebitelStatus("error", info);
        }
    }

    private final JsonMapper json;
    private final NhnErrorHandler classifier;

    public WebitelErrorHandler(JsonMapper json, NhnErrorHandler classifier) {
        this.json = json;
        this.classifier = classifier;
    }

    /** Before the SuperOffice mapping (-3) and the NHN one (-2); the paths the three claim never overlap. */
    @Override
    public int getOrder() {
        return -4;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable error) {
        if (!exchange.getRequest().getPath().value().startsWith(PREFIX) || exchange.getResponse().isCommitted()) {
            return Mono.error(error);
        }
        NhnErrorHandler.Failure failure = classifier.map(exchange, error);
        HttpStatus status = failure.restStatus();
        var response = exchange.getResponse();
        response.setStatusCode(status);
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        NhnErrorHandler.retryLater(status, response.getHeaders());
        if (status == HttpStatus.UNAUTHORIZED) {
            // a 401 names its scheme (RFC 9110); this dialect's is the X-Key + X-Access-Token header pair
            response.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "X-Access-Token realm=\"switchboard\"");
        }
        DataBuffer buffer = response.bufferFactory().wrap(json.writeValueAsBytes(WebitelStatus.error(failure.message())));
        return response.writeWith(Mono.just(buffer));
    }

}
