package dev.switchboard.platform.web;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The NHN Online Contact response envelope: a {@code header} saying how it went and a {@code result}
 * holding {@code content} (one item), {@code contents} (a list) or a page of contents.
 */
public record NhnResponse(Header header, Object result) {

    /** The envelope header; {@code isSuccessful} is spelled as the vendor spells it. */
    public record Header(int resultCode, String resultMessage, @JsonProperty("isSuccessful") boolean isSuccessful) {
    }

    /** One item. */
    public record Content(Object content) {
    }

    /** A list of items. */
    public record Contents(List<?> contents) {
    }

    /** A page of items with the vendor's paging fields. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Page(List<?> contents, long total, int pages, int pageNum, int pageSize) {
    }

    public static NhnResponse content(Object content) {
        return new NhnResponse(new Header(200, "", true), new Content(content));
    }

    public static NhnResponse contents(List<?> contents) {
        return new NhnResponse(new Header(200, "", true), new Contents(contents));
    }

    public static NhnResponse page(List<?> contents, long total, int pageNum, int pageSize) {
        int pages = pageSize == 0 ? 0 : (int) ((total + pageSize - 1) / pageSize);
        return new NhnResponse(new Header(200, "", true), new Page(contents, total, pages, pageNum, pageSize));
    }

    public static NhnResponse failure(int resultCode, String message, Object result) {
        return new NhnResponse(new Header(resultCode, message, false), result);
    }
}
