package dev.switchboard.attachment.files;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.http.HttpStatus;

import dev.switchboard.platform.web.NhnApiException;
import dev.switchboard.platform.web.NhnResponse;

/** Upload failures in the vendor's shape: {@code result.content = {exception: OcException, message}}. */
final class Rejection {

    static final String TOO_LARGE = "You can only attach files up to %s.";
    static final String NAME_TOO_LONG = "File name maximum length exceeded.(" + FileNames.MAX_LENGTH + ")";
    static final String FORMAT = "This file format cannot be attached.";

    private Rejection() {
    }

    static NhnApiException of(String message) {
        Map<String, String> content = new LinkedHashMap<>();
        content.put("exception", "OcException");
        content.put("message", message);
        return new NhnApiException(HttpStatus.BAD_REQUEST, 400, message, new NhnResponse.Content(content));
    }
}
