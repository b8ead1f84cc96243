package dev.switchboard.platform.web;

import java.util.stream.Collectors;

import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;

import com.fasterxml.jackson.annotation.JsonProperty;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The SuperOffice dialect's error mapping, for everything under {@code /api/v1/}: the WebAPI's error
 * object ({@code Error}, {@code ErrorType}, {@code ErrorSource}) with a proper HTTP status. What a failure
 * means is decided once, by {@link NhnErrorHandler#map}; only the rendering differs. Runs before the
 * NHN mapping and passes every other path on to it.
 */
public class SuperOfficeErrorHandler implements WebExceptionHandler, Ordered {

    /** Where the SuperOffice dialect lives. */
    public static final String PREFIX = "/api/v1/";

    /** The WebAPI error body; {@code ErrorSource} names the offending property when one is known. */
    public record SoError(@JsonProperty("Error") String error, @JsonProperty("ErrorType") String errorType,
                          @JsonProperty("ErrorSource") String errorSource) {
    }

    private final JsonMapper json;
    private final NhnErrorHandler classifier;

    public SuperOfficeErrorHandler(JsonMapper json, NhnErrorHandler classifier) {
        this.json = json;
        this.classifier = classifier;
    }

    @Override
    public int getOrder() {
        return -3;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable error) {
        if (!exchange.getRequest().getPath().value().startsWith(PREFIX) || exchange.getResponse().isCommitted()) {
            return Mono.error(error);
        }
        HttpStatus status;
        SoError body;
        if (error instanceof WebExchangeBindException bind) {
            status = HttpStatus.BAD_REQUEST;
            FieldError first = bind.getFieldError();
            body = new SoError("Invalid request: " + bind.getFieldErrors().stream()
                    .map(field -> property(field.getField()) + " " + field.getDefaultMessage())
                    .collect(Collectors.joining("; ")), "ValidationError",
                    first == null ? null : property(first.getField()));
        } else {
            NhnErrorHandler.Failure failure = classifier.map(exchange, error);
            status = failure.restStatus();
            body = new SoError(failure.message(), type(status), null);
        }
        var response = exchange.getResponse();
        response.setStatusCode(status);
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        NhnErrorHandler.retryLater(status, response.getHeaders());
        if (status == HttpStatus.UNAUTHORIZED) {
            response.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"switchboard\", Bearer");
        }
        DataBuffer buffer = response.bufferFactory().wrap(json.writeValueAsBytes(body));
        return response.writeWith(Mono.just(buffer));
    }

    private static String type(HttpStatus status) {
        return switch (status) {
            case BAD_REQUEST -> "BadRequest";
            case UNAUTHORIZED -> "Unauthorized";
            case FORBIDDEN -> "Forbidden";
            case NOT_FOUND -> "NotFound";
            case CONFLICT -> "Conflict";
            case METHOD_NOT_ALLOWED -> "MethodNotAllowed";
            case PAYLOAD_TOO_LARGE -> "PayloadTooLarge";
            case UNSUPPORTED_MEDIA_TYPE -> "UnsupportedMediaType";
            case SERVICE_UNAVAILABLE -> "ServiceUnavailable";
            default -> status.is5xxServerError() ? "InternalError" : "BadRequest";
        };
    }

    /** Java property paths ({@code incomingCredentials.server}) as the wire spells them ({@code IncomingCredentials.Server}). */
    static String property(String path) {
        return java.util.Arrays.stream(path.split("\\."))
                .map(part -> part.isEmpty() ? part : Character.toUpperCase(part.charAt(0)) + part.substring(1))
                .collect(Collectors.joining("."));
    }
}
