package dev.switchboard.platform.web;

import java.util.List;

import org.springframework.http.HttpStatus;

/**
 * A request the API refuses, with the HTTP status and NHN result code it is answered with.
 * Thrown by handlers and mapped to the envelope in one place ({@link NhnErrorHandler}).
 */
public class NhnApiException extends RuntimeException {

    /** NHN result code: no related data. */
    public static final int NO_RELATED_DATA = 9005;
    /** NHN result code: related data exists. */
    public static final int RELATED_DATA_EXISTS = 9007;

    private final HttpStatus status;
    private final int resultCode;
    private final transient Object result;

    public NhnApiException(HttpStatus status, int resultCode, String message, Object result) {
        super(message, null, false, false);
        this.status = status;
        this.resultCode = resultCode;
        this.result = result;
    }

    public static NhnApiException badRequest(String message) {
        return new NhnApiException(HttpStatus.BAD_REQUEST, 400, message, null);
    }

    /** 400 with the per-field failures as {@code result.contents}, as the inquiry API reports validation. */
    public static NhnApiException invalid(String message, List<?> failures) {
        return new NhnApiException(HttpStatus.BAD_REQUEST, 400, message, new NhnResponse.Contents(failures));
    }

    /** 401: missing or wrong credentials of a dialect that authenticates with them (SuperOffice). */
    public static NhnApiException unauthorized(String message) {
        return new NhnApiException(HttpStatus.UNAUTHORIZED, 401, message, null);
    }

    public static NhnApiException forbidden(String message) {
        return new NhnApiException(HttpStatus.FORBIDDEN, 403, message, null);
    }

    public static NhnApiException notFound(String message) {
        return new NhnApiException(HttpStatus.NOT_FOUND, 404, message, null);
    }

    public static NhnApiException noRelatedData(String message) {
        return new NhnApiException(HttpStatus.OK, NO_RELATED_DATA, message, null);
    }

    public static NhnApiException relatedDataExists(String message) {
        return new NhnApiException(HttpStatus.OK, RELATED_DATA_EXISTS, message, null);
    }

    public HttpStatus status() {
        return status;
    }

    public int resultCode() {
        return resultCode;
    }

    public Object result() {
        return result;
    }
}
