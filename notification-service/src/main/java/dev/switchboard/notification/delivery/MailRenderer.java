package dev.switchboard.notification.delivery;

import org.springframework.stereotype.Component;
import org.springframework.web.util.HtmlUtils;

/**
 * Places a message into the tenant's HTML layout at {@code #{content}}. The message is text written by
 * a customer or an agent, so it is HTML-escaped; the layout is the tenant's own HTML and is not.
 */
@Component
class MailRenderer {

    static final String PLACEHOLDER = "#{content}";
    static final String DEFAULT_TEMPLATE = "<html><body>" + PLACEHOLDER + "</body></html>";

    String html(String template, String text) {
        String layout = template == null || !template.contains(PLACEHOLDER) ? DEFAULT_TEMPLATE : template;
        String body = HtmlUtils.htmlEscape(text, "UTF-8").replace("\r\n", "\n").replace("\n", "<br>\n");
        return layout.replace(PLACEHOLDER, body);
    }

    /** Header values must be one line: a CR or LF from user input would inject headers. */
    static String oneLine(String value) {
        return value == null ? "" : value.replaceAll("[\\r\\n\\t]+", " ").strip();
    }
}
