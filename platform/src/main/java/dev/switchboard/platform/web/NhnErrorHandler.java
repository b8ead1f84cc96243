package dev.switchboard.platform.web;

import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.core.Ordered;
import org.springframework.core.codec.DecodingException;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;
import org.springframework.web.server.WebExceptionHandler;

import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one place where anything that goes wrong in a request becomes the NHN envelope: a precise
 * message for bad input, the vendor's result codes, never a stack trace. Unexpected failures are
 * logged with a reference id that the 500 response repeats.
 */
public class NhnErrorHandler implements WebExceptionHandler, Ordered {

    private static final Logger log = LoggerFactory.getLogger(NhnErrorHandler.class);

    /** What a 503 asks the client to wait before trying again. */
    static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    /**
     * Failures that mean a dependency (a service behind the gateway, the database) is down or too slow
     * right now: the request changed nothing that the client could see, and may be tried again. Named, not
     * imported, because the gateway has no database driver and the services no gateway.
     */
    private static final Set<String> UNAVAILABLE = Set.of(
            "java.net.ConnectException",
            "java.net.NoRouteToHostException",
            "java.util.concurrent.TimeoutException",
            "io.netty.channel.ConnectTimeoutException",
            "io.netty.channel.AbstractChannel$AnnotatedConnectException",
            "reactor.netty.http.client.PrematureCloseException",
            "reactor.netty.channel.AbortedException",
            // the gateway's bounded pool of connections to a service: every connection busy and the queue full,
            // or no connection freed in time; the service is overloaded, the client should come back
            "reactor.netty.internal.shaded.reactor.pool.PoolAcquirePendingLimitException",
            "reactor.netty.internal.shaded.reactor.pool.PoolAcquireTimeoutException",
            "com.mongodb.MongoTimeoutException",
            "com.mongodb.MongoSocketException",
            "com.mongodb.MongoSocketOpenException",
            "com.mongodb.MongoSocketReadException",
            "com.mongodb.MongoSocketReadTimeoutException",
            "com.mongodb.MongoSocketWriteException",
            "com.mongodb.MongoSocketClosedException",
            "com.mongodb.MongoNotPrimaryException",
            "com.mongodb.MongoNodeIsRecoveringException",
            "org.springframework.dao.DataAccessResourceFailureException",
            "org.springframework.dao.TransientDataAccessResourceException",
            "org.springframework.dao.QueryTimeoutException");

    private final JsonMapper json;

    public NhnErrorHandler(JsonMapper json) {
        this.json = json;
    }

    /** Before Spring's own handlers (Boot's error page at -1, WebFlux's status handler at 0). */
    @Override
    public int getOrder() {
        return -2;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable error) {
        if (exchange.getResponse().isCommitted()) {
            return Mono.error(error);
        }
        Failure failure = map(exchange, error);
        byte[] body = json.writeValueAsBytes(NhnResponse.failure(failure.resultCode(), failure.message(), failure.result()));
        var response = exchange.getResponse();
        response.setStatusCode(failure.status());
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        retryLater(failure.status(), response.getHeaders());
        DataBuffer buffer = response.bufferFactory().wrap(body);
        return response.writeWith(Mono.just(buffer));
    }

    /** A 503 tells the client when to come back. */
    static void retryLater(HttpStatusCode status, HttpHeaders headers) {
        if (status.value() == HttpStatus.SERVICE_UNAVAILABLE.value()) {
            headers.set(HttpHeaders.RETRY_AFTER, Long.toString(RETRY_AFTER.toSeconds()));
        }
    }

    record Failure(HttpStatusCode status, int resultCode, String message, Object result) {
        static Failure of(HttpStatus status, String message) {
            return new Failure(status, status.value(), message, null);
        }

        /**
         * The HTTP status a REST dialect (SuperOffice, Webitel) answers with: NHN says "no related data" and
         * "related data exists" with 200 and a result code, a REST client needs 404 and 409.
         */
        HttpStatus restStatus() {
            if (resultCode == NhnApiException.NO_RELATED_DATA) {
                return HttpStatus.NOT_FOUND;
            }
            if (resultCode == NhnApiException.RELATED_DATA_EXISTS) {
                return HttpStatus.CONFLICT;
            }
            HttpStatus resolved = HttpStatus.resolve(status.value());
            return resolved == null ? HttpStatus.INTERNAL_SERVER_ERROR : resolved;
        }
    }

    Failure map(ServerWebExchange exchange, Throwable error) {
        if (error instanceof NhnApiException api) {
            return new Failure(api.status(), api.resultCode(), api.getMessage(), api.result());
        }
        if (error instanceof WebExchangeBindException bind) {
            String fields = bind.getFieldErrors().stream()
                    .map(NhnErrorHandler::describe)
                    .collect(Collectors.joining("; "));
            return Failure.of(HttpStatus.BAD_REQUEST, "Invalid request: " + fields);
        }
        DataBufferLimitException tooLarge = find(error, DataBufferLimitException.class);
        if (tooLarge != null) {
            return Failure.of(HttpStatus.PAYLOAD_TOO_LARGE, "Request body is too large");
        }
        if (error instanceof UnsupportedMediaTypeStatusException unsupported) {
            return Failure.of(HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                    "Unsupported content type " + unsupported.getContentType() + "; send application/json");
        }
        if (error instanceof MethodNotAllowedException notAllowed) {
            return Failure.of(HttpStatus.METHOD_NOT_ALLOWED, "Method " + notAllowed.getHttpMethod()
                    + " is not allowed here; allowed: " + notAllowed.getSupportedMethods());
        }
        if (error instanceof ServerWebInputException input) {
            return Failure.of(HttpStatus.BAD_REQUEST, inputMessage(input));
        }
        if (find(error, InvalidMediaTypeException.class) != null) {
            return Failure.of(HttpStatus.BAD_REQUEST, "Malformed Content-Type header; send application/json");
        }
        if (unavailable(error)) {
            log.warn("Dependency unavailable on {} {}: {}", exchange.getRequest().getMethod(),
                    exchange.getRequest().getPath().value(), error.toString());
            return Failure.of(HttpStatus.SERVICE_UNAVAILABLE,
                    "Service temporarily unavailable; try again in " + RETRY_AFTER.toSeconds() + " seconds");
        }
        if (error instanceof ResponseStatusException status) {
            if (status.getStatusCode().value() == 404) {
                return Failure.of(HttpStatus.NOT_FOUND, "No API at " + exchange.getRequest().getMethod() + " "
                        + exchange.getRequest().getPath().value());
            }
            if (status.getStatusCode().is4xxClientError()) {
                HttpStatus resolved = HttpStatus.resolve(status.getStatusCode().value());
                return Failure.of(resolved == null ? HttpStatus.BAD_REQUEST : resolved,
                        status.getReason() == null ? "Bad request" : status.getReason());
            }
        }
        String reference = UUID.randomUUID().toString();
        log.error("Unexpected failure {} on {} {}", reference, exchange.getRequest().getMethod(),
                exchange.getRequest().getPath().value(), error);
        return Failure.of(HttpStatus.INTERNAL_SERVER_ERROR, "Internal error, reference " + reference);
    }

    /**
     * Whether the failure, or any of its causes, is one of {@link #UNAVAILABLE} or a gateway timeout: a dependency
     * that is away or overloaded, which passes; the one list of those, for a 503 here and a retry elsewhere.
     */
    public static boolean unavailable(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ResponseStatusException status && (status.getStatusCode().value() == 504
                    || status.getStatusCode().value() == 503)) {
                return true;
            }
            for (Class<?> type = t.getClass(); type != null; type = type.getSuperclass()) {
                if (UNAVAILABLE.contains(type.getName())) {
                    return true;
                }
            }
            // EMFILE: this process ran out of file descriptors for a socket, an overload and not a bug
            if (t.getMessage() != null && t.getMessage().contains("Too many open files")) {
                return true;
            }
        }
        return false;
    }

    private static String describe(FieldError error) {
        return error.getField() + " " + error.getDefaultMessage();
    }

    static String inputMessage(ServerWebInputException input) {
        StreamReadException malformed = find(input, StreamReadException.class);
        if (malformed != null) {
            var location = malformed.getLocation();
            return "Malformed JSON" + (location == null ? "" : " at line " + location.getLineNr() + ", column "
                    + location.getColumnNr()) + ": " + firstLine(malformed.getOriginalMessage());
        }
        DatabindException binding = find(input, DatabindException.class);
        if (binding != null) {
            String path = binding.getPath().stream()
                    .map(ref -> ref.getPropertyName() != null ? ref.getPropertyName() : "[" + ref.getIndex() + "]")
                    .collect(Collectors.joining(".")).replace(".[", "[");
            return (path.isEmpty() ? "Invalid request body" : "Invalid value for '" + path + "'") + ": "
                    + firstLine(binding.getOriginalMessage());
        }
        JacksonException other = find(input, JacksonException.class);
        if (other != null) {
            return "Invalid JSON: " + firstLine(other.getOriginalMessage());
        }
        if (find(input, DecodingException.class) != null) {
            return "Invalid request body";
        }
        TypeMismatchException mismatch = find(input, TypeMismatchException.class);
        if (mismatch != null) {
            return "Invalid value '" + mismatch.getValue() + "' for " + parameterName(input)
                    + (mismatch.getRequiredType() == null ? "" : ": expected " + typeName(mismatch.getRequiredType()));
        }
        return input.getReason() == null ? "Invalid request" : input.getReason();
    }

    /** The parameter as the client names it (the query or path variable name), not the Java name. */
    private static String parameterName(ServerWebInputException input) {
        var parameter = input.getMethodParameter();
        if (parameter == null) {
            return "a parameter";
        }
        RequestParam query = parameter.getParameterAnnotation(RequestParam.class);
        if (query != null && !query.name().isEmpty()) {
            return "'" + query.name() + "'";
        }
        PathVariable path = parameter.getParameterAnnotation(PathVariable.class);
        if (path != null && !path.name().isEmpty()) {
            return "'" + path.name() + "'";
        }
        return "'" + parameter.getParameterName() + "'";
    }

    private static String typeName(Class<?> type) {
        if (Number.class.isAssignableFrom(type) || (type.isPrimitive() && type != boolean.class)) {
            return "a number";
        }
        return type == Boolean.class || type == boolean.class ? "true or false" : type.getSimpleName();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        String line = newline < 0 ? message : message.substring(0, newline);
        // Jackson names the Java type it failed to build; clients know fields, not our classes.
        return line.replaceAll("`[a-z]+(\\.[a-z0-9_]+)+\\.([A-Za-z0-9_$]+)`", "$2");
    }

    static <T extends Throwable> T find(Throwable error, Class<T> type) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

}
